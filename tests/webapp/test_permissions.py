"""The permission matrix: every method of every route of the app (iterating ``app.url_map``)
against every kind of visitor: anonymous, a facilitator, an organiser of another jury, an
organiser of this jury, an administrator.

``MATRIX`` says who may use each endpoint. A route that is missing from it fails
:func:`test_every_route_is_in_the_matrix`, whose message gives the exact line to add; the
line must also agree with the URL convention of :mod:`webapp.auth.access` (outside ``/staff/``
everything is public; ``/staff/admin/`` is for administrators; a URL with ``<jury_id>`` is for
the jury's organisers and administrators; one with ``<sitting_id>`` and no jury also for the
facilitators assigned to the sitting). Every method of a route is tried, the POST side of
GET+POST routes included, and a visitor who may not use it must be refused before anything
else happens (so an empty form gets 403, not the form again).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from tests.conftest import base_config, make_app
from tests.webapp.categories_data import add_education
from tests.webapp.staff_data import World, build_world, log_in_as, methods
from webapp import create_app
from webapp.extensions import db

VISITORS = ("anonymous", "facilitator", "other_organiser", "organiser", "admin")

# Who may use a route: the kinds of access.
PUBLIC = "PUBLIC"  # everybody, without login
STAFF = "STAFF"  # every logged-in staff member
ORGANISERS = "ORGANISERS"  # administrators and organisers (any jury)
JURY = "JURY"  # administrators and the organisers of the jury in the URL
SITTING = "SITTING"  # JURY, and the facilitators assigned to the sitting in the URL
ADMIN = "ADMIN"  # administrators only
WHO: dict[str, set[str] | None] = {
    PUBLIC: None,
    STAFF: {"facilitator", "other_organiser", "organiser", "admin"},
    ORGANISERS: {"other_organiser", "organiser", "admin"},
    JURY: {"organiser", "admin"},
    SITTING: {"facilitator", "organiser", "admin"},
    ADMIN: {"admin"},
}

# One line per endpoint. A new route needs its line here (the test says which).
MATRIX: dict[str, str] = {
    "auth.account": STAFF,
    "auth.add_membership": ADMIN,
    "auth.assign_sitting": ADMIN,
    "auth.dashboard": STAFF,
    "auth.edit_user": ADMIN,
    "auth.enrol": PUBLIC,  # the password step was passed; no session yet
    "auth.login": PUBLIC,
    "auth.logout": STAFF,
    "auth.recovery_codes": STAFF,
    "auth.remove_membership": ADMIN,
    "auth.reset_second_factor": ADMIN,
    "auth.second_factor": PUBLIC,  # the password step was passed; no session yet
    "auth.unassign_sitting": ADMIN,
    "auth.user": ADMIN,
    "auth.users": ADMIN,
    "categories.create": JURY,
    "categories.delete": JURY,
    "categories.edit": JURY,
    "categories.index": JURY,
    "i18n.set_language": PUBLIC,
    "invitations.batch": JURY,
    "invitations.discard": JURY,
    "invitations.download": JURY,
    "invitations.draw": JURY,
    "invitations.index": JURY,
    "invitations.mark_sent": JURY,
    "invitations.remake_letters": JURY,
    "invitations.report": JURY,
    "sittings.add_series": JURY,
    "sittings.add_sitting": JURY,
    "sittings.agenda_page": JURY,
    "sittings.calendar_page": JURY,
    "sittings.edit_item": JURY,
    "sittings.edit_sitting": JURY,
    "sittings.edit_venue": JURY,
    "sittings.jury_feed": PUBLIC,  # public sittings: times and places, no personal data
    "sittings.leave_my_sittings": PUBLIC,
    "sittings.member_feed": PUBLIC,  # behind the member's secret token
    "sittings.my_calendar_link": PUBLIC,  # a member whose code was checked (session)
    "sittings.my_document": PUBLIC,  # a member whose code was checked (session)
    "sittings.my_sittings": PUBLIC,  # the code from the letter opens it
    "sittings.reminder_settings": JURY,
    "sittings.revoke_calendar_links": JURY,
    "sittings.remove_document": JURY,
    "sittings.remove_item": JURY,
    "sittings.send_reminders": JURY,
    "sittings.staff_document": SITTING,
    "sittings.stop_calendar_link": PUBLIC,
    "sittings.upload_document": JURY,
    "sittings.venues": JURY,
    "juries.create": ORGANISERS,
    "juries.edit": JURY,
    "juries.overview": JURY,
    "juries.phases": JURY,
    "juries.public_page": PUBLIC,
    "sittings.remove_sitting": JURY,
    "juries.renew_jury": JURY,
    "sittings.sitting": SITTING,
    "survey.answer": PUBLIC,
    "survey.code": PUBLIC,
    "survey.results": SITTING,
    "survey.thanks": PUBLIC,
    "sittings.check_in": SITTING,
    "sittings.check_in_tap": SITTING,
    "sittings.check_in_times": SITTING,
    "sittings.my_table": SITTING,  # only the table the user leads: else back to the sitting
    "sittings.sitting_outcomes": JURY,
    "sittings.attendance": SITTING,
    "sittings.attendance_csv": SITTING,
    "sittings.table_plan": JURY,
    "sittings.make_table_plan": JURY,
    "sittings.move_member": JURY,
    "sittings.table_facilitators": JURY,
    "sittings.table_cards": JURY,
    "juries.targets": JURY,
    "members.caller": JURY,
    "members.confirm": PUBLIC,
    "members.confirmed": PUBLIC,
    "members.index": JURY,
    "members.letters": JURY,
    "members.paper_letter_file": JURY,
    "members.paper_letters": JURY,
    "members.paper_letters_sent": JURY,
    "members.seat_alternate": JURY,
    "members.withdraw": JURY,
    "payments.decide": JURY,
    "payments.member": JURY,
    "payments.member_claim": PUBLIC,
    "payments.member_claim_done": PUBLIC,
    "payments.new_claim": JURY,
    "payments.new_run": JURY,
    "payments.overview": JURY,
    "payments.receipt": JURY,
    "payments.remove_account": JURY,
    "payments.run": JURY,
    "payments.run_csv": JURY,
    "payments.run_xml": JURY,
    "payments.settings": JURY,
    "pool.overview": JURY,
    "pool.pool_csv": JURY,
    "pool.quotas_csv": JURY,
    "privacy.erasure": JURY,
    "privacy.erasure_confirm": JURY,
    "progress.dashboard": JURY,
    "progress.juries": ORGANISERS,
    "proposals.board": PUBLIC,
    "proposals.board_settings": JURY,
    "proposals.confirm_support": PUBLIC,
    "proposals.import_consul": JURY,
    "proposals.import_csv": JURY,
    "proposals.implemented": JURY,
    "proposals.import_decidim": JURY,
    "proposals.index": JURY,
    "proposals.moderate": JURY,
    "proposals.response": JURY,
    "proposals.response_settings": JURY,
    "proposals.send_feedback": JURY,
    "proposals.set_status": JURY,
    "proposals.static": PUBLIC,
    "proposals.submit": PUBLIC,
    "proposals.support": PUBLIC,
    "public.home": PUBLIC,
    "quotas.census_page": JURY,
    "quotas.check_json": JURY,
    "quotas.upload": JURY,
    "replies.already": PUBLIC,
    "replies.done": PUBLIC,
    "replies.enter_code": PUBLIC,
    "replies.reply_form": PUBLIC,
    "replies.staff_already": JURY,
    "replies.staff_code": JURY,
    "replies.staff_form": JURY,
    "replies.staff_list": JURY,
    "replies.staff_find_by_name": JURY,
    "replies.staff_replace": JURY,
    "replies.start_replacement": PUBLIC,
    "reports.proposal": PUBLIC,  # the report on a proposal: numbers and texts, no names
    "reports.proposal_pdf": PUBLIC,
    "reports.public": PUBLIC,
    "reports.staff": JURY,
    "selection.cancel": JURY,
    "selection.draw_page": JURY,
    "selection.job_page": JURY,
    "selection.job_status": JURY,
    "selection.overview": JURY,
    "selection.public_bundle": PUBLIC,
    "selection.public_draw": PUBLIC,
    "selection.public_file": PUBLIC,
    "selection.replace": JURY,
    "selection.start": JURY,
    "static": PUBLIC,
    "verdicts.already": PUBLIC,  # the member's code in the session, else back to /vote
    "verdicts.amended": JURY,
    "verdicts.ballot": PUBLIC,  # the member's code in the session, else back to /vote
    "verdicts.close_ballot": JURY,
    "verdicts.create": JURY,
    "verdicts.done": PUBLIC,  # the member's code in the session, else back to /vote
    "verdicts.enter_code": PUBLIC,
    "verdicts.index": JURY,
    "verdicts.leave": PUBLIC,
    "verdicts.open_ballot": JURY,
    "verdicts.rules": JURY,
    "verdicts.tally": JURY,
    "verdicts.vote": JURY,
}
# Public routes under /staff/: the steps of the login itself.
PUBLIC_UNDER_STAFF = {"auth.login", "auth.second_factor", "auth.enrol"}


def _rules() -> list[Rule]:
    app = create_app(base_config("sqlite://"))
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, str(r.endpoint)))


RULES = _rules()
CASES = [
    (rule, method)
    for rule in RULES
    if rule.endpoint != "static"
    for method in sorted(methods(rule) - {"HEAD", "OPTIONS"})
]


def by_convention(rule: Rule) -> str:
    """The access the URL convention gives a route (what a new line should say)."""
    path = rule.rule
    if not path.startswith("/staff/") or rule.endpoint in PUBLIC_UNDER_STAFF:
        return PUBLIC
    if path.startswith("/staff/admin/"):
        return ADMIN
    if "jury_id" in rule.arguments:
        return JURY
    if "sitting_id" in rule.arguments:
        return SITTING
    return STAFF


def allowed(rule: Rule) -> set[str] | None:
    """Who may use the route; None for public routes (everybody, without login)."""
    return WHO[MATRIX.get(str(rule.endpoint), by_convention(rule))]


def url_values(rule: Rule, world: World) -> dict[str, Any]:
    """Values for the rule's URL arguments (for url_for's ``**values``)."""
    known: dict[str, int | str] = {
        "jury_id": world.jury,
        "sitting_id": world.sitting,
        "batch_id": world.batch,
        "user_id": world.organiser,
        "invitation_id": world.invitation,
        "slug": "parks",
        "kind": "pdf",
        "token": "x" * 32,
    }
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        default = 1 if type(converter).__name__ == "IntegerConverter" else "x"
        values[name] = known.get(name, default)
    return values


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """Migrate and fill one database; each test gets a copy (migrating costs ~0.7 s)."""
    path = tmp_path_factory.mktemp("perm") / "template.sqlite"
    app = make_app(f"sqlite:///{path}")
    world = build_world(app)
    with app.app_context():
        # Category 1 (the default id of the URLs) belongs to the world's jury.
        assert add_education(world.jury).id == 1
        db.session.commit()
        db.engine.dispose()
    return path, world


@pytest.fixture
def world_app(template_db: tuple[Path, World], tmp_path: Path) -> Iterator[tuple[Flask, World]]:
    path = tmp_path / "perm.sqlite"
    shutil.copyfile(template_db[0], path)
    app = create_app(base_config(f"sqlite:///{path}"))
    app.instance_path = str(tmp_path)  # letters and uploads of its own
    yield app, template_db[1]
    with app.app_context():
        db.engine.dispose()


def _visitor_id(world: World, visitor: str) -> int | None:
    return None if visitor == "anonymous" else getattr(world, visitor)


@pytest.mark.parametrize("rule,method", CASES, ids=[f"{m} {r.rule}" for r, m in CASES])
def test_route_obeys_the_access_rules(
    rule: Rule, method: str, world_app: tuple[Flask, World]
) -> None:
    app, world = world_app
    may = allowed(rule)
    with app.test_request_context():
        from flask import url_for

        url = url_for(str(rule.endpoint), **url_values(rule, world))
    client = app.test_client()
    # Those who may not come first: an allowed POST may change what the others would see.
    order = sorted(VISITORS, key=lambda v: may is not None and v in may)
    for visitor in order:
        log_in_as(client, _visitor_id(world, visitor))
        response = client.open(url, method=method)
        where = f"{visitor} {method} {url}"
        assert response.status_code < 500, where
        login_redirect = response.status_code == 302 and "/staff/login" in response.location
        if may is None or visitor in may:
            assert response.status_code not in (401, 403), where
            # The login's own steps send a visitor without a pending login back to its start.
            assert not login_redirect or rule.endpoint in PUBLIC_UNDER_STAFF, where
            if method == "GET" and not rule.arguments - {"jury_id", "sitting_id", "slug"}:
                assert response.status_code in (200, 302), where
        elif visitor == "anonymous":
            assert login_redirect, where
        else:
            assert response.status_code == 403, where


def test_every_route_is_in_the_matrix() -> None:
    """A new route fails here until MATRIX says who may use it; the message gives the line."""
    endpoints = {str(r.endpoint): r for r in RULES}
    missing = sorted(set(endpoints) - set(MATRIX))
    lines = "\n".join(f'    "{e}": {by_convention(endpoints[e])},' for e in missing)
    assert not missing, (
        "add these lines to MATRIX in tests/webapp/test_permissions.py (the access the URL "
        f"convention gives; change it if the route is meant otherwise):\n{lines}"
    )
    stale = sorted(set(MATRIX) - set(endpoints))
    assert not stale, f"remove these endpoints from MATRIX, the app has no such route: {stale}"


def test_the_matrix_follows_the_url_convention() -> None:
    """Jury and sitting scopes come from the URL: a route that breaks the convention would
    be checked against the wrong records."""
    for rule in RULES:
        declared = MATRIX.get(str(rule.endpoint))
        if declared is None or declared == ORGANISERS:
            continue
        assert declared == by_convention(rule), (
            f"{rule.endpoint} ({rule.rule}) is {declared} in MATRIX but {by_convention(rule)} "
            "by its URL: move the route or fix the line"
        )


def test_the_matrix_tries_every_method() -> None:
    """The POST side of GET+POST routes is in the matrix too."""
    both = [r for r in RULES if {"GET", "POST"} <= methods(r)]
    assert both and all((r, "POST") in CASES and (r, "GET") in CASES for r in both)
