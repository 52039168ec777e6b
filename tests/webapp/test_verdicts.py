"""The plenary verdict through the web app: rules, a vote put to the plenary, a tally with its
checks, votes on phones with a member code (one each, not after closing, secret ballots
unlinkable), the result with its arithmetic, the public page, access of other juries' staff."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.staff_data import log_in_as
from tests.webapp.verdicts_data import VerdictWorld, build_verdict_world
from webapp.auth import limits
from webapp.extensions import db
from webapp.models import (
    Attendance,
    Ballot,
    BallotCast,
    Jury,
    Option,
    PlenaryVote,
    VerdictRules,
    VoteMethod,
    VoteState,
)
from webapp.models.proposals import Proposal, ProposalStatus
from webapp.verdicts import services


@pytest.fixture
def world(app: Flask) -> VerdictWorld:
    with app.app_context():
        return build_verdict_world(seated=10, present=8)


def _staff(app: Flask, world: VerdictWorld) -> FlaskClient:
    client = app.test_client()
    log_in_as(client, world.organiser)
    return client


def _new_vote(client: FlaskClient, world: VerdictWorld, method: str) -> int:
    response = client.post(
        f"/staff/juries/{world.jury_id}/verdicts/new",
        data={"proposal": world.proposal_id, "sitting": world.sitting_id, "method": method},
    )
    assert response.status_code == 302, response.text
    return int(response.location.rsplit("/", 1)[1])


def _member(app: Flask, code: str) -> FlaskClient:
    phone = app.test_client()
    response = phone.post("/vote", data={"code": code})
    assert response.status_code == 302 and response.location.endswith("/vote/ballot")
    return phone


def test_rules_are_saved_and_copied_into_a_new_vote(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    base = f"/staff/juries/{world.jury_id}/verdicts"
    assert staff.get(f"{base}/rules").status_code == 200
    bad = staff.post(
        f"{base}/rules",
        data={"quorum_kind": "seated_share", "quorum_value": "150", "majority": "simple"},
    )
    assert bad.status_code == 200 and "A percentage is at most 100." in bad.text
    saved = staff.post(
        f"{base}/rules",
        data={
            "quorum_kind": "members",
            "quorum_value": "6",
            "majority": "two_thirds",
            "secret": "",
        },
    )
    assert saved.status_code == 302
    vote_id = _new_vote(staff, world, "tally")
    with app.app_context():
        vote = db.session.get_one(PlenaryVote, vote_id)
        assert (vote.quorum_kind, vote.quorum_value, vote.majority) == ("members", 6, "two_thirds")
        assert db.session.get_one(Proposal, world.proposal_id).status == ProposalStatus.ON_AGENDA
        rules = db.session.scalar(sa.select(VerdictRules).filter_by(jury_id=world.jury_id))
        assert rules is not None and rules.secret is False
    again = staff.post(
        f"{base}/new",
        data={"proposal": world.proposal_id, "sitting": world.sitting_id, "method": "tally"},
        follow_redirects=True,
    )
    assert "already on the agenda of that sitting" in again.text


def test_tally_checked_against_the_members_present(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "tally")
    url = f"/staff/juries/{world.jury_id}/verdicts/{vote_id}"
    too_many = staff.post(
        f"{url}/tally", data={"city_vote": "5", "amended": "3", "rejected": "0", "abstentions": "1"}
    )
    assert too_many.status_code == 400
    assert "The tally counts 9 ballots, but only 8 members are present." in too_many.text
    negative = staff.post(
        f"{url}/tally",
        data={"city_vote": "-1", "amended": "3", "rejected": "0", "abstentions": "1"},
    )
    assert negative.status_code == 400 and "A count cannot be below 0." in negative.text
    missing = staff.post(f"{url}/tally", data={"city_vote": "x"})
    assert missing.status_code == 400
    ok = staff.post(
        f"{url}/tally", data={"city_vote": "1", "amended": "5", "rejected": "1", "abstentions": "1"}
    )
    assert ok.status_code == 302
    page = staff.get(url).text
    # 10 seated, quorum 50 % = 5; 8 took part; 7 votes for an option: 4 needed; amended has 5.
    assert "Send it on, amended" in page
    assert "Took part: 8 (7 votes for an option and 1 abstentions)." in page
    assert "50% of the 10 seated members, rounded up: 5 must take part." in page
    assert (
        "more than half of the 7 votes for an option (abstentions do not count): 4 votes needed."
        in page
    )
    double = staff.post(
        f"{url}/tally",
        data={"city_vote": "8", "amended": "0", "rejected": "0", "abstentions": "0"},
        follow_redirects=True,
    )
    assert "This vote is closed already: nothing was changed." in double.text
    with app.app_context():
        vote = db.session.get_one(PlenaryVote, vote_id)
        assert (vote.votes_amended, vote.outcome, vote.present, vote.seated) == (
            5,
            "amended",
            8,
            10,
        )
        proposal = db.session.get_one(Proposal, world.proposal_id)
        assert proposal.status == ProposalStatus.VERDICT and proposal.updated_at == vote.closed_at


def test_a_member_who_left_early_is_not_present(app: Flask, world: VerdictWorld) -> None:
    """Present means checked in and not gone, as at the tables: the member who left neither
    votes on a phone nor counts towards the tally's limit (found by the end-to-end test)."""
    with app.app_context():
        row = db.session.scalars(
            sa.select(Attendance).filter_by(member_id=world.present_ids[0])
        ).one()
        row.left_at = row.arrived_at
        db.session.commit()
    staff = _staff(app, world)
    tally = _new_vote(staff, world, "tally")
    too_many = staff.post(
        f"/staff/juries/{world.jury_id}/verdicts/{tally}/tally",
        data={"city_vote": "0", "amended": "8", "rejected": "0", "abstentions": "0"},
    )
    assert too_many.status_code == 400
    assert "The tally counts 8 ballots, but only 7 members are present." in too_many.text
    with app.app_context():
        second = Proposal(
            jury_id=world.jury_id, source="board", external_id="p-left", title="Benches"
        )
        db.session.add(second)
        db.session.commit()
        second_id = second.id
    response = staff.post(
        f"/staff/juries/{world.jury_id}/verdicts/new",
        data={"proposal": second_id, "sitting": world.sitting_id, "method": "phones"},
    )
    phones = int(response.location.rsplit("/", 1)[1])
    url = f"/staff/juries/{world.jury_id}/verdicts/{phones}"
    staff.post(f"{url}/open")
    assert "Votes cast so far: 0 of 7 present." in staff.get(url).text
    gone = _member(app, world.codes[0])
    refused = gone.post(
        "/vote/ballot",
        data={"vote": phones, f"v{phones}-choice": "amended"},
        follow_redirects=True,
    )
    assert "You are not checked in at this sitting." in refused.text
    with app.app_context():
        assert db.session.get_one(PlenaryVote, phones).casts == 0


