"""Languages: Dutch, Spanish and English. The choice is kept in the session; the first visit
follows the browser's Accept-Language.

Texts that organisers write for residents (a jury's description, its statements, a category's
question, an answer option) are stored per language as a mapping ``{"en": ..., "nl": ...,
"es": ...}`` and shown with :func:`localised` (the Jinja filter ``localised``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, request, session
from flask_babel import get_locale, gettext
from flask_babel.speaklater import LazyString
from markupsafe import escape
from werkzeug.wrappers import Response

bp = Blueprint("i18n", __name__)


class _EscapedLazyString(LazyString):  # type: ignore[misc]
    """flask-babel's lazy string, escaped when a template or a form label renders it.

    flask-babel's own ``__html__`` returns the text as it is, so Jinja and WTForms take it as
    safe markup: a lazy message that interpolates a field label, a file name or an answer from
    another platform would go out unescaped. None of our messages holds markup of its own.
    """

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """``flask_babel.lazy_gettext`` (translated when used), escaped when rendered."""
    return _EscapedLazyString(gettext, string, **variables)


def select_locale() -> str | None:
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command or a task: force_locale chooses, else default
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def localised(texts: Mapping[str, str] | str | None, fallback: str | None = None) -> str:
    """The text in the page's language; else in ``fallback`` (for example the jury's own
    language), then English, then any language that has one. A plain string (a text written
    before texts had languages) is returned as it is."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    order = [str(get_locale() or ""), fallback or "", "en", *sorted(texts)]
    for lang in order:
        text = texts.get(lang)
        if text:
            return text
    return ""


@bp.app_template_filter("localised")
def localised_filter(texts: Mapping[str, str] | str | None, fallback: str | None = None) -> str:
    return localised(texts, fallback)


@bp.post("/language")
def set_language() -> Response:
    """The language switch: a small form on every page posts here (CSRF-protected)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_same_site(request.form.get("next")) or "/")


def _same_site(target: str | None) -> str | None:
    # Only relative paths: never redirect to another host (open redirect).
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target
