"""Languages: Dutch, Spanish and English. The choice is kept in the session; the first visit
follows the browser's Accept-Language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, session
from werkzeug.wrappers import Response

bp = Blueprint("i18n", __name__)


def select_locale() -> str | None:
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


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
