"""The harness of the race tests (issue 10): many requests for one one-per-person action at
once, through the web app, on SQLite and on PostgreSQL (the ``any_db_app`` fixture), each race
run for several people in turn.

A race test builds its app with :func:`race_app`, its clients with :func:`clones` (the
browsers' sessions shared by their double clicks and other tabs), and runs the calls with
:func:`at_once`; what must hold stays in the test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app

PARALLEL = 32  # requests at once, as issue 10 asks of every one-per-person action
ROUNDS = 20  # races run, a different person (code, member, record) each time
T = TypeVar("T")


def race_app(any_db_app: Flask, *, parallel: int = PARALLEL, overflow: int = 8) -> Flask:
    """An app on ``any_db_app``'s database with a connection for every thread at once (a pool
    of 5 would make the requests queue instead of race)."""
    return make_app(
        any_db_app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": parallel, "max_overflow": overflow},
    )


def clones(app: Flask, browsers: Sequence[FlaskClient], n: int = PARALLEL) -> list[FlaskClient]:
    """``n`` clients that share the session cookies of ``browsers``, in turn: each browser's
    double clicks and other tabs, which send the same session at the same moment."""
    clients = []
    for i in range(n):
        cookie = browsers[i % len(browsers)].get_cookie("session")
        assert cookie is not None
        clone = app.test_client()
        clone.set_cookie("session", cookie.value)
        clients.append(clone)
    return clients


def posting(
    client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any
) -> Callable[[], str]:
    """A call for :func:`at_once`: POST ``data`` to ``url``; the answer as
    ``"<status> <Location>"`` (``"200 None"`` when the response is a page)."""

    def call() -> str:
        response = client.post(url, data=data, **kwargs)
        return f"{response.status_code} {response.headers.get('Location')}"

    return call


def at_once(
    calls: Sequence[Callable[[], T]],
    *,
    failed: Callable[[Exception], T],
    answers: list[T] | None = None,
) -> list[T]:
    """Run each call in a thread of its own, all released together by a barrier; their
    answers in the order they came. A call that raises answers ``failed(exception)`` (any
    failure is what the race tests look for, and must show in what they assert). Answers go
    to ``answers`` when given, so that one of the calls can watch the others'."""
    barrier = threading.Barrier(len(calls))
    out: list[T] = [] if answers is None else answers

    def run(call: Callable[[], T]) -> None:
        barrier.wait()
        try:
            out.append(call())
        except Exception as exc:
            out.append(failed(exc))

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return out
