"""Browser tests: the app served by werkzeug in a thread on 127.0.0.1 (a free port, a fresh
SQLite file, CSRF on), driven by Playwright with Debian's Chromium, checked with axe-core.

Playwright never downloads a browser here: `make browsers` installs Debian's chromium and
axe-core from npm. Without Chromium these tests are skipped, except under CI (CI=true), where
that is a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import make_app
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str


@contextmanager
def serving(app: Flask) -> Iterator[LiveServer]:
    """``app`` served by werkzeug in a thread on a free port, until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app in a thread; fixtures create their data through ``live_server.app``."""
    path = tmp_path_factory.mktemp("live") / "live.sqlite"
    with serving(make_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True, TESTING=False)) as live:
        yield live


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required under CI: run `make browsers`")
    pytest.skip(f"{what} is missing: run `make browsers`")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"Chromium at {CHROMIUM}")
    if not AXE.exists():
        _missing(f"axe-core at {AXE}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (cookies, session) for each test."""
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page that fails its test if the Content-Security-Policy blocked anything on it: a
    script or style the page needs would not work for residents either."""
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    assert not blocked, blocked


def check_accessibility(page: Any) -> None:
    """axe-core on the current page: no serious or critical WCAG 2.1 A/AA violation."""
    # Evaluated by the test driver, not added as a <script>: the page's CSP refuses inline
    # scripts, and a page that broke under its own policy is what the browser tests look for.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                             'best-practice']}
        })"""
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: " + "; ".join(bad)