def test_no_quorum_is_no_decision_and_leaves_the_proposal(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "tally")
    url = f"/staff/juries/{world.jury_id}/verdicts/{vote_id}"
    staff.post(
        f"{url}/tally", data={"city_vote": "3", "amended": "0", "rejected": "0", "abstentions": "1"}
    )
    assert "No decision: the quorum was not met" in staff.get(url).text
    with app.app_context():
        assert db.session.get_one(Proposal, world.proposal_id).status == ProposalStatus.ON_AGENDA


def test_members_vote_on_phones_once_and_not_after_closing(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "phones")
    url = f"/staff/juries/{world.jury_id}/verdicts/{vote_id}"
    phone = _member(app, world.codes[0])
    assert "No vote is open now" in phone.get("/vote/ballot").text
    assert staff.post(f"{url}/open").status_code == 302
    assert "Votes cast so far: 0 of 8 present." in staff.get(url).text
    page = phone.get("/vote/ballot").text
    assert "More trees in the park" in page and "This is a secret ballot" in page
    assert world.codes[0] not in page
    first = phone.post("/vote/ballot", data={"vote": vote_id, f"v{vote_id}-choice": "city_vote"})
    assert first.location.endswith("/vote/done")
    again = phone.post("/vote/ballot", data={"vote": vote_id, f"v{vote_id}-choice": "rejected"})
    assert again.location.endswith("/vote/already")
    assert "your first vote counts" in phone.get("/vote/already").text
    for i, choice in enumerate(["city_vote", "city_vote", "amended", "abstain"], start=1):
        other = _member(app, world.codes[i])
        assert other.post(
            "/vote/ballot", data={"vote": vote_id, f"v{vote_id}-choice": choice}
        ).location.endswith("/vote/done")
    # Checked in? Member 9 (index 8) has a seat but did not arrive.
    absent = _member(app, world.codes[8])
    refused = absent.post(
        "/vote/ballot",
        data={"vote": vote_id, f"v{vote_id}-choice": "city_vote"},
        follow_redirects=True,
    )
    assert "You are not checked in at this sitting." in refused.text
    assert staff.post(f"{url}/close").status_code == 302
    late = _member(app, world.codes[5])
    after = late.post(
        "/vote/ballot",
        data={"vote": vote_id, f"v{vote_id}-choice": "rejected"},
        follow_redirects=True,
    )
    assert "This vote is closed already" in after.text
    closed_twice = staff.post(f"{url}/close", follow_redirects=True)
    assert "This vote is not open, so it cannot be closed." in closed_twice.text
    page = staff.get(url).text
    # 5 took part of 10 seated (quorum 5): met; 4 votes for an option, 3 for the city-wide vote.
    assert "Put it to a city-wide vote" in page and "Took part: 5 (4 votes" in page
    with app.app_context():
        vote = db.session.get_one(PlenaryVote, vote_id)
        assert (vote.votes_city_vote, vote.votes_amended, vote.abstentions) == (3, 1, 1)
        assert vote.outcome == Option.CITY_VOTE and vote.casts == 5


