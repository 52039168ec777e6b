"""`make run PORT=...` serves on that port, and the letters' link (PUBLIC_BASE_URL) follows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("port", [None, "8000"])
def test_make_run_serves_on_the_port_and_the_letters_follow(port: str | None) -> None:
    args = ["make", "-n", "run"] + ([f"PORT={port}"] if port else [])
    plan = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    expected = port or "5000"
    demo = next(line for line in plan.splitlines() if "demo load" in line)
    serve = next(line for line in plan.splitlines() if "honcho start" in line)
    for line in (demo, serve):
        assert f"KLEROTERION_PUBLIC_BASE_URL=http://127.0.0.1:{expected} " in line
    # honcho gives the first process of the Procfile (the web server) the port in $PORT.
    assert serve.endswith(f"-p {expected}")
    procfile = (ROOT / "Procfile").read_text().splitlines()
    web = next(line for line in procfile if line.startswith("web:"))
    assert web.endswith("run --host 127.0.0.1 --port $PORT")
    assert any(line.startswith("worker:") and "worker" in line for line in procfile)
    assert "init-instance --demo" in plan


def test_init_instance_demo_writes_letter_settings_that_pass(tmp_path: Path) -> None:
    from tests.conftest import make_app
    from webapp.config import write_instance_config
    from webapp.invitations import paper

    assert write_instance_config(str(tmp_path), demo=True)
    settings: dict[str, object] = {}
    exec((tmp_path / "config.py").read_text(), settings)
    letters = {k: settings[k] for k in ("ORGANISER_NAME", "ORGANISER_PHONE", "REPLY_ADDRESS")}
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", **letters)
    with app.test_request_context():
        assert [paper.missing(lang) for lang in ("es", "nl", "en")] == [[], [], []]
