"""Configuration defaults. :func:`webapp.create_app` layers instance/config.py and then
``KLEROTERION_*`` environment variables (and ``DATABASE_URL``) on top of these."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

LANGUAGES = ("nl", "es", "en")


class Defaults:
    # Overridden by instance/config.py, which `make run` creates with random secrets.
    SECRET_KEY: str | None = None
    # Key of the HMAC under which reply codes are stored; never the code itself.
    CODE_HMAC_KEY: str | None = None
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
    CODE_ENTRY_RATE_LIMIT = "10 per minute;60 per hour"
    LOGIN_RATE_LIMIT = "5 per minute;30 per hour"
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024  # registers of a large city
    MAIL_SERVER: str | None = None  # confirmations by e-mail only when SMTP is configured
    MAIL_PORT = 25
    MAIL_FROM = "jury@localhost"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
