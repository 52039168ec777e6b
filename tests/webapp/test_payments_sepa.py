"""The SEPA credit transfer file of a payment run validates against the official
pain.001.001.09 schema (the copy in tests/webapp/data/sepa, see its README), and says what
the ledger says: one transfer per member, the amounts, the control sum, the accounts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask
from lxml import etree

from tests.webapp.payments_data import DEBTOR_IBAN, IBAN_ES, IBAN_NL, build_pay_world
from webapp.extensions import db
from webapp.models import Jury, Member, User
from webapp.models.payments import ExpenseKind
from webapp.payments import accounts, claims, runs

XSD = Path(__file__).parent / "data" / "sepa" / "pain.001.001.09.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def test_the_pain001_file_validates_against_the_official_schema(app: Flask) -> None:
    world = build_pay_world(app)
    ana, ben, _ = world.member_ids
    with app.test_request_context():
        user = db.session.get_one(User, world.organiser)
        jury = db.session.get_one(Jury, world.jury_id)
        # Names with accents and a BIC for one of them: cleaned for the SEPA character set.
        accounts.save_account(
            db.session.get_one(Member, ana), holder="Ana Núñez", iban=IBAN_ES, bic="", user=user
        )
        accounts.save_account(
            db.session.get_one(Member, ben),
            holder="Ben de Vries",
            iban=IBAN_NL,
            bic="ABNANL2A",
            user=user,
        )
        claim = claims.add_claim(
            jury,
            db.session.get_one(Member, ana),
            kind=ExpenseKind.TRAVEL,
            amount_cents=1275,
            spent_on=date.today(),
            sitting=None,
            note="",
            receipt=None,
            via="staff",
            user=user,
        )
        claims.decide(claim, approve=True, user=user)
        when = date.today() + timedelta(days=2)
        run = runs.make_run(jury, [ana, ben], execution_date=when, since=0, user=user)
        db.session.commit()
        xml = runs.run_file(run, "xml")
        end_to_end = {p.end_to_end_id for p in run.payments}
    assert xml is not None
    document = etree.fromstring(xml.encode("utf-8"))
    schema = _schema()
    assert schema.validate(document), schema.error_log
    header = document.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "2"
    assert Decimal(header.findtext("p:CtrlSum", namespaces=NS)) == Decimal("207.75")
    info = document.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info.findtext("p:ReqdExctnDt/p:Dt", namespaces=NS) == when.isoformat()
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == DEBTOR_IBAN
    transfers = {
        tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS): (
            tx.findtext("p:Amt/p:InstdAmt", namespaces=NS),
            tx.findtext("p:Cdtr/p:Nm", namespaces=NS),
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
        )
        for tx in info.findall("p:CdtTrfTxInf", NS)
    }
    assert transfers[IBAN_ES.replace(" ", "")][:2] == ("142.75", "Ana Nunez")
    assert transfers[IBAN_NL.replace(" ", "")][:2] == ("65.00", "Ben de Vries")
    assert {t[2] for t in transfers.values()} == end_to_end


def test_the_schema_refuses_a_broken_file() -> None:
    """The check can fail: a transfer without its creditor account is invalid."""
    broken = etree.fromstring(
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">'
        b"<CstmrCdtTrfInitn><GrpHdr><MsgId>1</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>"
    )
    assert not _schema().validate(broken)