def test_a_secret_ballot_cannot_be_linked(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "phones")
    staff.post(f"/staff/juries/{world.jury_id}/verdicts/{vote_id}/open")
    for code, choice in zip(world.codes[:3], ["rejected", "amended", "city_vote"], strict=True):
        _member(app, code).post(
            "/vote/ballot", data={"vote": vote_id, f"v{vote_id}-choice": choice}
        )
    with app.app_context():
        ballot_columns = {c.name for c in Ballot.__table__.columns}
        cast_columns = {c.name for c in BallotCast.__table__.columns}
        # No member, no time and no sequence in the ballots; no choice in the casts.
        assert ballot_columns == {"id", "vote_id", "choice"}
        assert cast_columns == {"vote_id", "member_id", "choice"}
        assert db.session.scalars(sa.select(BallotCast.choice)).all() == [None, None, None]
        ids = db.session.scalars(sa.select(Ballot.id)).all()
        assert len(ids) == 3 and all(len(i) == 36 and i.count("-") == 4 for i in ids)
        # SQLite keeps no hidden rowid (its order would be the order of voting).
        with pytest.raises(sa.exc.OperationalError):
            db.session.execute(sa.text("SELECT rowid FROM ballots"))
        db.session.rollback()
    staff.post(f"/staff/juries/{world.jury_id}/verdicts/{vote_id}/close")
    with app.app_context():
        after = db.session.scalars(sa.select(Ballot.id)).all()
        assert not set(after) & set(ids)  # rewritten under new ids at closing


def test_an_open_ballot_keeps_who_voted_what(app: Flask, world: VerdictWorld) -> None:
    with app.app_context():
        db.session.add(
            VerdictRules(
                jury_id=world.jury_id,
                quorum_kind="members",
                quorum_value=1,
                majority="simple",
                secret=False,
            )
        )
        db.session.commit()
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "phones")
    staff.post(f"/staff/juries/{world.jury_id}/verdicts/{vote_id}/open")
    phone = _member(app, world.codes[2])
    assert "This is an open ballot" in phone.get("/vote/ballot").text
    phone.post("/vote/ballot", data={"vote": vote_id, f"v{vote_id}-choice": "amended"})
    with app.app_context():
        cast = db.session.get_one(BallotCast, (vote_id, world.member_ids[2]))
        assert cast.choice == "amended"


