"""Stipends and expenses, the services: the ledger from attendance, claims and their
approval, IBAN checks and encryption, payment runs that pay once, and erasure."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import FileStorage

from tests.webapp.payments_data import IBAN_ES, IBAN_NL, PayWorld, build_pay_world
from webapp.extensions import db
from webapp.models import Jury, Member, Phase, PhaseKind, User
from webapp.models.payments import (
    BankAccount,
    ClaimStatus,
    ExpenseClaim,
    ExpenseKind,
    Payment,
    PaymentRun,
    PaymentSettings,
)
from webapp.payments import accounts, claims, ledger, runs
from webapp.privacy import erase_expired, erase_person

TOMORROW = date.today() + timedelta(days=1)


@pytest.fixture
def world(app: Flask) -> PayWorld:
    return build_pay_world(app)


def _jury(world: PayWorld) -> Jury:
    return db.session.get_one(Jury, world.jury_id)


def _member(member_id: int) -> Member:
    return db.session.get_one(Member, member_id)


def _user(world: PayWorld) -> User:
    return db.session.get_one(User, world.organiser)


def _claim(world: PayWorld, member_id: int, cents: int, **extra: object) -> ExpenseClaim:
    args: dict[str, object] = {
        "kind": ExpenseKind.CHILDCARE,
        "amount_cents": cents,
        "spent_on": date.today(),
        "sitting": None,
        "note": "",
        "receipt": None,
        "via": "staff",
        "user": _user(world),
    }
    args.update(extra)
    return claims.add_claim(_jury(world), _member(member_id), **args)  # type: ignore[arg-type]


def test_stipends_follow_attendance_and_the_late_setting(app: Flask, world: PayWorld) -> None:
    ana, ben, cruz = world.member_ids
    with app.test_request_context():
        rows = ledger.balances(_jury(world))
        assert [rows[m].sittings for m in (ana, ben, cruz)] == [2, 1, 0]
        assert [rows[m].balance_cents for m in (ana, ben, cruz)] == [13000, 6500, 0]
        settings = db.session.scalars(sa.select(PaymentSettings)).one()
        settings.count_late = False
        db.session.flush()
        rows = ledger.balances(_jury(world))
        assert rows[ben].balance_cents == 0
        assert [line.kind for line in rows[ben].lines] == ["stipend_not_counted"]
        assert rows[ana].balance_cents == 13000  # on time at both
        assert ledger.totals(rows)["balance"] == 13000


def test_an_approved_claim_counts_once_and_a_double_approval_is_harmless(
    app: Flask, world: PayWorld
) -> None:
    cruz = world.member_ids[2]
    with app.test_request_context():
        claim = _claim(world, cruz, 2450)
        assert ledger.balances(_jury(world))[cruz].balance_cents == 0  # pending
        assert ledger.balances(_jury(world))[cruz].pending_claims == 1
        admin = db.session.get_one(User, world.admin)
        assert claims.decide(claim, approve=True, user=_user(world)) is True
        first_decided = (claim.decided_by_id, claim.decided_at)
        assert claims.decide(claim, approve=True, user=admin) is False
        assert (claim.decided_by_id, claim.decided_at) == first_decided
        assert ledger.balances(_jury(world))[cruz].balance_cents == 2450
        # The same claim sent twice while it waits is stored once.
        twice = _claim(world, cruz, 999), _claim(world, cruz, 999)
        assert twice[0] is twice[1]
        rejected = twice[0]
        claims.decide(rejected, approve=False, user=_user(world))
        assert rejected.status == ClaimStatus.REJECTED
        assert ledger.balances(_jury(world))[cruz].balance_cents == 2450


@pytest.mark.parametrize(
    "text,cents",
    [("65", 6500), ("65,50", 6550), ("65.5", 6550), (" € 12.05 ", 1205), ("0.01", 1)],
)
def test_amounts_are_read_as_people_type_them(text: str, cents: int) -> None:
    assert claims.parse_cents(text, field="amount") == cents


@pytest.mark.parametrize(
    "text,message",
    [
        ("-5", "cannot be negative"),
        ("0", "more than zero"),
        ("abc", "like 12.50"),
        ("nan", "like 12.50"),
        ("1.234", "two decimals"),
        ("20000", "too large"),
        ("", "like 12.50"),
    ],
)
def test_bad_amounts_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(claims.ClaimProblem) as problem:
        claims.parse_cents(text, field="amount")
    assert message in str(problem.value) and problem.value.field == "amount"


def test_a_claim_for_another_jury_or_sitting_is_refused_and_nothing_is_written(
    app: Flask, world: PayWorld
) -> None:
    with app.test_request_context():
        with pytest.raises(claims.ClaimProblem) as problem:
            _claim(world, world.other_member_id, 1000)
        assert problem.value.field == "member"
        other_sitting = db.session.get_one(Jury, world.other_jury_id).sittings[0]
        with pytest.raises(claims.ClaimProblem) as problem:
            _claim(world, world.member_ids[0], 1000, sitting=other_sitting)
        assert problem.value.field == "sitting"
        with pytest.raises(claims.ClaimProblem) as problem:
            _claim(world, world.member_ids[0], 1000, spent_on=date.today() + timedelta(days=9))
        assert problem.value.field == "spent_on"
        assert db.session.scalar(sa.select(sa.func.count(ExpenseClaim.id))) == 0


def test_receipts_are_kept_owner_only_and_checked_by_content(app: Flask, world: PayWorld) -> None:
    with app.test_request_context():
        pdf = FileStorage(io.BytesIO(b"%PDF-1.4 receipt"), filename="kita.pdf")
        claim = _claim(world, world.member_ids[0], 3000, receipt=pdf)
        path = claims.receipt_file(claim)
        assert path is not None and path.read_bytes() == b"%PDF-1.4 receipt"
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
        fake = FileStorage(io.BytesIO(b"MZ\x90\x00 not a pdf"), filename="virus.pdf")
        with pytest.raises(claims.ClaimProblem) as problem:
            _claim(world, world.member_ids[0], 3000, receipt=fake)
        assert problem.value.field == "receipt" and "PDF, JPG or PNG" in str(problem.value)


@pytest.mark.parametrize(
    "iban,message",
    [
        ("ES91 2100 0418 4502 0005 1333", "check digits"),
        ("ES91 2100 0418", "too many or too few"),
        ("XX91 2100 0418 4502 0005 1332", "country code"),
        ("", "type the account number"),
        ("hello world", "not an IBAN"),
        ("BR15 0000 0000 0000 1093 2840 814P 2", "outside the SEPA area"),
    ],
)
def test_a_wrong_iban_gets_a_clear_error(iban: str, message: str) -> None:
    with pytest.raises(accounts.AccountProblem) as problem:
        accounts.check_iban(iban)
    assert message in str(problem.value)


def test_accounts_are_encrypted_at_rest_and_shown_masked(app: Flask, world: PayWorld) -> None:
    with app.test_request_context():
        ana = _member(world.member_ids[0])
        accounts.save_account(
            ana, holder="Ana García", iban=IBAN_ES.lower(), bic="", user=_user(world)
        )
        db.session.commit()
        raw = db.session.execute(
            sa.text("SELECT holder_encrypted, iban_encrypted, iban_last4 FROM bank_accounts")
        ).one()
        assert b"2100" not in raw[1] and "García".encode() not in raw[0]
        assert accounts.mask(raw[2]) == "•••• 1332"
        account = accounts.account_of(ana)
        assert account is not None
        assert accounts.payee(account) == accounts.Payee("Ana García", IBAN_ES.replace(" ", ""), "")
        # Another instance key cannot read it (and says so instead of failing).
        app.config["SECRET_KEY"] = "another-secret"
        assert accounts.payee(account) is None
        app.config["SECRET_KEY"] = "test-secret"
        assert accounts.remove_account(ana) is True
        assert accounts.remove_account(ana) is False


def _pay_ready(app: Flask, world: PayWorld) -> None:
    with app.test_request_context():
        user = _user(world)
        ana, ben, _cruz = (_member(m) for m in world.member_ids)
        accounts.save_account(ana, holder="Ana García", iban=IBAN_ES, bic="", user=user)
        accounts.save_account(
            ben, holder='=HYPERLINK("x")', iban=IBAN_NL, bic="ABNANL2A", user=user
        )
        claim = _claim(world, ana.id, 2450)
        claims.decide(claim, approve=True, user=user)
        db.session.commit()


def test_a_payment_run_pays_each_balance_once(app: Flask, world: PayWorld) -> None:
    _pay_ready(app, world)
    ana, ben, _cruz = world.member_ids
    with app.test_request_context():
        jury = _jury(world)
        run = runs.make_run(jury, [ana, ben], execution_date=TOMORROW, since=0, user=_user(world))
        db.session.commit()
        assert run.total_cents == 13000 + 2450 + 6500
        assert sorted(p.amount_cents for p in run.payments) == [6500, 15450]
        rows = ledger.balances(jury)
        assert rows[ana].balance_cents == rows[ben].balance_cents == 0
        assert [x.amount_cents for x in rows[ana].lines if x.kind == "payment"] == [-15450]
        assert db.session.scalars(sa.select(ExpenseClaim)).one().run_id == run.id
        # The same form sent again: refused, nothing paid twice.
        with pytest.raises(runs.RunProblem) as problem:
            runs.make_run(jury, [ana, ben], execution_date=TOMORROW, since=0, user=_user(world))
        assert "sent twice" in str(problem.value)
        db.session.rollback()
        # A fresh form: nobody has anything left to be paid.
        with pytest.raises(runs.RunProblem) as problem:
            runs.make_run(jury, [ana], execution_date=TOMORROW, since=run.id, user=_user(world))
        assert "R-ANA1 has nothing to be paid" in str(problem.value)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 2
        # The paid claim keeps its decision.
        paid = db.session.scalars(sa.select(ExpenseClaim)).one()
        with pytest.raises(claims.ClaimProblem):
            claims.decide(paid, approve=False, user=_user(world))
        csv_text = runs.run_file(run, "csv")
        assert csv_text is not None
        assert "'=HYPERLINK" in csv_text  # formula cells neutralised
        assert "ES9121000418450200051332" in csv_text and "154.50" in csv_text


@pytest.mark.parametrize(
    "case,field",
    [
        ("no_iban", "members"),
        ("other_jury", "members"),
        ("nobody", "members"),
        ("past", "execution_date"),
        ("no_debtor", "settings"),
    ],
)
def test_a_payment_run_that_cannot_be_made_writes_nothing(
    app: Flask, world: PayWorld, case: str, field: str
) -> None:
    _pay_ready(app, world)
    ana, _ben, cruz = world.member_ids
    with app.test_request_context():
        jury = _jury(world)
        chosen = {"no_iban": [ana, cruz], "other_jury": [ana, world.other_member_id]}.get(
            case, [] if case == "nobody" else [ana]
        )
        if case == "no_iban":
            claims.decide(_claim(world, cruz, 500), approve=True, user=_user(world))
        if case == "no_debtor":
            db.session.scalars(sa.select(PaymentSettings)).one().debtor_iban = ""
        when = date.today() - timedelta(days=1) if case == "past" else TOMORROW
        with pytest.raises(runs.RunProblem) as problem:
            runs.make_run(jury, chosen, execution_date=when, since=0, user=_user(world))
        assert problem.value.field == field
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(PaymentRun.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 0


def test_erasure_on_request_removes_accounts_receipts_and_run_files(
    app: Flask, world: PayWorld
) -> None:
    _pay_ready(app, world)
    ana = world.member_ids[0]
    with app.test_request_context():
        pdf = FileStorage(io.BytesIO(b"%PDF-1.4 x"), filename="bus.pdf")
        claim = _claim(world, ana, 700, receipt=pdf, note="Bus for my daughter")
        receipt = claims.receipt_file(claim)
        assert receipt is not None
        run = runs.make_run(
            _jury(world), [ana], execution_date=TOMORROW, since=0, user=_user(world)
        )
        db.session.commit()
        assert erase_person("R-ANA1") is True
        db.session.commit()
        assert db.session.scalar(sa.select(BankAccount).filter_by(member_id=ana)) is None
        assert db.session.scalar(sa.select(BankAccount).filter_by(member_id=world.member_ids[1]))
        db.session.refresh(run)
        db.session.refresh(claim)
        assert run.csv_encrypted is None and run.xml_encrypted is None
        assert claim.note == "" and claim.receipt_path is None and not Path(receipt).exists()
        assert run.payments[0].amount_cents == 15450  # the accounts of the municipality stay


def test_accounts_are_erased_when_the_jury_retention_ends(app: Flask, world: PayWorld) -> None:
    _pay_ready(app, world)
    with app.test_request_context():
        jury = _jury(world)
        jury.retention_days = 30
        ended = date.today() - timedelta(days=40)
        jury.phases.append(Phase(kind=PhaseKind.REPORT, starts_on=ended, ends_on=ended))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(BankAccount.id))) == 2
        erase_expired(today=date.today())
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(BankAccount.id))) == 0


def test_the_demo_sets_madrids_stipend_and_claims_an_expense_for_a_member(
    app: Flask, world: PayWorld
) -> None:
    from webapp.payments.demo import DEMO_DEBTOR_IBAN, load_demo_payments

    with app.test_request_context():
        load_demo_payments(_jury(world), _user(world), today=date.today())
        db.session.commit()
        settings = ledger.settings_of(_jury(world))
        assert (settings.stipend_cents, settings.debtor_iban) == (6500, DEMO_DEBTOR_IBAN)
        assert accounts.check_iban(DEMO_DEBTOR_IBAN) == DEMO_DEBTOR_IBAN
        (claim,) = claims.claims_of(_jury(world), status=ClaimStatus.PENDING)
        assert (claim.member_id, claim.amount_cents) == (world.member_ids[0], 1240)


def test_a_payment_run_on_sqlite_and_postgresql(any_db_app: Flask) -> None:
    """The run locks the jury's row on PostgreSQL (FOR UPDATE) and stores binary tokens."""
    world = build_pay_world(any_db_app)
    _pay_ready(any_db_app, world)
    with any_db_app.test_request_context():
        run = runs.make_run(
            _jury(world), world.member_ids[:2], execution_date=TOMORROW, since=0, user=_user(world)
        )
        db.session.commit()
        run_id = run.id
    with any_db_app.test_request_context():
        stored = db.session.get_one(PaymentRun, run_id)
        assert stored.total_cents == 21950
        text = runs.run_file(stored, "xml")
        assert text is not None and "<CtrlSum>219.50</CtrlSum>" in text
        with pytest.raises(runs.RunProblem):
            runs.make_run(
                _jury(world),
                world.member_ids[:1],
                execution_date=TOMORROW,
                since=0,
                user=_user(world),
            )
