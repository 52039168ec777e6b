"""Stage 2 in a real browser, as an organiser does it, with a real worker process: a category
of the jury's own with its question in three languages, census shares uploaded and typed with
the live feasibility check, the pool, the selection with its progress bar, the commitment, the
dice, the panel and its alternates, a member who declines, the replacement, the public page;
the downloaded bundles pass `sortition verify`. At desktop width and at 390 px, with axe-core
on every page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, check_accessibility, serving
from tests.browser.test_replies_browser import log_in
from tests.conftest import make_app
from tests.webapp.selection_data import build_selection_world
from webapp.extensions import db
from webapp.models import (
    Category,
    CategoryAnswer,
    JobStatus,
    Member,
    MemberStatus,
    Reply,
    SelectionJob,
)
from webapp.quotas.census import share_field

pytestmark = pytest.mark.browser
SECRETS = {"SECRET_KEY": "browser-secret", "CODE_HMAC_KEY": "test-code-key"}
BIN = Path(sys.executable).parent


@pytest.fixture
def live_with_worker(tmp_path: Path) -> Iterator[LiveServer]:
    """The app in a thread and `flask worker` in a process, sharing SQLite files."""
    database = f"sqlite:///{tmp_path / 'live.sqlite'}"
    queue = f"sqlite:///{tmp_path / 'tasks.sqlite'}"
    app = make_app(
        database,
        WTF_CSRF_ENABLED=True,
        TESTING=False,
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL=queue,
        **SECRETS,
    )
    env = {
        **os.environ,
        "KLEROTERION_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": database,
        "KLEROTERION_TASK_QUEUE_URL": queue,
        **{f"KLEROTERION_{k}": v for k, v in SECRETS.items()},
    }
    worker = subprocess.Popen(
        [str(BIN / "flask"), "--app", "webapp", "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with serving(app) as live:
            yield live
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)


def _selected(live: LiveServer, jury_id: int) -> list[str]:
    with live.app.app_context():
        return sorted(
            m.reply.reference
            for m in db.session.scalars(
                sa.select(Member).filter_by(jury_id=jury_id, status=MemberStatus.SELECTED)
            )
        )


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


QUESTION = {
    "nl": "Hoe gaat u meestal naar uw werk of school?",
    "es": "¿Cómo va normalmente al trabajo o a clase?",
    "en": "How do you usually get to work or school?",
}
OPTIONS = [
    ({"nl": "Met de auto", "es": "En coche", "en": "By car"}, "car"),
    ({"nl": "Anders", "es": "De otra forma", "en": "Another way"}, "other"),
]


def _add_category(page: Any, live: LiveServer, jury_id: int) -> None:
    """A category of the jury's own: names, the question and the answers in nl, es and en,
    and the quota group each answer counts for."""
    page.goto(f"{live.url}/staff/juries/{jury_id}/categories/new")
    check_accessibility(page)
    page.fill("#key", "transport")
    for lang, name in (("nl", "Vervoer"), ("es", "Transporte"), ("en", "Transport")):
        page.fill(f"#name_{lang}", name)
        page.fill(f"#question_{lang}", QUESTION[lang])
    for n, (labels, value) in enumerate(OPTIONS):
        for lang, label in labels.items():
            page.fill(f"#options-{n}-label_{lang}", label)
        page.fill(f"#options-{n}-value", value)
    page.click("main form button:has-text('Save the category')")
    page.wait_for_selector("text=The category is saved")
    with live.app.app_context():
        category = db.session.scalars(sa.select(Category).filter_by(key="transport")).one()
        assert category.question == QUESTION and category.values == ["car", "other"]
        # The volunteers answered it on their reply forms: only two go by car (reply 0 and
        # 12, who share district, gender and age band, so a replacement can keep quotas).
        keys = {o["value"]: o["key"] for o in category.options}
        for reply in db.session.scalars(sa.select(Reply).filter_by(jury_id=jury_id)):
            n = int(reply.reference.rsplit("-", 1)[1])
            option = keys["car"] if n % 12 == 0 else keys["other"]
            db.session.add(
                CategoryAnswer(reply_id=reply.id, category_id=category.id, option=option)
            )
        db.session.commit()


def _census(page: Any, live: LiveServer, jury_id: int, tmp_path: Path, narrow: bool) -> None:
    """Shares from a census file, the live check naming the quota the pool cannot fill with
    the engine's suggestion beside it, then shares typed in that can be met, saved."""
    page.goto(f"{live.url}/staff/juries/{jury_id}/quotas")
    census = tmp_path / "census.csv"
    census.write_text("category,value,percent\ntransport,car,50\ntransport,other,50\n")
    page.set_input_files("#file", str(census))
    page.click("main form[enctype] button:has-text('Upload')")
    page.wait_for_selector("text=The population shares from the file are saved.")
    car, other = share_field("transport", "car"), share_field("transport", "other")
    assert page.input_value(f"#{car}") == "50"
    # Half the seats by car (3 of 6), but only two volunteers go by car.
    notes = page.locator(f"[data-notes='{car}']")
    page.fill(f"#{car}", "50.0")  # typing starts the live check
    notes.locator("text=The engine suggests: lower the minimum from 3 to 2.").wait_for()
    assert "Minimum 3, but the pool has only 2 volunteers in this group." in notes.inner_text()
    assert "No jury of 6 can meet every quota" in page.inner_text("#feasibility-outcome")
    check_accessibility(page)
    if narrow:
        _no_sideways_scroll(page)
    page.fill(f"#{car}", "25")
    page.fill(f"#{other}", "75")
    page.wait_for_selector("#feasibility-outcome >> text=A jury of 6 that meets every quota")
    assert page.inner_text(f"[data-quota='{car}']") == "1–2"
    assert notes.inner_text().strip() == ""
    page.click("main form#census-form button:has-text('Save the shares')")
    page.wait_for_selector("text=A jury of 6 that meets every quota")


