"""The members' code pages (confirm, my sittings, expenses, survey) have the budgets of the
reply and voting pages (issue 10, item 2): a per-code budget (every try of one code, from any
address), an address budget that only wrong codes use up, and every wrong code and every
refusal counted towards the app-wide alarm. No stranger can spend a resident's code's budget:
only the code itself does."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import make_app
from tests.webapp.selection_data import build_selection_world
from webapp.auth import limits
from webapp.extensions import db
from webapp.models import Member, MemberStatus, Reply


@dataclass(frozen=True)
class Page:
    """A code page: what a try posts beside the code, and how it answers a right code and a
    wrong one."""

    url: str
    extra: dict[str, str]
    right: int
    wrong: int


PAGES = {
    "confirm": Page("/confirm", {"answer": "confirm"}, right=302, wrong=200),
    "my_sittings": Page("/my-sittings", {}, right=302, wrong=200),
    "expenses": Page(
        "/expenses",
        {"kind": "travel", "amount": "8.40", "spent_on": date.today().isoformat()},
        right=302,
        wrong=400,
    ),
    "survey": Page("/survey", {}, right=200, wrong=400),  # a right code gets the questions
}
WRONG = "ABCD-EFGH-JKMN-P"  # well formed, on no letter


@dataclass(frozen=True)
class World:
    members: list[str]  # the codes of four selected members (seated, payable)
    alternate: str


def _app(database: Path, **config: object) -> Flask:
    return make_app(
        f"sqlite:///{database}",
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",  # one memory storage per process
        **config,
    )


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Apps with rate limits on (the given figures, else the defaults); closed after the test."""
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        made.append(_app(tmp_path / f"limits{len(made)}.sqlite", **config))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def _world(app: Flask) -> World:
    """Five replies: four selected members, then an alternate."""
    world = build_selection_world(app, volunteers=5)
    with app.app_context():
        replies = db.session.scalars(
            sa.select(Reply).where(Reply.jury_id == world.jury_id).order_by(Reply.id)
        ).all()
        for n, reply in enumerate(replies):
            alternate = n == 4
            db.session.add(
                Member(
                    jury_id=world.jury_id,
                    reply_id=reply.id,
                    status=MemberStatus.ALTERNATE if alternate else MemberStatus.SELECTED,
                    alternate_rank=1 if alternate else None,
                )
            )
        db.session.commit()
        codes = [world.codes[reply.reference] for reply in replies]
    return World(members=codes[:4], alternate=codes[4])


def _post(app: Flask, page: Page, code: str, address: str = "10.0.0.1", **change: str) -> int:
    data = {"code": code, **page.extra, **change}
    response = app.test_client().post(page.url, data=data, environ_base={"REMOTE_ADDR": address})
    return response.status_code


def _alert(app: Flask) -> bool:
    with app.test_request_context():
        return limits.failure_alert()


@pytest.mark.parametrize("name", PAGES)
def test_one_code_tried_again_and_again_is_refused_from_any_address(
    limited: Callable[..., Flask], name: str
) -> None:
    """10 tries of one code per hour (the default), from 11 addresses: the 11th is refused.
    Wrong codes close to it, from as many addresses, did not spend its budget."""
    app = limited()
    page, world = PAGES[name], _world(app)
    code = world.members[0]
    near = [code[:-1] + other for other in "ABCDEFGHJKL" if other != code[-1]][:10]
    assert {_post(app, page, typo, f"10.0.2.{i}") for i, typo in enumerate(near)} == {page.wrong}
    statuses = [_post(app, page, code, f"10.0.1.{i}") for i in range(11)]
    assert statuses == [page.right] * 10 + [429]
    assert _post(app, page, world.members[1]) == page.right  # another code is not affected


@pytest.mark.parametrize("name", PAGES)
def test_right_codes_do_not_use_up_the_address_budget(
    limited: Callable[..., Flask], name: str
) -> None:
    """A whole jury uses the town hall's one address: only wrong codes count."""
    app = limited(CODE_ENTRY_RATE_LIMIT="2 per minute")
    page, world = PAGES[name], _world(app)
    assert [_post(app, page, code) for code in world.members] == [page.right] * 4
    assert [_post(app, page, WRONG) for _ in range(3)] == [page.wrong, page.wrong, 429]


def test_a_right_code_the_page_cannot_use_yet_is_no_failure(
    limited: Callable[..., Flask],
) -> None:
    """A claim with a bad amount, an answer not chosen, an alternate asking: the code was
    right, so the address's budget and the alarm are untouched."""
    app = limited(CODE_ENTRY_RATE_LIMIT="2 per minute", FAILURE_ALERT_LIMIT="1 per hour")
    world = _world(app)
    expenses, confirm = PAGES["expenses"], PAGES["confirm"]
    code = world.members[0]
    assert [_post(app, expenses, code, amount="-8") for _ in range(3)] == [400] * 3
    assert [_post(app, confirm, code, answer="") for _ in range(3)] == [200] * 3
    assert [_post(app, confirm, world.alternate) for _ in range(3)] == [200] * 3
    assert not _alert(app)


@pytest.mark.parametrize("name", PAGES)
def test_wrong_codes_and_refusals_count_against_the_failure_alert(
    limited: Callable[..., Flask], name: str
) -> None:
    app = limited(CODE_ENTRY_RATE_LIMIT="1 per minute", FAILURE_ALERT_LIMIT="2 per hour")
    page = PAGES[name]
    client = app.test_client()
    assert client.post(page.url, data={"code": WRONG, **page.extra}).status_code == page.wrong
    assert not _alert(app)
    refused = client.post(
        page.url, data={"code": WRONG, **page.extra}, headers={"Accept-Language": "es"}
    )
    assert refused.status_code == 429
    assert "lo ha intentado demasiadas veces" in refused.text  # the code page, in their language
    assert _alert(app)  # the refused try counted too


@pytest.mark.parametrize("name", ["my_sittings", "survey"])
def test_a_code_of_nobody_on_the_jury_counts_against_the_failure_alert(
    limited: Callable[..., Flask], name: str
) -> None:
    """The alternate's code opens neither the members' page nor the survey: a failure, as on
    the voting page."""
    app = limited(FAILURE_ALERT_LIMIT="1 per hour")
    world = _world(app)
    assert _post(app, PAGES[name], world.alternate) == PAGES[name].wrong
    assert _alert(app)
