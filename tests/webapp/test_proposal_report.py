"""The public report on a proposal: the page and the PDF (read back with pypdfium2) in three
languages, before and after the verdict, with no personal data of any member in either."""

from __future__ import annotations

from datetime import datetime, timedelta

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.verdicts_data import VerdictWorld, build_verdict_world
from webapp.extensions import db
from webapp.models import (
    AgendaItem,
    AgendaKind,
    Invitation,
    Jury,
    Member,
    Option,
    Reply,
    Sitting,
    VoteMethod,
)
from webapp.models.proposals import Proposal
from webapp.proposals import lifecycle
from webapp.sittings import outcomes
from webapp.verdicts import services

AMENDED = {
    "en": "Plant forty trees along the river, not in the square.",
    "nl": "Plant veertig bomen langs de rivier, niet op het plein.",
    "es": "Plantar cuarenta árboles junto al río, no en la plaza.",
}
RESPONSE = {
    "en": "The council plants the trees next spring.",
    "nl": "De gemeente plant de bomen komend voorjaar.",
    "es": "El ayuntamiento planta los árboles la próxima primavera.",
}
OUTCOME = {
    "summary": "Trees yes, but where the roots have room.",
    "for": "Shade in summer.",
    "against": "Roots lift the paving.",
    "amendments": "Along the river instead of the square.",
}
NAMES = ["Anneke Jansen", "Pedro Álvarez", "Jo de Vries", "Mia Ng", "Sara Öztürk"]


@pytest.fixture
def world(app: Flask) -> VerdictWorld:
    with app.app_context():
        w = build_verdict_world(seated=10, present=8)
        # Every member has a name and an address on the letter, as real ones do.
        for n, member_id in enumerate(w.member_ids):
            member = db.session.get_one(Member, member_id)
            invitation = db.session.get_one(Invitation, member.reply.invitation_id)
            invitation.address = {
                "addressee": f"{NAMES[n % len(NAMES)]} {n}",
                "lines": [f"Lindelaan {100 + n}", "1234 AB Teststad"],
            }
        db.session.commit()
        return w


def _url(app: Flask, w: VerdictWorld, suffix: str = "") -> str:
    with app.app_context():
        slug = db.session.get_one(Jury, w.jury_id).slug
    return f"/juries/{slug}/proposals/{w.proposal_id}/report{suffix}"


def _decide(app: Flask, w: VerdictWorld) -> None:
    """The sitting's agenda, a tally of 6-1-0 with 1 abstention for the amended text, and the
    municipality's response."""
    with app.app_context():
        sitting = db.session.get_one(Sitting, w.sitting_id)
        proposal = db.session.get_one(Proposal, w.proposal_id)
        sitting.proposals.append(proposal)
        start = sitting.starts_at
        for minutes, kind, title in [
            (0, AgendaKind.WELCOME, {}),
            (
                30,
                AgendaKind.PROPOSER,
                {"en": "The proposer explains", "nl": "De indiener legt uit"},
            ),
            (60, AgendaKind.EXPERTS, {"en": "A city ecologist", "nl": "Een ecoloog van de stad"}),
            (120, AgendaKind.TABLE_ROUND, {}),
            (240, AgendaKind.PLENARY_VOTE, {}),
        ]:
            db.session.add(
                AgendaItem(
                    sitting_id=sitting.id,
                    kind=kind,
                    starts_at=start + timedelta(minutes=minutes),
                    minutes=30,
                    title=title,
                )
            )
        db.session.flush()
        round_ = next(i for i in sitting.agenda if i.kind == AgendaKind.TABLE_ROUND)
        fields = outcomes.Fields(
            summary=OUTCOME["summary"],
            arguments_for=OUTCOME["for"],
            arguments_against=OUTCOME["against"],
            amendments=OUTCOME["amendments"],
            votes_for=3,
            votes_against=1,
            votes_abstain=0,
        )
        outcomes.save(sitting, 1, round_, fields, base_version=0, present=4, user=None)
        jury = db.session.get_one(Jury, w.jury_id)
        vote = services.create_vote(
            jury, proposal=proposal, sitting=sitting, method=VoteMethod.TALLY
        )
        services.set_amended_text(vote, AMENDED)
        at = datetime(2026, 3, 7, 16, 0)
        votes = {Option.CITY_VOTE: 1, Option.AMENDED: 6, Option.REJECTED: 0}
        services.enter_tally(vote, votes, 1, at=at)
        lifecycle.publish_response(proposal, RESPONSE, at + timedelta(days=20))
        db.session.commit()