def _compute_and_draw(page: Any, button: str, dice: str, narrow: bool) -> str:
    """From the selection page: announce the source, compute (the progress bar until the
    worker is done), then the draw with the dice. Returns the draw page's URL."""
    page.fill("#source", "Three dice rolled at the public meeting")
    page.fill("#panels", "100")
    page.click(f"main form button:has-text('{button}')")
    page.wait_for_url("**/selection/jobs/*")
    # Queued or running, the bar shows until the page reloads itself with the outcome (see
    # test_the_progress_page_follows_the_job for the bar itself).
    page.wait_for_selector("text=Done: a lottery of 100 equally likely panels", timeout=90_000)
    check_accessibility(page)
    if narrow:
        _no_sideways_scroll(page)
    page.click("text=Next: the commitment and the draw")
    page.wait_for_url("**/draws/*")
    assert len(page.locator("code.hash").inner_text()) == 64
    check_accessibility(page)
    page.fill("#randomness", dice)
    page.check("#checked")
    page.click("main form button:has-text('Draw the panel')")
    page.wait_for_selector("text=of 100 is drawn.")
    check_accessibility(page)
    if narrow:
        _no_sideways_scroll(page)
    return str(page.url)


# The whole path twice (a minute or more each on a busy machine): the phone-width run is
# marked slow; the progress page and the resident's answer run at 390 px in every run.
@pytest.mark.parametrize("width", [1100, pytest.param(390, marks=pytest.mark.slow)])
def test_an_organiser_draws_the_jury_and_replaces_a_member(
    live_with_worker: LiveServer, browser: Any, tmp_path: Path, width: int
) -> None:
    live = live_with_worker
    world = build_selection_world(live.app)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    narrow = width < 500
    log_in(page, live, "organiser@city-jury.example")
    _add_category(page, live, world.jury_id)
    _census(page, live, world.jury_id, tmp_path, narrow)
    page.goto(f"{live.url}/staff/juries/{world.jury_id}/pool")
    page.click("text=Next: choose the jury from the volunteers")
    page.wait_for_url("**/selection")
    check_accessibility(page)
    first_draw = _compute_and_draw(page, "Start the selection", "3 1 6 2 5 4", narrow)
    selected = _selected(live, world.jury_id)
    assert len(selected) == 6
    # The new category's quota holds: one or two of the six go by car (replies 0 and 12).
    cars = [ref for ref in selected if int(ref.rsplit("-", 1)[1]) % 12 == 0]
    assert 1 <= len(cars) <= 2
    # The alternates, ranked by the same dice, on the public draw page.
    assert page.locator("ol.alternates li").count() == 12
    # A member declines with the code from the letter, on their own phone.
    resident = context.browser.new_context(viewport={"width": 390, "height": 800})
    mobile = resident.new_page()
    mobile.goto(f"{live.url}/confirm")
    check_accessibility(mobile)
    mobile.fill("#code", world.codes[selected[0]])
    mobile.check("text=No, I cannot serve")
    mobile.click("main form button[type=submit]")
    mobile.wait_for_selector("text=another volunteer will be drawn")
    check_accessibility(mobile)
    _no_sideways_scroll(mobile)
    resident.close()
    # The replacement lottery for the open seat, committed and drawn the same way.
    page.goto(f"{live.url}/staff/juries/{world.jury_id}/selection")
    page.wait_for_selector("text=1 seats are open")
    _compute_and_draw(page, "Compute the replacement lottery", "2 2 5", narrow)
    now = _selected(live, world.jury_id)
    assert len(now) == 6 and selected[0] not in now
    # The public page: both draws, their bundles, pseudonyms only.
    page.goto(f"{live.url}/juries/city-jury")
    check_accessibility(page)
    links = page.locator("a:has-text('audit bundle')")
    assert links.count() == 2
    for n in range(2):
        with page.expect_download() as download:
            links.nth(n).click()
        path = tmp_path / f"bundle-{width}-{n}.zip"
        download.value.save_as(path)
        verified = subprocess.run(
            [str(BIN / "sortition"), "verify", str(path)], capture_output=True, text=True
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
    page.goto(
        first_draw.replace(f"/staff/juries/{world.jury_id}/draws/", "/juries/city-jury/draws/")
    )
    text = page.inner_text("main")
    assert "The result" in text and not any(ref in text for ref in selected)
    check_accessibility(page)
    if narrow:
        _no_sideways_scroll(page)
    context.close()


def test_the_progress_page_follows_the_job(live_server: LiveServer, browser: Any) -> None:
    """No worker here: the job waits, the test moves it along in the database, and the page
    (static/js/job-progress.js) follows: bar, message, then the outcome."""
    app = live_server.app
    world = build_selection_world(app, slug="progress-jury")
    with app.app_context():
        job = SelectionJob(
            jury_id=world.jury_id,
            status=JobStatus.QUEUED,
            message="",
            parameters={"source": "dice", "panels": 100},
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, "organiser@progress-jury.example")
    page.goto(f"{live_server.url}/staff/juries/{world.jury_id}/selection/jobs/{job_id}")
    assert "Waiting for the worker" in page.inner_text("#job-status")
    check_accessibility(page)
    _no_sideways_scroll(page)

    def update(**values: Any) -> None:
        with app.app_context():
            db.session.execute(
                sa.update(SelectionJob).where(SelectionJob.id == job_id).values(**values)
            )
            db.session.commit()

    update(status=JobStatus.RUNNING, progress=0.4, message="Level 3 of the LEXIMIN profile")
    page.wait_for_selector("#job-message:has-text('Level 3 of the LEXIMIN profile')")
    assert page.evaluate("document.getElementById('job-progress').value") == pytest.approx(0.4)
    update(status=JobStatus.FAILED, error={"kind": "crash"})
    page.wait_for_selector("text=The computation failed.")
    check_accessibility(page)
    context.close()
