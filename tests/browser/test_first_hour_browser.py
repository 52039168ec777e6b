"""The first hour, fixed (issue 9), in a real browser and in three languages: organisers'
texts in the resident's language, a language change that keeps the answers, every missing
answer listed at once, a sitting removed only after confirmation, and the staff's view of
where a jury stands (dashboard, the replies list, the form worded for staff)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import choose_language, enter_code, log_in, submit_reply
from tests.webapp.replies_data import make_user, make_world
from webapp.extensions import db
from webapp.models import Reply, Role, Sitting

pytestmark = pytest.mark.browser
_slugs = itertools.count()
LANGS = ["nl", "es", "en"]


def world(live: LiveServer) -> Any:
    with live.app.app_context():
        return make_world(n=4, slug=f"first-hour-{next(_slugs)}")


def organiser(live: LiveServer, jury_id: int, page: Any, lang: str) -> None:
    """Log in as an organiser of the jury, with the page in ``lang``."""
    email = f"org-{jury_id}-{lang}@example.org"
    with live.app.app_context():
        make_user(email, Role.ORGANISER, jury_id=jury_id)
    page.goto(f"{live.url}/staff/login")
    choose_language(page, lang)
    log_in(page, live, email)


STATEMENT = {"nl": "Ik woon in de stad.", "es": "Vivo en la ciudad.", "en": "I live in the city."}


@pytest.mark.parametrize("lang", LANGS)
def test_changing_the_language_keeps_the_answers(
    live_server: LiveServer, page: Any, lang: str
) -> None:
    w = world(live_server)
    page.goto(f"{live_server.url}/reply")
    choose_language(page, "es" if lang == "en" else "en")
    enter_code(page, w.codes[0])
    page.wait_for_url("**/reply/form")
    page.check("#answer-0")
    page.fill("#first_name", "Ana")
    page.fill("#last_name", "García López")
    page.fill("#birth_year", "1980")
    page.check("#gender-2")
    page.fill("#email", "ana@example.org")
    page.check("#availability-1")
    page.check("#declarations-0")
    choose_language(page, lang)  # a new page, in the new language
    assert page.url.endswith("/reply/form")
    assert page.is_checked("#answer-0") and page.is_checked("#gender-2")
    assert page.input_value("#birth_year") == "1980"
    assert page.input_value("#email") == "ana@example.org"
    assert page.is_checked("#availability-1") and not page.is_checked("#availability-0")
    assert page.is_checked("#declarations-0") and not page.is_checked("#declarations-1")
    # The organiser's statements are in the new language too.
    assert page.locator("label[for=declarations-0]").inner_text() == STATEMENT[lang]
    page.check("#declarations-1")
    page.check("#consent")
    submit_reply(page)
    page.wait_for_url("**/reply/done")
    with live_server.app.app_context():
        reply = db.session.scalars(sa.select(Reply).filter_by(jury_id=w.jury_id)).one()
        assert (reply.birth_year, reply.gender, reply.language) == (1980, "non_binary", lang)
        assert reply.declarations[0] == STATEMENT[lang]
    # The draft went with the reply: the next code starts with an empty form.
    page.goto(f"{live_server.url}/reply")
    enter_code(page, w.codes[1])
    page.wait_for_url("**/reply/form")
    assert page.input_value("#birth_year") == "" and not page.is_checked("#answer-0")


EMPTY_ERRORS = {
    "en": ("Please check your answers", "Your answer: please choose yes or no."),
    "nl": ("Kijk uw antwoorden na", "Uw antwoord: kies ja of nee."),
    "es": ("Revise sus respuestas", "Su respuesta: elija sí o no."),
}
FIRST_NAME_ERROR = {
    "nl": "Voornaam: vul uw voornaam in.",
    "es": "Nombre: escriba su nombre.",
    "en": "First name: please write your first name.",
}
YEAR_ERROR = {
    "en": "Year of birth: please write 4 numbers, like 1980.",
    "nl": "Geboortejaar: schrijf 4 cijfers, zoals 1980.",
    "es": "Año de nacimiento: escriba 4 números, como 1980.",
}


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_reply_lists_every_missing_answer_at_once(
    live_server: LiveServer, page: Any, lang: str
) -> None:
    w = world(live_server)
    page.goto(f"{live_server.url}/reply")
    choose_language(page, lang)
    enter_code(page, w.codes[0])
    page.wait_for_url("**/reply/form")
    # The form comes back at the same address: wait for it to load before counting its
    # links (the click returns once the new page is committed, maybe before it is parsed).
    with page.expect_navigation():
        submit_reply(page)
    summary = page.locator(".error-summary")
    heading, answer_error = EMPTY_ERRORS[lang]
    assert summary.locator("h2").inner_text() == heading
    links = summary.locator("a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    # The answer, the names, the year of birth, the gender, a way to reach them, the
    # statements and the agreement: eight at once (the district comes from the register).
    assert targets == [
        "#answer-0",
        "#first_name",
        "#last_name",
        "#birth_year",
        "#gender-0",
        "#email",
        "#declarations-0",
        "#consent",
    ]
    assert links.first.inner_text() == answer_error
    assert links.nth(1).inner_text() == FIRST_NAME_ERROR[lang]
    assert links.nth(3).inner_text() == YEAR_ERROR[lang]
    # Each message stands next to its field too, tied to it for screen readers.
    assert page.locator("#birth_year-error").inner_text().strip().endswith(YEAR_ERROR[lang])
    assert "birth_year-error" in (page.get_attribute("#birth_year", "aria-describedby") or "")
    check_accessibility(page)
    links.nth(5).click()
    assert page.evaluate("document.activeElement.id") == "email"
    # A "no" then needs nothing else.
    page.check("#answer-1")
    submit_reply(page)
    # (the browser carries the fragment of the summary's link over the redirect)
    page.wait_for_url(lambda url: "/reply/done" in url)


REMOVE = {
    "nl": (
        "Verwijderen…",
        "2 inwoners hebben gezegd",
        "Nee, laten staan",
        "Ja, deze bijeenkomst verwijderen",
        "De bijeenkomst is verwijderd.",
    ),
    "es": (
        "Quitar…",
        "2 vecinos han dicho",
        "No, mantenerla",
        "Sí, eliminar esta sesión",
        "Se ha eliminado la sesión.",
    ),
    "en": (
        "Remove…",
        "2 residents said whether they can come",
        "No, keep it",
        "Yes, remove this sitting",
        "The sitting is removed.",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_removing_a_sitting_asks_first_and_says_what_hangs_on_it(
    live_server: LiveServer, page: Any, lang: str
) -> None:
    w = world(live_server)
    with live_server.app.app_context():
        first = db.session.scalars(
            sa.select(Sitting).filter_by(jury_id=w.jury_id).order_by(Sitting.starts_at)
        ).first()
        assert first is not None
        sitting_id, other = first.id, str(first.id + 1)
        for i, can in enumerate((True, False)):
            db.session.add(
                Reply(
                    invitation_id=w.invitation_ids[i],
                    jury_id=w.jury_id,
                    reference=f"RM{w.jury_id}-{i}",
                    channel="online",
                    answer="yes",
                    availability={str(sitting_id): can, other: True},
                )
            )
        db.session.commit()
    organiser(live_server, w.jury_id, page, lang)
    link, count, keep, remove, done = REMOVE[lang]
    calendar = f"{live_server.url}/staff/juries/{w.jury_id}/calendar"  # where the link is
    page.goto(calendar)
    page.get_by_role("link", name=link).first.click()
    page.wait_for_url(f"**/sittings/{sitting_id}/remove")
    assert count in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name=keep).click()
    page.wait_for_url(f"**/staff/juries/{w.jury_id}")
    with live_server.app.app_context():
        assert db.session.get(Sitting, sitting_id) is not None  # nothing happened
    page.goto(calendar)
    page.get_by_role("link", name=link).first.click()
    page.get_by_role("button", name=remove).click()
    page.wait_for_url(calendar)
    assert done in page.locator(".flashes").inner_text()
    with live_server.app.app_context():
        assert db.session.get(Sitting, sitting_id) is None
        replies = db.session.scalars(sa.select(Reply).filter_by(jury_id=w.jury_id)).all()
        assert [r.availability for r in replies] == [{other: True}, {other: True}]


REMOVE_THE_SITTING = {"nl": "bijeenkomst verwijderen", "es": "Eliminar", "en": "Remove"}
TAKE_OFF = {"nl": "van deze bijeenkomst afhalen", "es": "de esta sesión", "en": "off this sitting"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_user_page_takes_a_facilitator_off_a_sitting_in_other_words(
    live_server: LiveServer, page: Any, lang: str
) -> None:
    w = world(live_server)
    with live_server.app.app_context():
        sitting_id = db.session.scalars(sa.select(Sitting.id).filter_by(jury_id=w.jury_id)).first()
        assert sitting_id is not None
        from webapp.auth.services import assign_sitting
        from webapp.models import User

        facilitator = make_user(f"fac-{w.jury_id}-{lang}@example.org", Role.FACILITATOR)
        admin = make_user(f"adm-{w.jury_id}-{lang}@example.org", Role.ADMINISTRATOR)
        assign_sitting(user=db.session.get_one(User, facilitator), sitting_id=sitting_id)
        db.session.commit()
        assert admin
    page.goto(f"{live_server.url}/staff/login")
    choose_language(page, lang)
    log_in(page, live_server, f"adm-{w.jury_id}-{lang}@example.org")
    page.goto(f"{live_server.url}/staff/admin/users/{facilitator}")
    button = page.locator("main form button.secondary").last
    assert TAKE_OFF[lang] in button.inner_text()
    assert REMOVE_THE_SITTING[lang] not in button.inner_text()


DASHBOARD = {
    "nl": ("Jury's", "Antwoorden per dag", "Aanmeldingen tegenover de plaatsen", "telefonisch"),
    "es": ("Jurados", "Respuestas por día", "Voluntarios frente a las plazas", "por teléfono"),
    "en": ("Juries", "Replies per day", "Volunteers against the seats", "by phone"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_staff_see_where_the_jury_stands_and_find_a_reply(
    live_server: LiveServer, page: Any, lang: str
) -> None:
    w = world(live_server)
    now = datetime.now(UTC).replace(tzinfo=None)
    # References use no look-alike letters (I, L, O), as real ones.
    first = f"{'ABC'[LANGS.index(lang)]}{w.jury_id:03d}"
    references = [f"{first}-{end}" for end in ("7KD0", "M9Q1", "XY22")]
    with live_server.app.app_context():
        for i, (channel, answer) in enumerate(
            [("phone", "yes"), ("online", "yes"), ("paper", "no")]
        ):
            stamp = now - timedelta(days=2 - i)
            db.session.add(
                Reply(
                    invitation_id=w.invitation_ids[i],
                    jury_id=w.jury_id,
                    reference=references[i],
                    channel=channel,
                    answer=answer,
                    consent=answer == "yes",
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        db.session.commit()
    organiser(live_server, w.jury_id, page, lang)
    menu, per_day, seats, by_phone = DASHBOARD[lang]
    page.locator("header nav").get_by_role("link", name=menu, exact=True).click()
    page.wait_for_url("**/staff/juries")
    assert page.locator("h1").inner_text() == menu
    check_accessibility(page)
    page.get_by_role("link", name="City Jury").click()
    page.wait_for_url(f"**/staff/juries/{w.jury_id}/dashboard")
    main = page.locator("main").inner_text()
    assert per_day in main and seats in main
    assert page.locator(".day-chart rect.day-bar").count() == 3  # three days, one reply each
    # No inline styles or scripts (the coming Content-Security-Policy forbids them).
    assert page.locator("[style]").count() == 0
    assert page.locator("script:not([src])").count() == 0
    check_accessibility(page)
    # The replies list: the start of a reference as a caller reads it (lower case, no hyphen).
    page.goto(f"{live_server.url}/staff/juries/{w.jury_id}/replies")
    page.fill("#reference", references[0][:6].lower().replace("-", " "))
    # The rows are read once the new list has loaded: the click returns when the browser has
    # the new page, maybe before its table is parsed (under load, it was not: 0 rows).
    with page.expect_navigation():
        page.click("main form[role=search] button")
    rows = page.locator("table.replies-list tbody tr")
    assert rows.count() == 1 and references[0] in rows.first.inner_text()
    assert by_phone in rows.first.inner_text()
    assert "@" not in page.url
    page.fill("#reference", "")
    page.select_option("#answer", "yes")
    with page.expect_navigation():
        page.click("main form[role=search] button")
    assert page.locator("table.replies-list tbody tr").count() == 2
    check_accessibility(page)


STAFF_FORM = {
    "nl": ("Wil de inwoner meedoen aan de burgerjury?", "Over de inwoner", "Over u"),
    "es": (
        "¿Quiere el vecino participar en el jurado ciudadano?",
        "Sobre el vecino",
        "Sobre usted",
    ),
    "en": (
        "Does the resident want to take part in the citizens' jury?",
        "About the resident",
        "About you",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_staff_form_speaks_of_the_resident(
    live_server: LiveServer, page: Any, lang: str
) -> None:
    w = world(live_server)
    organiser(live_server, w.jury_id, page, lang)
    page.goto(f"{live_server.url}/staff/juries/{w.jury_id}/replies/new")
    page.check("#channel-1")
    enter_code(page, w.codes[0])
    page.wait_for_url("**/replies/form")
    question, about, not_about = STAFF_FORM[lang]
    assert page.locator("#answer-0").locator("xpath=ancestor::fieldset/legend").inner_text() == (
        question
    )
    headings = page.locator("main h2").all_inner_texts()
    assert about in headings and not_about not in headings
    check_accessibility(page)