def _in(client: FlaskClient, lang: str) -> FlaskClient:
    client.post("/language", data={"lang": lang})
    return client


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in document:
            page_text = page.get_textpage()
            pages.append(page_text.get_text_range())
            page_text.close()
            page.close()
        return "\n".join(pages)
    finally:
        document.close()


def _flat(text: str) -> str:
    return " ".join(text.replace("\r", " ").split())


def test_before_the_verdict_the_report_says_what_is_to_come(
    app: Flask, client: FlaskClient, world: VerdictWorld
) -> None:
    page = client.get(_url(app, world))
    assert page.status_code == 200
    assert "More trees in the park" in page.text
    assert "The proposal is not on the agenda of a sitting yet." in page.text
    assert "The plenary has not voted on it yet." in page.text
    assert "10 members (of 12 seats)" in page.text
    pdf = client.get(_url(app, world, ".pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _flat(_pdf_text(pdf.data))
    assert "More trees in the park" in text
    assert "The plenary has not voted on it yet." in text
    assert "Page 1 of" in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            [
                "Send it on, amended",
                "Abstentions",
                AMENDED["en"],
                RESPONSE["en"],
                "A city ecologist",
            ],
        ),
        ("nl", ["Onthoudingen", AMENDED["nl"], RESPONSE["nl"], "Een ecoloog van de stad"]),
        ("es", ["Abstenciones", AMENDED["es"], RESPONSE["es"]]),
    ],
)
def test_the_report_and_its_pdf_explain_the_decision(
    app: Flask, client: FlaskClient, world: VerdictWorld, lang: str, words: list[str]
) -> None:
    _decide(app, world)
    _in(client, lang)
    page = client.get(_url(app, world))
    assert page.status_code == 200
    assert f'lang="{lang}"' in page.text
    for word in ["More trees in the park", *words, *OUTCOME.values()]:
        assert word in page.text, word
    assert "<td>6</td>" in page.text and "<td>1</td>" in page.text
    assert f"/juries/{_slug(app, world)}/proposals/{world.proposal_id}/report.pdf" in page.text
    response = client.get(_url(app, world, ".pdf"))
    assert response.status_code == 200
    text = _flat(_pdf_text(response.data))
    for word in ["More trees in the park", *words, *OUTCOME.values()]:
        assert _flat(word) in text, word
    outcome = {"en": "Send it on, amended", "nl": None, "es": None}[lang]
    if outcome:
        assert f"{outcome}: 6" in text
    assert ": 6" in text and ": 1" in text  # the counts
    # The same report again: the ETag says nothing changed.
    etag = response.headers["ETag"]
    again = client.get(_url(app, world, ".pdf"), headers={"If-None-Match": etag})
    assert again.status_code == 304


def _slug(app: Flask, w: VerdictWorld) -> str:
    with app.app_context():
        return db.session.get_one(Jury, w.jury_id).slug


def test_the_dutch_pdf_names_the_outcome_in_dutch(
    app: Flask, client: FlaskClient, world: VerdictWorld
) -> None:
    _decide(app, world)
    _in(client, "nl")
    html = client.get(_url(app, world)).text
    response = client.get(_url(app, world, ".pdf"))
    text = _flat(_pdf_text(response.data))
    assert "Pagina 1 van" in text
    # The outcome label as the Dutch page words it, in the PDF too.
    assert "<strong>" in html
    outcome = html.split('class="verdict-outcome"><strong>')[1].split("</strong>")[0]
    assert outcome and outcome != "Send it on, amended"
    assert outcome in text


