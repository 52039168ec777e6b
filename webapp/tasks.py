"""The task queue: long work (the selection, letters, e-mails) runs in a worker process of huey,
never in a thread of the web process.

``TASK_QUEUE_URL`` chooses the storage: unset, an SQLite file in the instance folder (the
embedded default, ``instance/tasks.sqlite``); ``redis://...`` Redis (production, several
machines); ``memory://`` a queue inside one process (tests). ``TASK_QUEUE_IMMEDIATE`` runs every
task at once in the calling process (huey's immediate mode, for tests).

A feature declares a task with :func:`task` at import time; :func:`init_app` registers every
declared task on the app's huey, wrapped so that it runs inside an app context (its own
database session: a task commits its own work). :func:`enqueue` queues a call by function.
``flask --app webapp worker`` runs the consumer.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
# name -> function, filled at import time by the features' task modules.
_DECLARED: dict[str, Callable[..., Any]] = {}
# name -> (function, when) called by the worker: every minute (stale jobs, for instance) or
# once a day (the erasure of personal data whose retention has ended).
_PERIODIC: dict[str, tuple[Callable[[], Any], dict[str, str]]] = {}
EVERY_MINUTE = {"minute": "*"}
DAILY = {"minute": "17", "hour": "3"}
# Called once when a worker starts, before it takes tasks.
_ON_START: list[Callable[[], Any]] = []
TASK_MODULES = (
    "webapp.invitations.letters",
    "webapp.selection.runner",
    "webapp.members.mail",
    "webapp.members.paper",
    "webapp.replies.mail",
    "webapp.privacy.tasks",
    "webapp.sittings.reminders",
)


def task(func: F) -> F:
    """Declare ``func`` as a task. Its arguments must be plain values (they are stored in the
    queue): ids, never ORM rows, and no personal data."""
    _DECLARED[_name(func)] = func
    return func


def periodic(func: F) -> F:
    """Declare ``func`` to run in the worker every minute."""
    _PERIODIC[_name(func)] = (func, EVERY_MINUTE)
    return func


def daily(func: F) -> F:
    """Declare ``func`` to run in the worker once a day (at 03:17 local time)."""
    _PERIODIC[_name(func)] = (func, DAILY)
    return func


def on_worker_start(func: F) -> F:
    _ON_START.append(func)
    return func


def _name(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__name__}"


def make_huey(app: Flask) -> Huey:
    url = app.config.get("TASK_QUEUE_URL") or ""
    immediate = bool(app.config.get("TASK_QUEUE_IMMEDIATE"))
    name = "kleroterion"
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, immediate=immediate)
    if url == "memory://" or immediate:
        return MemoryHuey(name, immediate=immediate)
    if url.startswith("sqlite:///"):
        filename = url.removeprefix("sqlite:///")
    elif url:
        raise RuntimeError(f"TASK_QUEUE_URL: unknown scheme in {url!r} (sqlite:///, redis://)")
    else:
        filename = os.path.join(app.instance_path, "tasks.sqlite")
    return SqliteHuey(name, filename=filename)


def init_app(app: Flask) -> None:
    import importlib

    for module in TASK_MODULES:
        importlib.import_module(module)
    huey = make_huey(app)
    # huey names a task "<module>.<name>" by itself (wraps keeps the module).
    wrappers = {
        name: huey.task(name=func.__name__)(_in_app_context(app, func))
        for name, func in _DECLARED.items()
    }
    for func, when in _PERIODIC.values():
        huey.periodic_task(crontab(**when), name=func.__name__)(_in_app_context(app, func))
    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = wrappers
    app.cli.add_command(worker_command)


def _in_app_context(app: Flask, func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with app.app_context():
            return func(*args, **kwargs)

    return run


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``func(*args, **kwargs)`` (run at once in immediate mode)."""
    current_app.extensions["huey_tasks"][_name(func)](*args, **kwargs)


def queue() -> Huey:
    huey: Huey = current_app.extensions["huey"]
    return huey


def run_pending() -> int:
    """Run every queued task in this process, as a worker would; how many ran. For commands
    and tests that have no worker."""
    huey, count = queue(), 0
    while (queued := huey.dequeue()) is not None:
        huey.execute(queued)
        count += 1
    return count


@click.command("worker")
@click.option("--threads", type=int, default=None, help="Tasks run at once (WORKER_THREADS).")
@with_appcontext
def worker_command(threads: int | None) -> None:
    """Run the task queue's worker (Ctrl+C stops it after the running tasks)."""
    huey = queue()
    if huey.immediate:
        raise click.ClickException("TASK_QUEUE_IMMEDIATE is set: tasks run in the web process")
    for func in _ON_START:
        func()
    workers = threads or int(current_app.config["WORKER_THREADS"])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    click.echo(f"Worker: {workers} threads on {type(huey.storage).__name__}")
    # An organiser waits for the selection to start: look for new tasks at least every
    # WORKER_POLL_SECONDS (huey backs off to 10 s by default).
    poll = float(current_app.config["WORKER_POLL_SECONDS"])
    huey.create_consumer(workers=workers, periodic=True, max_delay=poll).run()
