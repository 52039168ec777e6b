"""Error pages in the visitor's language, with the site's layout (accessible, like every page).

Registered app-wide from the replies blueprint because residents meet them first: an expired
form (CSRF), a page that does not exist, a server error. Blueprints may still handle an error
of their own (the 429 pages of code entry and login do).
"""

from __future__ import annotations

import logging

from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.i18n import lazy_gettext as _l
from webapp.replies import bp

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Something went wrong"), _l("We could not read what you sent. Please try again.")),
    403: (_l("You cannot see this page"), _l("Your account does not give access to this page.")),
    404: (
        _l("Page not found"),
        _l("This page does not exist. Check the address, or go to the home page."),
    ),
    405: (_l("Something went wrong"), _l("We could not read what you sent. Please try again.")),
    500: (_l("Sorry, something went wrong on our side"), _l("Please try again in a few minutes.")),
}
EXPIRED = (
    _l("The form has expired"),
    _l(
        "For your safety, a form works only for a limited time. "
        "Please go back, reload the page and try again."
    ),
)


@bp.app_errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> tuple[str, int]:
    title, message = EXPIRED
    return render_template("replies/error.html", title=title, message=message), 400


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    code = error.code or 500
    if code not in MESSAGES:
        return error  # redirects, 401 handled by Flask-Login, 413, 429 with their own pages
    title, message = MESSAGES[code]
    return render_template("replies/error.html", title=title, message=message), code


@bp.app_errorhandler(500)
def server_error(_error: Exception) -> tuple[str, int]:
    title, message = MESSAGES[500]
    try:
        return render_template("replies/error.html", title=title, message=message), 500
    except Exception:  # the layout itself may be what fails (no secret key, a broken template)
        log.exception("the error page could not be rendered")
        return PLAIN_500, 500


PLAIN_500 = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Server error</title>'
    "<h1>Sorry, something went wrong on our side</h1><p>Please try again in a few minutes.</p>"
)