def test_no_personal_data_in_the_page_or_the_pdf(
    app: Flask, client: FlaskClient, world: VerdictWorld
) -> None:
    _decide(app, world)
    with app.app_context():
        secrets: list[str] = []
        for member_id in world.member_ids:
            member = db.session.get_one(Member, member_id)
            reply = db.session.get_one(Reply, member.reply_id)
            invitation = db.session.get_one(Invitation, reply.invitation_id)
            assert invitation.address is not None
            secrets += [str(reply.email), str(reply.phone), reply.reference]
            secrets += [invitation.address["addressee"], *invitation.address["lines"]]
    assert len(secrets) == 10 * 6
    for lang in ("en", "nl", "es"):
        _in(client, lang)
        page = client.get(_url(app, world)).text
        text = _flat(_pdf_text(client.get(_url(app, world, ".pdf")).data))
        for secret in secrets:
            assert secret not in page, secret
            assert _flat(secret) not in text, secret
        assert "More trees in the park" in text  # the PDF was read: the search means something


def test_hidden_and_other_juries_proposals_are_not_found(
    app: Flask, client: FlaskClient, world: VerdictWorld
) -> None:
    with app.app_context():
        other = db.session.scalar(sa.select(Jury).where(Jury.id != world.jury_id))
        assert other is not None
        other_slug = other.slug
    assert (
        client.get(f"/juries/{other_slug}/proposals/{world.proposal_id}/report").status_code == 404
    )
    assert (
        client.get(f"/juries/{other_slug}/proposals/{world.proposal_id}/report.pdf").status_code
        == 404
    )
    with app.app_context():
        db.session.get_one(Proposal, world.proposal_id).hidden = True
        db.session.commit()
    assert client.get(_url(app, world)).status_code == 404
    assert client.get(_url(app, world, ".pdf")).status_code == 404


def test_the_proposal_page_and_the_jury_page_link_to_the_report(
    app: Flask, client: FlaskClient, world: VerdictWorld
) -> None:
    slug = _slug(app, world)
    report = f"/juries/{slug}/proposals/{world.proposal_id}/report"
    assert report in client.get(f"/juries/{slug}/proposals/{world.proposal_id}").text
    assert report not in client.get(f"/juries/{slug}").text  # not taken up yet
    _decide(app, world)
    jury_page = client.get(f"/juries/{slug}").text
    assert jury_page.count(f'href="{report}"') == 2  # the list of reports, and the verdict


def test_a_verdict_recorded_without_a_count_and_the_response_to_come(
    app: Flask, client: FlaskClient, world: VerdictWorld
) -> None:
    with app.app_context():
        proposal = db.session.get_one(Proposal, world.proposal_id)
        lifecycle.verdict_reached(proposal, Option.REJECTED, datetime(2026, 3, 7, 16, 0))
        db.session.commit()
    page = client.get(_url(app, world)).text
    assert "The count of the vote is not recorded in this app." in page
    assert "Rejected" in page
    assert "The municipality&#39;s response is due by" in page
    assert "The plenary has not voted on it yet." not in page
    text = _flat(_pdf_text(client.get(_url(app, world, ".pdf")).data))
    assert "Rejected" in text and "The municipality's response is due by" in text


def test_the_report_on_sqlite_and_postgresql(any_db_app: Flask) -> None:
    app = any_db_app
    with app.app_context():
        w = build_verdict_world(seated=10, present=8, slug="report-db")
    _decide(app, w)
    client = app.test_client()
    page = client.get(_url(app, w))
    assert page.status_code == 200
    assert AMENDED["en"] in page.text and OUTCOME["summary"] in page.text
    text = _flat(_pdf_text(client.get(_url(app, w, ".pdf")).data))
    assert "Send it on, amended: 6" in text
    for email in w.emails:
        assert email not in page.text and email not in text
