"""Texts that organisers write for residents, entered per language.

A text is stored as ``{"nl": ..., "es": ..., "en": ...}`` (see :func:`webapp.i18n.localised`).
A form gets one field per language, named ``<name>_<lang>`` and labelled with the language,
grouped in one fieldset by the template macro ``texts`` (templates/macros/forms.html). A list of
texts (the eligibility statements) is one field per language with a text per line: line 1 in
Dutch is line 1 in Spanish.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field

from webapp.config import LANGUAGES
from webapp.i18n import lazy_gettext as _l

# Each language in its own name: an organiser finds their language whatever the page's.
LANGUAGE_NAMES = {"nl": "Nederlands", "es": "Español", "en": "English"}


def add_text_fields(
    form_class: type[FlaskForm],
    name: str,
    label: Any,
    make: Callable[..., Field],
) -> None:
    """Give ``form_class`` one field per language for the text ``name``."""
    for lang in LANGUAGES:
        field_label = _l("%(text)s (%(language)s)", text=label, language=LANGUAGE_NAMES[lang])
        setattr(form_class, f"{name}_{lang}", make(field_label, render_kw={"lang": lang}))


def text_fields(form: FlaskForm, name: str) -> list[Field]:
    return [form[f"{name}_{lang}"] for lang in LANGUAGES]


def texts_of(form: FlaskForm, name: str) -> dict[str, str]:
    """The languages given, each stripped: {"nl": "...", "en": "..."}."""
    texts = {}
    for lang in LANGUAGES:
        text = (form[f"{name}_{lang}"].data or "").strip()
        if text:
            texts[lang] = text
    return texts


def fill_texts(form: FlaskForm, name: str, texts: Mapping[str, str] | str | None) -> None:
    if isinstance(texts, str):  # written before texts had languages
        texts = {"en": texts}
    for lang in LANGUAGES:
        form[f"{name}_{lang}"].data = (texts or {}).get(lang, "")


def lines_of(form: FlaskForm, name: str) -> dict[str, list[str]]:
    """Per language given, its non-empty lines."""
    found = {}
    for lang in LANGUAGES:
        lines = [x.strip() for x in (form[f"{name}_{lang}"].data or "").splitlines() if x.strip()]
        if lines:
            found[lang] = lines
    return found


def list_of_texts(form: FlaskForm, name: str) -> list[dict[str, str]]:
    """Line i of every language makes text i: [{"nl": line 1, "en": line 1}, ...]."""
    per_language = lines_of(form, name)
    count = max((len(lines) for lines in per_language.values()), default=0)
    return [
        {lang: lines[i] for lang, lines in per_language.items() if i < len(lines)}
        for i in range(count)
    ]


def fill_lines(form: FlaskForm, name: str, texts: Sequence[Mapping[str, str] | str]) -> None:
    mappings = [{"en": t} if isinstance(t, str) else t for t in texts]
    for lang in LANGUAGES:
        lines = [t.get(lang, "") for t in mappings]
        form[f"{name}_{lang}"].data = "\n".join(lines) if any(lines) else ""