def test_wrong_codes_get_a_clear_message(app: Flask, world: VerdictWorld) -> None:
    phone = app.test_client()
    empty = phone.post("/vote", data={"code": ""})
    assert empty.status_code == 200 and "error-summary" in empty.text
    typo = phone.post("/vote", data={"code": "ABCD-EFGH-JKMN-P"})
    assert typo.status_code == 200 and "error-summary" in typo.text
    alternate = phone.post("/vote", data={"code": world.alternate_code})
    assert "this code belongs to no member of a jury" in alternate.text
    assert phone.get("/vote/ballot").location.endswith("/vote")
    assert phone.get("/vote/done").location.endswith("/vote")


def test_the_messages_are_in_the_members_language(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "phones")
    staff.post(f"/staff/juries/{world.jury_id}/verdicts/{vote_id}/open")
    staff.post(f"/staff/juries/{world.jury_id}/verdicts/{vote_id}/close")
    phone = _member(app, world.codes[0])
    phone.post("/language", data={"lang": "nl", "next": "/vote/ballot"})
    closed = phone.post(
        "/vote/ballot",
        data={"vote": vote_id, f"v{vote_id}-choice": "amended"},
        follow_redirects=True,
    )
    assert 'lang="nl"' in closed.text and "Deze stemming is al gesloten" in closed.text
    phone.post("/language", data={"lang": "es", "next": "/vote"})
    assert "Vote in the plenary" not in phone.get("/vote").text


def test_the_public_page_shows_the_result_and_no_member(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "tally")
    url = f"/staff/juries/{world.jury_id}/verdicts/{vote_id}"
    staff.post(
        f"{url}/amended",
        data={"amended_en": "Plant 40 trees, not 100.", "amended_nl": "Plant 40 bomen."},
    )
    staff.post(
        f"{url}/tally", data={"city_vote": "0", "amended": "6", "rejected": "1", "abstentions": "0"}
    )
    late = staff.post(
        f"{url}/amended", data={"amended_en": "Plant 1000 trees."}, follow_redirects=True
    )
    assert "The amended text cannot change once the vote is open or counted" in late.text
    with app.app_context():
        slug = db.session.get_one(Jury, world.jury_id).slug
    page = app.test_client().get(f"/juries/{slug}")
    assert page.status_code == 200
    assert "The jury&#39;s verdicts" in page.text or "The jury's verdicts" in page.text
    assert "Send it on, amended" in page.text and "Plant 40 trees, not 100." in page.text
    for email in world.emails:
        assert email not in page.text
    assert "06-" not in page.text and "Anonymous resident" not in page.text


def test_staff_of_another_jury_see_and_change_nothing(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "phones")
    other = app.test_client()
    log_in_as(other, world.other_organiser)
    base = f"/staff/juries/{world.jury_id}/verdicts"
    for method, url in [
        ("GET", base),
        ("GET", f"{base}/{vote_id}"),
        ("POST", f"{base}/{vote_id}/open"),
        ("POST", f"{base}/{vote_id}/close"),
        ("POST", f"{base}/{vote_id}/tally"),
        ("POST", f"{base}/rules"),
    ]:
        assert other.open(url, method=method).status_code == 403, url
    with app.app_context():
        other_jury = db.session.scalar(sa.select(Jury.id).where(Jury.slug == "city-jury-other"))
    # Their own jury's URL with this jury's vote: not found.
    assert other.get(f"/staff/juries/{other_jury}/verdicts/{vote_id}").status_code == 404
    with app.app_context():
        assert db.session.get_one(PlenaryVote, vote_id).state == VoteState.DRAFT


def test_a_member_code_of_another_jury_cannot_vote_here(app: Flask, world: VerdictWorld) -> None:
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "phones")
    staff.post(f"/staff/juries/{world.jury_id}/verdicts/{vote_id}/open")
    with app.app_context():
        second = build_verdict_world(slug="second-jury", seated=2, present=2)
    stranger = _member(app, second.codes[0])
    assert "More trees" not in stranger.get("/vote/ballot").text
    refused = stranger.post(
        "/vote/ballot",
        data={"vote": vote_id, f"v{vote_id}-choice": "rejected"},
        follow_redirects=True,
    )
    assert "This vote is not open for you." in refused.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BallotCast)) == 0


