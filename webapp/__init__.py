"""Kleroterion's web app: an application factory with one blueprint per feature.

Configuration is read here and only here: code defaults (:mod:`webapp.config`), then
``instance/config.py``, then environment variables (``KLEROTERION_<NAME>``, and
``DATABASE_URL`` for the database).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from webapp import headers
from webapp.config import Defaults
from webapp.extensions import babel, csrf, db, limiter, login_manager, migrate
from webapp.i18n import lazy_gettext

ENV_PREFIX = "KLEROTERION_"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    # KLEROTERION_INSTANCE_PATH (absolute) moves the instance folder: config, SQLite, letters.
    instance_path = os.environ.get(f"{ENV_PREFIX}INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    _configure(app, test_config)
    headers.install(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    app.config.from_object(Defaults)
    # Owner-only: the instance folder holds the keys, the database, letters and uploads.
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env(ENV_PREFIX.rstrip("_"), loads=_loads)
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = _with_driver(os.environ["DATABASE_URL"])
    else:
        app.config.from_mapping(test_config)
    if str(app.config.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        # Served over HTTPS: cookies travel only over HTTPS (unless configured otherwise).
        for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if name not in (test_config or {}) and not os.environ.get(f"{ENV_PREFIX}{name}"):
                app.config[name] = True
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "kleroterion.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("SECRET_KEY") or not app.config.get("CODE_HMAC_KEY"):
        # Under the flask command the app must load so that `init-instance` can write the
        # secrets; it then refuses every request instead (see _refuse_without_secrets).
        if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
            raise RuntimeError(MISSING_SECRETS)
        app.config["SECRETS_MISSING"] = True
        app.before_request(_refuse_without_secrets)


MISSING_SECRETS = (
    "SECRET_KEY and CODE_HMAC_KEY must be set: run `flask --app webapp init-instance` "
    "(make run does) or set KLEROTERION_SECRET_KEY and KLEROTERION_CODE_HMAC_KEY."
)


def _refuse_without_secrets() -> None:
    raise RuntimeError(MISSING_SECRETS)


def _with_driver(url: str) -> str:
    """``postgres://`` and ``postgresql://`` (as hosting platforms write them) use psycopg 3,
    the driver we install; SQLAlchemy would otherwise look for psycopg2."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _loads(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _init_extensions(app: Flask) -> None:
    from webapp import database

    db.init_app(app)
    database.install_sqlite_pragmas(app)
    from webapp import models  # noqa: F401  (the models must be known to Alembic)

    # Batch mode lets Alembic alter tables on SQLite, which has no ALTER COLUMN.
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(__file__), "..", "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    csrf.init_app(app)
    limiter.init_app(app)
    from webapp.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    from webapp import tasks

    tasks.init_app(app)

    from flask_babel import get_locale

    from webapp.auth.limits import failure_alert
    from webapp.config import SITTING_FORMAT

    @app.context_processor
    def _locale() -> dict[str, Any]:
        return {
            "current_locale": lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "SITTING_FORMAT": SITTING_FORMAT,
            "failure_alert": failure_alert,
        }


def _register_blueprints(app: Flask) -> None:
    # One blueprint per feature; each feature adds its line here.
    from webapp import formats, i18n, public
    from webapp.auth import bp as auth_bp
    from webapp.categories import bp as categories_bp
    from webapp.invitations import bp as invitations_bp
    from webapp.juries import bp as juries_bp
    from webapp.members import bp as members_bp
    from webapp.payments import bp as payments_bp
    from webapp.pool import bp as pool_bp
    from webapp.privacy import bp as privacy_bp
    from webapp.progress import bp as progress_bp
    from webapp.proposals import bp as proposals_bp
    from webapp.quotas import bp as quotas_bp
    from webapp.replies import bp as replies_bp
    from webapp.reports import bp as reports_bp
    from webapp.selection import bp as selection_bp
    from webapp.sittings import bp as sittings_bp
    from webapp.survey import bp as survey_bp
    from webapp.verdicts import bp as verdicts_bp

    app.register_blueprint(i18n.bp)
    app.register_blueprint(formats.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(juries_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(pool_bp)
    app.register_blueprint(categories_bp)
    app.register_blueprint(quotas_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(replies_bp)
    app.register_blueprint(selection_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(sittings_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(verdicts_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(privacy_bp)


def _register_commands(app: Flask) -> None:
    from webapp import backup, demo
    from webapp.auth.cli import mfa_cli, users_cli
    from webapp.config import init_instance_command
    from webapp.privacy.cli import privacy_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(mfa_cli)
    app.cli.add_command(demo.demo_cli)
    app.cli.add_command(init_instance_command)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)
    app.cli.add_command(privacy_cli)
