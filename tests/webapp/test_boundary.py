"""The architecture's boundary: only the bridge package webapp/lottery/ imports the library."""

from __future__ import annotations

import ast
from pathlib import Path

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
BRIDGE = WEBAPP / "lottery"


def _imports_sortition(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "sortition" for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sortition":
            return True
    return False


def test_only_the_bridge_imports_the_library() -> None:
    offenders = sorted(
        str(p.relative_to(WEBAPP))
        for p in WEBAPP.rglob("*.py")
        if BRIDGE not in p.parents and _imports_sortition(p)
    )
    assert offenders == []


def test_the_check_sees_an_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from sortition.codes import normalise_code\n")
    assert _imports_sortition(module)
    module.write_text("import sortitionist\n")
    assert not _imports_sortition(module)
