"""The published tables in their one canonical form, and reading them back.

Every table is UTF-8 CSV with ``\\n`` line ends, a header row and minimal quoting (Python's
:mod:`csv`), so that its SHA-256 (``sha256sum FILE``) is the same wherever it is recomputed.

- ``pool.csv``: ``id,household,<category>...`` (pseudonyms, sorted; household a label such as
  ``H3`` shared by volunteers at one address, empty when nobody else in the pool shares it);
- ``quotas.csv``: ``category,value,min,max`` in the order of the quotas;
- ``panels.csv``: ``panel,id``, one row per seat, panels 1 to m, ids sorted within a panel;
- ``probabilities.csv``: ``id,before,after`` (pseudonyms, sorted; Python's shortest
  round-trip notation for the numbers).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from sortition.model import Person, Quota, Quotas

Row = Sequence[object]


def to_csv(header: Row, rows: Iterable[Row]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def from_csv(data: bytes, name: str, header: Sequence[str] | None = None) -> list[dict[str, str]]:
    """The rows of a published table; ValueError naming the file when its header is not
    ``header`` (when given), and the file and line when a row has more or fewer fields than
    the header."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    if header is not None and list(reader.fieldnames or []) != list(header):
        raise ValueError(f"{name}: the header is {reader.fieldnames}, expected {list(header)}")
    rows = []
    for row in reader:
        # DictReader files the fields past the header under None, and fills the missing
        # ones with None.
        extra = row.pop(None, [])
        missing = sum(value is None for value in row.values())
        if extra or missing:
            raise ValueError(
                f"{name}: line {reader.line_num} has {len(row) - missing + len(extra)} fields, "
                f"the header has {len(row)}"
            )
        rows.append(row)
    return rows


def pool_table(
    people: Iterable[Person],
    categories: Sequence[str],
    *,
    pseudonyms: Mapping[str, str],
    households: Mapping[str, str | None],
) -> bytes:
    rows = sorted(
        [
            pseudonyms[p.id],
            households.get(p.id) or "",
            *(p.features.get(c, "") for c in categories),
        ]
        for p in people
    )
    return to_csv(["id", "household", *categories], rows)


def quotas_table(quotas: Quotas) -> bytes:
    return to_csv(
        ["category", "value", "min", "max"], ([q.category, q.value, q.min, q.max] for q in quotas)
    )


def read_quotas(data: bytes, name: str = "quotas.csv") -> Quotas:
    rows = from_csv(data, name, ["category", "value", "min", "max"])
    return Quotas(
        tuple(Quota(r["category"], r["value"], int(r["min"]), int(r["max"])) for r in rows)
    )


def panels_table(panels: Sequence[Sequence[str]]) -> bytes:
    return to_csv(
        ["panel", "id"],
        ([number, pid] for number, panel in enumerate(panels, start=1) for pid in sorted(panel)),
    )


def read_panels(data: bytes, name: str = "panels.csv") -> dict[int, list[str]]:
    panels: dict[int, list[str]] = {}
    for row in from_csv(data, name, ["panel", "id"]):
        panels.setdefault(int(row["panel"]), []).append(row["id"])
    return panels


def probabilities_table(
    before: Mapping[str, float], after: Mapping[str, float], pseudonyms: Mapping[str, str]
) -> bytes:
    rows = sorted([pseudonyms[pid], repr(before[pid]), repr(after[pid])] for pid in before)
    return to_csv(["id", "before", "after"], rows)