def test_record_verdict_refuses_a_non_option(app: Flask, world: VerdictWorld) -> None:
    with app.app_context():
        proposal = db.session.get_one(Proposal, world.proposal_id)
        with pytest.raises(ValueError):
            services.record_verdict(proposal, "no_quorum", services.now())  # type: ignore[arg-type]
        services.record_verdict(proposal, Option.REJECTED, services.now())
        assert proposal.status == ProposalStatus.VERDICT
        method: str = VoteMethod.PHONES  # stored and compared as its plain text
        assert method == "phones"


def test_code_entry_for_voting_is_rate_limited(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'limit.sqlite'}",
        RATELIMIT_ENABLED=True,
        CODE_ENTRY_RATE_LIMIT="2 per minute",
    )
    client = app.test_client()
    for _try in range(2):
        assert client.post("/vote", data={"code": "WRONG"}).status_code == 200
    refused = client.post("/vote", data={"code": "WRONG"})
    assert refused.status_code == 429 and "tried too many times" in refused.text
    assert client.get("/vote").status_code == 200  # reading the page is not limited
    with app.app_context():
        db.engine.dispose()


def _limited(tmp_path: Path, **config: object) -> Flask:
    return make_app(
        f"sqlite:///{tmp_path / 'limited.sqlite'}",
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        **config,
    )


def test_one_member_code_tried_again_and_again_is_refused_from_any_address(
    tmp_path: Path,
) -> None:
    """The per-code budget holds on the voting page as on the reply page."""
    app = _limited(tmp_path)
    with app.app_context():
        world = build_verdict_world(seated=2, present=2)
    statuses = [
        app.test_client()
        .post("/vote", data={"code": world.codes[0]}, environ_base={"REMOTE_ADDR": f"10.0.1.{i}"})
        .status_code
        for i in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    assert app.test_client().post("/vote", data={"code": world.codes[1]}).status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_right_member_codes_do_not_use_up_the_address_budget(tmp_path: Path) -> None:
    """A whole jury votes from the town hall's one address: only wrong codes count."""
    app = _limited(tmp_path, CODE_ENTRY_RATE_LIMIT="2 per minute")
    with app.app_context():
        world = build_verdict_world(seated=4, present=4)
    hall = app.test_client()
    assert [hall.post("/vote", data={"code": c}).status_code for c in world.codes] == [302] * 4
    wrong = [hall.post("/vote", data={"code": "WRONG"}).status_code for _ in range(3)]
    assert wrong == [200, 200, 429]
    with app.app_context():
        db.engine.dispose()


def test_wrong_member_codes_and_refusals_count_against_the_failure_alert(
    tmp_path: Path,
) -> None:
    app = _limited(tmp_path, CODE_ENTRY_RATE_LIMIT="1 per minute", FAILURE_ALERT_LIMIT="2 per hour")
    client = app.test_client()
    assert client.post("/vote", data={"code": "WRONG"}).status_code == 200
    with app.test_request_context():
        assert not limits.failure_alert()
    assert client.post("/vote", data={"code": "WRONG"}).status_code == 429
    with app.test_request_context():
        assert limits.failure_alert()  # the refused try counted too
    with app.app_context():
        db.engine.dispose()


def test_a_tally_needs_members_checked_in(app: Flask) -> None:
    with app.app_context():
        world = build_verdict_world(seated=4, present=0)
    staff = _staff(app, world)
    vote_id = _new_vote(staff, world, "tally")
    url = f"/staff/juries/{world.jury_id}/verdicts/{vote_id}"
    refused = staff.post(
        f"{url}/tally", data={"city_vote": "1", "amended": "0", "rejected": "0", "abstentions": "0"}
    )
    assert refused.status_code == 400
    assert "Nobody is checked in at this sitting" in refused.text
    # A tally vote has nothing to open on phones.
    opened = staff.post(f"{url}/open", follow_redirects=True)
    assert "This vote is counted in the room; there is nothing to open." in opened.text
    with app.app_context():
        assert db.session.get_one(PlenaryVote, vote_id).state == VoteState.DRAFT
