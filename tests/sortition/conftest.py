"""Fixtures shared by the library tests."""

from __future__ import annotations

from typing import Any

import pytest

from sortition.solver import cbc


@pytest.fixture
def cbc_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each CBC solve of the test solved (``what``, in order): CBC runs only when asked
    for, or when HiGHS ends without an answer."""
    calls: list[str] = []
    real = cbc.solve_with_cbc

    def counting(*args: Any, what: str, **kwargs: Any) -> Any:
        calls.append(what)
        return real(*args, what=what, **kwargs)

    monkeypatch.setattr(cbc, "solve_with_cbc", counting)
    return calls
