"""`make audit`: the installed dependencies against known vulnerabilities (pip-audit), with an
honest answer.

pip-audit says "No known vulnerabilities found" even when it could not look a single package
up (the vulnerability service unreachable: every package "not found"). This wrapper reads its
JSON report and exits with

- 0 when every dependency was checked and none has a known vulnerability;
- 1 when some dependency has a known vulnerability (listed);
- 2 when the audit could not check some or all dependencies (named, with pip-audit's reason):
  never a false "no known vulnerabilities".
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

OK, VULNERABLE, UNCHECKED = 0, 1, 2


@dataclass(frozen=True)
class Verdict:
    code: int
    message: str


def judge(report: dict[str, Any] | None, *, stderr: str = "") -> Verdict:
    """The verdict on a pip-audit JSON report (None when pip-audit gave none)."""
    if report is None or not isinstance(report.get("dependencies"), list):
        detail = stderr.strip().splitlines()[-1:] or ["no report"]
        return Verdict(UNCHECKED, f"audit NOT done: pip-audit gave no report ({detail[0]})")
    deps = report["dependencies"]
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = [d for d in deps if d.get("vulns")]
    lines = []
    for dep in vulnerable:
        ids = ", ".join(v.get("id", "?") for v in dep["vulns"])
        lines.append(f"  {dep['name']} {dep.get('version', '')}: {ids}")
    if skipped:
        reason = skipped[0]["skip_reason"]
        lines.append(
            f"audit NOT complete: {len(skipped)} of {len(deps)} dependencies could not be "
            f"checked (e.g. {reason}). The vulnerability service may be unreachable from here."
        )
        if len(skipped) == len(deps):
            lines.append("Nothing was checked: this is not a clean result.")
    if not deps:
        return Verdict(UNCHECKED, "audit NOT done: pip-audit listed no dependencies")
    if vulnerable:
        head = f"{len(vulnerable)} of {len(deps)} dependencies have known vulnerabilities:"
        return Verdict(VULNERABLE, "\n".join([head, *lines]))
    if skipped:
        return Verdict(UNCHECKED, "\n".join(lines))
    return Verdict(OK, f"all {len(deps)} dependencies checked: no known vulnerabilities")


def run(argv: Sequence[str]) -> Verdict:
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
    try:
        done = subprocess.run(
            [*command, *argv], capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Verdict(UNCHECKED, f"audit NOT done: pip-audit did not run ({exc})")
    try:
        report = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    return judge(report, stderr=done.stderr)


def main() -> int:
    verdict = run(sys.argv[1:] or ["--skip-editable"])
    print(verdict.message, file=sys.stderr if verdict.code else sys.stdout)
    return verdict.code


if __name__ == "__main__":
    sys.exit(main())
