"""`make test` runs the dependency audit (`make test-audit`): known vulnerabilities fail it; an
audit that could not check passes with a notice, unless AUDIT_REQUIRED=1."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("audit_exit", "required", "make_exit", "notice"),
    [(0, "", 0, False), (1, "", 1, False), (2, "", 0, True), (2, "1", 2, False)],
    # make_exit: the recipe's exit status (make itself then exits 2 and names it)
)
def test_the_audit_in_make_test(
    tmp_path: Path, audit_exit: int, required: str, make_exit: int, notice: bool
) -> None:
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\necho "audit says $*"\nexit {audit_exit}\n')
    fake.chmod(0o755)
    # `install` is a prerequisite: point its stamp at a file that is newer than pyproject.toml.
    stamp = tmp_path / "stamp"
    stamp.touch()
    done = subprocess.run(
        ["make", "-s", "test-audit", f"PY={fake}", f"STAMP={stamp}", f"AUDIT_REQUIRED={required}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "MAKEFLAGS": ""},
        timeout=120,
    )
    if make_exit == 0:
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        assert done.returncode != 0 and f"Error {make_exit}" in done.stderr, done.stderr
    assert "audit says scripts/dependency_audit.py --skip-editable" in done.stdout
    assert ("could not check" in done.stdout) == notice
