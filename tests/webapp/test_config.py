"""Configuration layering (defaults, instance/config.py, environment) and init-instance."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from flask import Flask

from webapp import create_app
from webapp.config import write_instance_config


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "instance"
    monkeypatch.setenv("KLEROTERION_INSTANCE_PATH", str(path))
    for name in ("KLEROTERION_SECRET_KEY", "KLEROTERION_CODE_HMAC_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    return path


def test_without_secrets_the_app_refuses_to_start(instance: Path) -> None:
    with pytest.raises(RuntimeError, match="init-instance"):
        create_app()


def test_under_the_flask_command_it_starts_but_refuses_requests(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    app = create_app()
    assert app.config["SECRETS_MISSING"] is True
    assert app.test_client().get("/").status_code == 500
    refused = app.test_cli_runner().invoke(args=["demo", "load"])
    assert refused.exit_code != 0 and "init-instance" in refused.output


def test_init_instance_writes_random_secrets_once(instance: Path) -> None:
    assert write_instance_config(str(instance))
    text = (instance / "config.py").read_text()
    assert stat.S_IMODE((instance / "config.py").stat().st_mode) == 0o600
    assert not write_instance_config(str(instance))  # never overwritten
    assert (instance / "config.py").read_text() == text
    first = create_app()
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] != first.config["CODE_HMAC_KEY"]
    other = instance.parent / "other"
    write_instance_config(str(other))
    assert (other / "config.py").read_text() != text


def test_init_instance_command(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    runner = create_app().test_cli_runner()
    result = runner.invoke(args=["init-instance"])
    assert result.exit_code == 0 and "Wrote" in result.output
    assert "left as it is" in runner.invoke(args=["init-instance"]).output
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    assert create_app().config["CODE_HMAC_KEY"]


def test_environment_overrides_the_instance_file(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_instance_config(str(instance))
    monkeypatch.setenv("KLEROTERION_SECRET_KEY", "from-env")
    monkeypatch.setenv("KLEROTERION_LOGIN_RATE_LIMIT", "2 per minute")
    monkeypatch.setenv("KLEROTERION_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db.example/k")
    app: Flask = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["LOGIN_RATE_LIMIT"] == "2 per minute"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/k"
    for plain in ("postgres://u@db.example/k", "postgresql://u@db.example/k"):
        monkeypatch.setenv("DATABASE_URL", plain)
        uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
        assert uri == "postgresql+psycopg://u@db.example/k"


def test_sqlite_in_the_instance_folder_by_default(instance: Path) -> None:
    write_instance_config(str(instance))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'kleroterion.sqlite'}"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["WTF_CSRF_ENABLED"] is True
