"""Stipends and expenses, the pages: settings, claims by staff and by the member's code,
approval, bank accounts (masked, never in a URL), payment runs and their downloads, and bad
input that gets a clear error naming the field and writes nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.payments_data import IBAN_ES, PayWorld, build_pay_world
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models.payments import BankAccount, ClaimStatus, ExpenseClaim, Payment, PaymentRun

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def world(app: Flask) -> PayWorld:
    return build_pay_world(app)


@pytest.fixture
def staff(app: Flask, world: PayWorld) -> FlaskClient:
    client = app.test_client()
    log_in_as(client, world.organiser)
    return client


def _base(world: PayWorld) -> str:
    return f"/staff/juries/{world.jury_id}/payments"


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_the_overview_shows_balances_from_attendance(staff: FlaskClient, world: PayWorld) -> None:
    page = staff.get(_base(world)).data.decode()
    assert "R-ANA1" in page and "€130.00" in page and "€65.00" in page
    assert "€195.00" in page  # the total


def test_settings_are_saved_and_bad_ones_name_the_field(
    app: Flask, staff: FlaskClient, world: PayWorld
) -> None:
    form = {
        "stipend": "70,50",
        "count_late": "",
        "debtor_name": "Ayuntamiento",
        "debtor_iban": "ES79 2100 0813 6101 2345 6789",
        "debtor_bic": "",
        "remittance": "Jurado",
    }
    assert staff.post(f"{_base(world)}/settings", data=form).status_code == 302
    page = staff.get(_base(world)).data.decode()
    assert "€70.50" in page and "Late arrivals get no stipend." in page
    assert "€70.50" in page and "R-BEN2" in page
    bad = staff.post(f"{_base(world)}/settings", data=form | {"stipend": "-3"})
    assert bad.status_code == 400
    text = bad.data.decode()
    assert "Stipend per sitting attended (euro): The amount cannot be negative." in text
    wrong_iban = staff.post(
        f"{_base(world)}/settings", data=form | {"debtor_iban": "ES79 2100 0813 6101 2345 6780"}
    )
    assert "check digits do not match" in wrong_iban.data.decode()
    assert "€70.50" in staff.get(_base(world)).data.decode()  # unchanged


def test_a_bank_account_is_checked_masked_and_removable(
    app: Flask, staff: FlaskClient, world: PayWorld
) -> None:
    url = f"{_base(world)}/members/{world.member_ids[0]}"
    bad = staff.post(url, data={"holder": "Ana", "iban": "ES91 2100 0418 4502 0005 1333"})
    assert bad.status_code == 400
    assert "IBAN: The check digits do not match" in bad.data.decode()
    assert _count(app, BankAccount) == 0
    ok = staff.post(url, data={"holder": "Ana García", "iban": IBAN_ES, "bic": ""})
    assert ok.status_code == 302 and "ES91" not in ok.location
    page = staff.get(url).data.decode()
    assert "•••• 1332" in page and "2100 0418" not in page and "21000418" not in page
    overview = staff.get(_base(world)).data.decode()
    assert "•••• 1332" in overview and "21000418" not in overview
    staff.post(f"{url}/account/remove")
    assert _count(app, BankAccount) == 0
    assert "No bank account yet." in staff.get(url).data.decode()


def test_the_iban_error_is_in_the_users_language(staff: FlaskClient, world: PayWorld) -> None:
    url = f"{_base(world)}/members/{world.member_ids[0]}"
    data = {"holder": "Ana", "iban": "ES91 2100 0418 4502 0005 1333"}
    spanish = staff.post(url, data=data, headers={"Accept-Language": "es"}).data.decode()
    dutch = staff.post(url, data=data, headers={"Accept-Language": "nl"}).data.decode()
    assert "dígitos de control" in spanish
    assert "controlecijfers" in dutch


def test_staff_enter_and_approve_a_claim_double_approval_is_harmless(
    app: Flask, staff: FlaskClient, world: PayWorld
) -> None:
    cruz = world.member_ids[2]
    form = {
        "member": str(cruz),
        "kind": "childcare",
        "amount": "24,50",
        "spent_on": date.today().isoformat(),
        "sitting": str(world.sitting_ids[0]),
        "note": "Canguro",
        "receipt": (io.BytesIO(b"\x89PNG\r\n\x1a\nimage"), "ticket.png"),
    }
    response = staff.post(
        f"{_base(world)}/claims/new", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    with app.app_context():
        claim = db.session.scalars(sa.select(ExpenseClaim)).one()
        claim_id, status = claim.id, claim.status
    assert status == ClaimStatus.PENDING
    assert "Expenses waiting for approval" in staff.get(_base(world)).data.decode()
    receipt = staff.get(f"{_base(world)}/claims/{claim_id}/receipt")
    assert receipt.status_code == 200 and receipt.data.startswith(b"\x89PNG")
    receipt.close()
    decide = f"{_base(world)}/claims/{claim_id}/decide"
    assert staff.post(decide, data={"decision": "approve"}).status_code == 302
    again = staff.post(decide, data={"decision": "approve"}, follow_redirects=True)
    assert "had this decision already" in again.data.decode()
    page = staff.get(f"{_base(world)}/members/{cruz}").data.decode()
    assert "Balance: €24.50" in page


@pytest.mark.parametrize(
    "change,message",
    [
        ({"amount": "-10"}, "Amount (euro): The amount cannot be negative."),
        ({"amount": "tien"}, "Amount (euro): Type an amount in euro"),
        ({"member": "OTHER"}, "Member: Choose a member of this jury."),
        ({"member": ""}, "Member: Choose a member of this jury."),
        ({"sitting": "99999"}, "Sitting (optional): Choose a sitting of this jury."),
        ({"kind": ""}, "Kind of expense: Choose the kind of expense."),
        ({"spent_on": "yesterday"}, "Date of the expense"),
    ],
)
def test_a_bad_claim_names_the_field_and_writes_nothing(
    app: Flask, staff: FlaskClient, world: PayWorld, change: dict[str, str], message: str
) -> None:
    form = {
        "member": str(world.member_ids[0]),
        "kind": "travel",
        "amount": "12",
        "spent_on": date.today().isoformat(),
        "sitting": "",
        "note": "",
    } | change
    if form["member"] == "OTHER":
        form["member"] = str(world.other_member_id)
    response = staff.post(f"{_base(world)}/claims/new", data=form)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert _count(app, ExpenseClaim) == 0


def test_a_member_claims_an_expense_with_their_code(app: Flask, world: PayWorld) -> None:
    resident = app.test_client()
    form = {
        "code": world.codes[1],
        "kind": "travel",
        "amount": "8.40",
        "spent_on": date.today().isoformat(),
        "note": "Bus",
    }
    response = resident.post("/expenses", data=form)
    assert response.status_code == 302
    assert "€8.40" in resident.get(response.location).data.decode()
    with app.app_context():
        claim = db.session.scalars(sa.select(ExpenseClaim)).one()
        assert (claim.member_id, claim.entered_via, claim.status) == (
            world.member_ids[1],
            "code",
            ClaimStatus.PENDING,
        )
    wrong = resident.post("/expenses", data=form | {"code": "ABCD-EFGH-JKMN-P"})
    assert wrong.status_code == 400 and "Your code: there is a typo" in wrong.data.decode()
    assert "Your code: Your code" not in wrong.data.decode()
    not_member = resident.post("/expenses", data=form | {"code": world.codes[1].lower()})
    # Codes are read in any case; the same claim sent again is stored once.
    assert not_member.status_code == 302
    negative = resident.post("/expenses", data=form | {"amount": "-8"})
    assert "cannot be negative" in negative.data.decode()
    spanish = resident.get("/expenses", headers={"Accept-Language": "es"}).data.decode()
    assert "Reclamar un gasto" in spanish
    assert _count(app, ExpenseClaim) == 1  # no bad one was stored, nor the same one twice


def test_a_payment_run_downloads_both_files_and_a_second_submit_pays_nothing(
    app: Flask, staff: FlaskClient, world: PayWorld
) -> None:
    ana, ben, _ = world.member_ids
    staff.post(f"{_base(world)}/members/{ana}", data={"holder": "Ana", "iban": IBAN_ES})
    page = staff.get(f"{_base(world)}/runs/new").data.decode()
    assert 'name="since" type="hidden" value="0"' in page
    form = {"members": [str(ana)], "execution_date": TOMORROW, "since": "0"}
    response = staff.post(f"{_base(world)}/runs/new", data=form)
    assert response.status_code == 302
    run_page = staff.get(response.location).data.decode()
    assert "€130.00" in run_page
    run_url = response.location
    csv = staff.get(f"{run_url}/payments.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    assert "ES9121000418450200051332" in csv.data.decode() and "130.00" in csv.data.decode()
    xml = staff.get(f"{run_url}/pain001.xml")
    assert xml.status_code == 200 and b"pain.001.001.09" in xml.data
    again = staff.post(f"{_base(world)}/runs/new", data=form)
    assert again.status_code == 400 and "sent twice" in again.data.decode()
    assert _count(app, PaymentRun) == 1 and _count(app, Payment) == 1
    no_iban = staff.post(
        f"{_base(world)}/runs/new",
        data={"members": [str(ben)], "execution_date": TOMORROW, "since": "1"},
    )
    assert "R-BEN2 has no IBAN yet" in no_iban.data.decode()
    assert _count(app, PaymentRun) == 1
    assert "€0.00" in staff.get(f"{_base(world)}/members/{ana}").data.decode()


def test_another_jurys_organiser_and_facilitators_see_nothing(app: Flask, world: PayWorld) -> None:
    for user in (world.other_organiser, world.facilitator):
        client = app.test_client()
        log_in_as(client, user)
        assert client.get(_base(world)).status_code == 403
        assert client.get(f"{_base(world)}/members/{world.member_ids[0]}").status_code == 403
    admin = app.test_client()
    log_in_as(admin, world.admin)
    assert admin.get(_base(world)).status_code == 200
    # A member of another jury under this jury's URL: not found.
    other = admin.get(f"{_base(world)}/members/{world.other_member_id}")
    assert other.status_code == 404


def test_the_members_claim_page_is_rate_limited(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'limit.sqlite'}",
        RATELIMIT_ENABLED=True,
        CODE_ENTRY_RATE_LIMIT="2 per minute",
    )
    client = app.test_client()
    for _try in range(2):
        assert client.post("/expenses", data={"code": "WRONG"}).status_code == 400
    refused = client.post("/expenses", data={"code": "WRONG"})
    assert refused.status_code == 429 and "tried too many times" in refused.data.decode()
    assert client.get("/expenses").status_code == 200  # reading the page is not limited
    with app.app_context():
        db.engine.dispose()
