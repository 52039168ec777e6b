"""Configuration defaults. :func:`webapp.create_app` layers instance/config.py and then
``KLEROTERION_*`` environment variables (and ``DATABASE_URL``) on top of these."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import ClassVar

import click
from cryptography.fernet import Fernet
from flask import current_app
from flask.cli import with_appcontext

LANGUAGES = ("nl", "es", "en")
# Sitting times are local wall-clock times (stored naive): shown as entered, never shifted
# between time zones. A Babel pattern: the day and month names follow the page's language.
SITTING_FORMAT = "EEEE d MMMM y, HH:mm"


class Defaults:
    # Overridden by instance/config.py, which `make run` creates with random secrets.
    SECRET_KEY: str | None = None
    # Key of the HMAC under which reply codes are stored; never the code itself.
    CODE_HMAC_KEY: str | None = None
    # Fernet keys of the TOTP secrets at rest, newest first; unset: one derived from SECRET_KEY.
    MFA_KEYS: list[str] | str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT: int | None = None  # a reply form may stay open for a long time
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = LANGUAGES
    # Flask-Limiter: memory for one process; set redis://... with several workers.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Failed tries per client address (generous: a library or an office shares one) and per
    # account (tight): a right password or code never counts. Every try of one typed code
    # (tight, from any address): only who holds the code can spend its budget.
    CODE_ENTRY_RATE_LIMIT = "30 per minute;200 per hour"
    CODE_PER_CODE_RATE_LIMIT = "10 per hour"
    LOGIN_RATE_LIMIT = "20 per minute;100 per hour"
    LOGIN_PER_ACCOUNT_RATE_LIMIT = "5 per 15 minutes;20 per day"
    # Failures of logins, second factors and codes in the whole app: above this, staff are
    # alerted (a log line and a banner on the users page).
    FAILURE_ALERT_LIMIT = "200 per hour"
    # How many reverse proxies in front of the app set X-Forwarded-For (and -Proto): the
    # client address is taken from them only. 0 trusts no header (the app faces the internet).
    PROXY_FIX_X_FOR = 0
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024  # registers of a large city
    MAIL_SERVER: str | None = None  # confirmations by e-mail only when SMTP is configured
    MAIL_PORT = 25
    MAIL_FROM = "jury@localhost"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    MAX_REGISTER_BYTES = 200 * 1024 * 1024
    # Printed on the letters, each a text or a mapping per language ({"nl": ..., "es": ...}).
    # Letters are refused until the first three are set (webapp/invitations/paper.py).
    ORGANISER_NAME: str | dict[str, str] | None = None  # the sender line above the address
    ORGANISER_PHONE: str | dict[str, str] | None = None  # for questions and phone replies
    REPLY_ADDRESS: str | dict[str, str] | None = None  # prepaid return address, one line a line
    ORGANISER_CONTACT: str | dict[str, str] | None = None  # optional: hours, an e-mail address
    # Up to this many letters the PDF is made within the draw's request; more by the worker.
    LETTERS_SYNC_LIMIT = 2000
    # The task queue (webapp/tasks.py): unset = SQLite in instance/tasks.sqlite; redis://...;
    # memory:// (one process). IMMEDIATE runs each task at once in the caller (tests only).
    TASK_QUEUE_URL: str | None = None
    TASK_QUEUE_IMMEDIATE = False
    WORKER_THREADS = 2
    WORKER_POLL_SECONDS = 1.0
    # A job marked running whose worker has not reported for this long (on another machine)
    # counts as abandoned; on the same machine a dead worker process is noticed at once.
    JOB_STALE_SECONDS = 900
    # Jobs abandoned by a stopped worker are run again this many times, then reported failed.
    JOB_MAX_ATTEMPTS = 2
    JOB_TIME_LIMIT = 3600  # seconds the solver may take for one selection
    # A sitting's table plan is made within the request (49 members: well under a second);
    # the search stops at this limit with the best plan found so far.
    TABLE_PLAN_SECONDS = 3.0
    # Where the letters PDF and printer's CSV wait (holding clear codes) until marked sent.
    LETTERS_DIR: str | None = None  # default: instance/letters
    UPLOADS_DIR: str | None = None  # default: instance/uploads (registers between the steps)
    # Documents for the members of a sitting (webapp/sittings/documents.py).
    DOCUMENTS_DIR: str | None = None  # default: instance/documents
    MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
    # The erasure ledger (webapp/privacy/ledger.py): ids of every erasure, re-applied by
    # `flask restore`. Keep it out of the database's backups and restores.
    ERASURE_LEDGER: str | None = None  # default: instance/erasure-ledger.jsonl
    SESSION_COOKIE_SECURE = False  # set True (KLEROTERION_SESSION_COOKIE_SECURE) behind HTTPS
    REMEMBER_COOKIE_SECURE = False


INSTANCE_CONFIG = """\
# Written by `flask --app webapp init-instance`. Keep this file secret and out of git.
# Changing CODE_HMAC_KEY makes every reply code already sent unusable.
SECRET_KEY = {secret_key!r}
CODE_HMAC_KEY = {code_key!r}
# Keys of the TOTP secrets stored in the database, newest first (see webapp/encryption.py).
MFA_KEYS = [{mfa_key!r}]
"""


DEMO_LETTER_SETTINGS = """
# Demo values for the letters (`make run` writes them): replace them with your own before
# printing real letters. Each may be one text or a mapping per language.
ORGANISER_NAME = {"es": "Ayuntamiento de Demo", "nl": "Gemeente Demo", "en": "City of Demo"}
ORGANISER_PHONE = "010 123 45 67"
REPLY_ADDRESS = "Ayuntamiento de Demo\\nRespuesta Comercial, apartado 1234\\n28080 Madrid"
"""


def write_instance_config(instance_path: str, *, demo: bool = False) -> bool:
    """Write ``instance/config.py`` with fresh random secrets unless it exists, and with
    ``demo`` the demo's letter settings.

    Returns True if the file was written. An existing file is never touched: its
    CODE_HMAC_KEY is what makes the codes on letters already sent work.
    """
    path = os.path.join(instance_path, "config.py")
    if os.path.exists(path):
        return False
    os.makedirs(instance_path, exist_ok=True)
    text = INSTANCE_CONFIG.format(
        secret_key=secrets.token_hex(32),
        code_key=secrets.token_hex(32),
        mfa_key=Fernet.generate_key().decode(),
    )
    if demo:
        text += DEMO_LETTER_SETTINGS
    # Created with owner-only permissions: it holds the keys.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return True


@click.command("init-instance")
@click.option("--demo", is_flag=True, help="Add the demo's letter settings (make run).")
@with_appcontext
def init_instance_command(demo: bool) -> None:
    """Create instance/config.py with random SECRET_KEY and CODE_HMAC_KEY (if absent)."""
    if write_instance_config(current_app.instance_path, demo=demo):
        click.echo(f"Wrote {os.path.join(current_app.instance_path, 'config.py')}")
    else:
        click.echo("instance/config.py exists: left as it is")
