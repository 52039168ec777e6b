"""Reading the shared benchmark instances (``../shared/instances``).

Uses :mod:`sortition.tabular` when it is there; otherwise a minimal reader of the instance
format described in the instances' README (pandas, strings only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sortition.model import Person, Pool, Quota, Quotas

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ROOT.parent / "shared" / "instances"


@dataclass(frozen=True, slots=True)
class Instance:
    name: str
    pool: Pool
    quotas: Quotas
    k: int
    published: tuple[float, ...] | None


def _quotas(path: Path, meta: dict[str, object]) -> Quotas:
    frame = pd.read_csv(path, dtype="string")
    items = tuple(
        Quota(
            category=str(row[str(meta["category_col"])]).strip(),
            value=str(row[str(meta["value_col"])]).strip(),
            min=int(str(row[str(meta["min_col"])])),
            max=int(str(row[str(meta["max_col"])])),
        )
        for _, row in frame.iterrows()
    )
    return Quotas(items)


def _pool(path: Path, meta: dict[str, object], quotas: Quotas) -> Pool:
    frame = pd.read_csv(path, dtype="string").fillna("")
    id_col = meta.get("id_col")
    address = [str(c) for c in meta.get("address_cols") or []]  # type: ignore[attr-defined]
    people = []
    for i, row in enumerate(frame.to_dict("records")):
        pid = str(row[id_col]) if id_col else str(i)
        features = {c: str(row[c]).strip() for c in quotas.categories}
        household = (
            "|".join(" ".join(str(row[c]).lower().split()) for c in address) if address else None
        )
        people.append(Person(pid, features, household))
    return Pool(tuple(people))


def _published(name: str) -> tuple[float, ...] | None:
    path = INSTANCES / "published" / f"{name}_prob_allocs_data.csv"
    if not path.exists():
        return None
    frame = pd.read_csv(path)
    leximin = frame[frame["algorithm"].str.upper() == "LEXIMIN"]
    return tuple(sorted(float(v) for v in leximin["selection probability"]))


def load(folder: Path) -> Instance:
    meta = json.loads((folder / "instance.json").read_text())
    quotas = _quotas(folder / meta["categories_file"], meta)
    pool = _pool(folder / meta["respondents_file"], meta, quotas)
    return Instance(meta["name"], pool, quotas, int(meta["k"]), _published(meta["name"]))


def all_instances() -> list[Path]:
    """Instance folders, smallest first; empty when the shared folder is absent."""
    if not INSTANCES.is_dir():
        return []
    folders = [p for p in INSTANCES.iterdir() if (p / "instance.json").exists()]
    return sorted(
        folders,
        key=lambda p: (
            (p / json.loads((p / "instance.json").read_text())["respondents_file"]).stat().st_size
        ),
    )
