"""The race tests' harness (tests/webapp/races.py) can fail: a request that raises is an
answer the test sees, and the calls really run at the same time."""

from __future__ import annotations

import threading

from tests.webapp.races import at_once


def test_a_call_that_raises_is_an_answer_the_test_sees() -> None:
    def fine() -> str:
        return "302 /done"

    def broken() -> str:
        raise RuntimeError("database is locked")

    answers = at_once([fine, broken, fine], failed=repr)
    assert sorted(answers) == ["302 /done", "302 /done", "RuntimeError('database is locked')"]


def test_the_calls_run_at_the_same_time() -> None:
    # Each call passes this barrier only while all four are running: calls made one after
    # the other would break it (after the timeout) and answer with the error.
    together = threading.Barrier(4, timeout=10)

    def call() -> str:
        together.wait()
        return "together"

    assert at_once([call] * 4, failed=repr) == ["together"] * 4
