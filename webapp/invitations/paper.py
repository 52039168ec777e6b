"""What the letters promise, in the letter's language: who sends them, the phone number for
questions and phone replies, and the paper reply form with its prepaid return address.

Letters are refused while any of these is missing (:func:`missing`), so that no letter offers a
reply by phone without a number or a paper form without an address to send it to.

The settings (see the README) may be one text for every language, or a mapping per language,
such as ``ORGANISER_NAME = {"nl": "Gemeente Groningen", "en": "City of Groningen"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from babel import Locale
from flask import current_app
from flask_babel import force_locale, format_datetime, get_locale
from flask_babel import gettext as _

from webapp import lottery
from webapp.categories.services import own_categories
from webapp.config import SITTING_FORMAT
from webapp.i18n import lazy_gettext as _l
from webapp.i18n import localised
from webapp.models import Jury
from webapp.replies.forms import GENDERS, SUPPORT

# The settings every letter needs, with what each is for (shown when one is missing).
REQUIRED = {
    "ORGANISER_NAME": _l("the sender printed above the address"),
    "ORGANISER_PHONE": _l("the phone number for questions and replies by phone"),
    "REPLY_ADDRESS": _l("the prepaid return address for the paper reply forms"),
}


@dataclass(frozen=True, slots=True)
class Missing:
    """A setting the letters need that has no value (in ``language``)."""

    setting: str
    language: str

    def __str__(self) -> str:
        return str(
            _(
                "%(setting)s (%(what)s) has no value for letters in %(language)s.",
                setting=self.setting,
                what=REQUIRED[self.setting],
                language=Locale.parse(self.language).get_display_name(get_locale()),
            )
        )


def setting(name: str, lang: str) -> str:
    """A letter setting in ``lang``: a plain text as it is, a mapping by its ``lang`` entry
    (no fallback to another language: a Dutch letter gets no English sender line)."""
    value = current_app.config.get(name)
    if isinstance(value, Mapping):
        value = value.get(lang)
    return value.strip() if isinstance(value, str) else ""


def missing(lang: str) -> list[Missing]:
    """The settings the letters in ``lang`` still need, in the order of :data:`REQUIRED`."""
    return [Missing(name, lang) for name in REQUIRED if not setting(name, lang)]


# Up to this many sittings, one line each with the full date; more go three to a line in short
# form, so that eight Saturdays still fit on the letter's one page.
LONG_DATES = 4
SHORT_DATE = "EEE d MMM y, HH:mm"


def sitting_texts(jury: Jury, *, short: bool) -> tuple[list[str], str]:
    """Each sitting's date and time (and place, unless all share one) in the current locale,
    and the shared place ("" if none). Sittings are local wall-clock times, shown as stored."""
    sittings = list(jury.sittings)
    places = {s.place for s in sittings}
    shared = next(iter(places)) if len(places) == 1 and (short or len(sittings) > 1) else ""
    pattern = SHORT_DATE if short else SITTING_FORMAT
    texts = []
    for sitting in sittings:
        when = str(format_datetime(sitting.starts_at, pattern, rebase=False))
        place = "" if shared else sitting.place
        texts.append(f"{when}, {place}" if place else when)
    return texts, shared


def sitting_lines(jury: Jury) -> str:
    """The letter's list of sittings ("- " bullet lines) in the current locale."""
    short = len(jury.sittings) > LONG_DATES
    texts, shared = sitting_texts(jury, short=short)
    if not short and not shared:
        return "\n".join(f"- {text}" for text in texts)
    if not short:
        return "\n".join(f"- {text}, {shared}".rstrip(", ") for text in texts)
    lines = ["- " + "  ·  ".join(texts[i : i + 3]) for i in range(0, len(texts), 3)]
    if shared:
        lines.append(_("All sittings are at %(place)s.", place=shared))
    return "\n".join(lines)


def summary(lang: str) -> dict[str, str]:
    """What every letter in ``lang`` will say about its sender and how to reply (shown to the
    organiser before a draw)."""
    return {
        "sender": setting("ORGANISER_NAME", lang),
        "phone": setting("ORGANISER_PHONE", lang),
        "address": ", ".join(setting("REPLY_ADDRESS", lang).splitlines()),
    }


def contact(lang: str) -> str:
    """The letter's last sentence after "do you want to reply by phone?": the number, and
    the optional ORGANISER_CONTACT (opening hours, an e-mail address)."""
    with force_locale(lang):
        text = _("Call %(phone)s.", phone=setting("ORGANISER_PHONE", lang))
    extra = setting("ORGANISER_CONTACT", lang)
    return f"{text} {extra}" if extra else text


def reply_form(jury: Jury, lang: str) -> lottery.ReplyForm:
    """The paper reply form: the questions of the online reply form, in ``lang``."""
    with force_locale(lang):
        dates, place = sitting_texts(jury, short=True)
        declarations = tuple(localised(d, lang) for d in jury.declarations)
        questions = (
            lottery.FormQuestion(
                _("Do you want to take part in the citizens' jury?"),
                (_("Yes, I want to take part"), _("No")),
            ),
            # One line for both names (first name first: the table cards use it).
            lottery.FormQuestion(_("Your first name and last name")),
            lottery.FormQuestion(_("Year of birth")),
            lottery.FormQuestion(_("Gender"), tuple(str(c.label) for c in GENDERS)),
            lottery.FormQuestion(_("District")),
            # The jury's own questions (webapp/categories), as the online form asks them.
            *(
                lottery.FormQuestion(
                    localised(c.question, lang) or localised(c.name, lang),
                    tuple(localised(o["label"], lang) for o in c.options),
                )
                for c in own_categories(jury)
            ),
            lottery.FormQuestion(_("E-mail address")),
            lottery.FormQuestion(_("Phone number"), beside=True),  # beside the e-mail address
            lottery.FormQuestion(
                f"{_('Dates you can come')} ({place})" if place else _("Dates you can come"),
                tuple(dates),
            )
            if dates
            else None,
            lottery.FormQuestion(
                _("Help you need to take part"), tuple(str(c.label) for c in SUPPORT)
            ),
            lottery.FormQuestion(_("What else do you need?")),
            lottery.FormQuestion(
                _("Who can take part: tick every sentence that is true for you"), declarations
            )
            if declarations
            else None,
            lottery.FormQuestion(
                _("Agreement"),
                (
                    _(
                        "I agree that the municipality keeps my answers for the selection "
                        "of the jury."
                    ),
                ),
            ),
        )
        return lottery.ReplyForm(
            title=_("Reply form: %(name)s", name=localised(jury.name, lang)),
            intro=_(
                "No internet? Answer here. If you say no, tick only No. Write clearly and send "
                "the form back in the envelope. You do not need a stamp."
            ),
            code_label=_("Your personal code"),
            return_label=_("Postage paid: no stamp needed"),
            return_address=tuple(
                line.strip() for line in setting("REPLY_ADDRESS", lang).splitlines() if line.strip()
            ),
            questions=tuple(q for q in questions if q is not None),
            letter_note=_(
                "No internet? Fill in the reply form that comes with this letter and send it "
                "back in the envelope. You do not need a stamp."
            ),
        )
