"""The peer, sortition-algorithms (GPL-3), driven through its public functions.

Imported only when the peer is installed (``make bench`` installs it into ``.venv-bench``);
none of its code is copied here. Each call reads the instance with the peer's own readers and
times only its distribution function (solve time, as for our report's ``seconds``).
"""

from __future__ import annotations

import csv
import inspect
import json
import time
from pathlib import Path
from typing import Any


def available() -> bool:
    try:
        import sortition_algorithms  # noqa: F401
    except ImportError:
        return False
    return True


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _load(folder: Path) -> tuple[Any, Any, int, list[str]]:
    from sortition_algorithms.features import read_in_features
    from sortition_algorithms.people import read_in_people
    from sortition_algorithms.settings import Settings

    meta = json.loads((folder / "instance.json").read_text())
    _, quota_rows = _rows(folder / meta["categories_file"])
    rows = [
        {
            "feature": r[meta["category_col"]],
            "value": r[meta["value_col"]],
            "min": r[meta["min_col"]],
            "max": r[meta["max_col"]],
        }
        for r in quota_rows
    ]
    read = read_in_features(["feature", "value", "min", "max"], rows)
    features = read[0] if isinstance(read, tuple) else read
    head, people_rows = _rows(folder / meta["respondents_file"])
    id_col = meta["id_col"] or "row_id"
    if meta["id_col"] is None:
        head = [id_col, *head]
        people_rows = [{id_col: str(i), **r} for i, r in enumerate(people_rows)]
    address = list(meta.get("address_cols") or [])
    settings = Settings(
        id_column=id_col,
        columns_to_keep=[],
        check_same_address=bool(address),
        check_same_address_columns=address,
    )
    read_people = read_in_people(head, people_rows, features, settings)
    people = read_people[0] if isinstance(read_people, tuple) else read_people
    return features, people, int(meta["k"]), address


def run(folder: Path, algorithm: str) -> dict[str, Any]:
    """Solve with the peer; returns minimum probability, solve seconds and the profile."""
    from sortition_algorithms.committee_generation import leximin, maximin

    features, people, k, address = _load(folder)
    function = {
        "leximin": leximin.find_distribution_leximin,
        "maximin": maximin.find_distribution_maximin,
    }[algorithm]
    kwargs: dict[str, Any] = {}
    parameters = inspect.signature(function).parameters
    if "solver_backend" in parameters:
        kwargs["solver_backend"] = "highspy"
    started = time.perf_counter()
    committees, weights, _ = function(features, people, k, address, **kwargs)
    seconds = time.perf_counter() - started
    marginal: dict[str, float] = dict.fromkeys(list(people), 0.0)
    for committee, weight in zip(committees, weights, strict=True):
        for pid in committee:
            marginal[pid] += weight
    return {"min": min(marginal.values()), "seconds": seconds, "profile": sorted(marginal.values())}
