"""A replacement draw checked against the draw it follows (``verify --previous``).

Both bundles publish the same pseudonyms, so the replacement's members, pool and exclusions
can be compared with the previous draw: the members who keep their seats sat on its panel (or
kept a seat in it), everyone has the values they had there, nobody who left the panel can be
drawn again, and no housemate of a member can be drawn. Household labels are compared within
the previous bundle only (each bundle numbers its own).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sortition.audit.commitment import sha256
from sortition.audit.tables import from_csv

Row = Mapping[str, str]


def check_chain(
    files: Mapping[str, bytes],
    commitment: Mapping[str, object],
    before: Mapping[str, bytes],
    problems: list[str],
    notes: list[str],
) -> None:
    """Append what does not hold between this replacement (``files``) and the previous
    bundle's files (``before``)."""
    basis = commitment.get("replacement")
    if not isinstance(basis, dict):
        problems.append("commitment.json: not a replacement, yet a previous bundle was given")
        return
    expected = sha256(before.get("commitment.json", b""))
    if basis.get("previous") != expected:
        problems.append(
            f"commitment.json: follows {basis.get('previous')}, the previous bundle's "
            f"commitment hash is {expected}"
        )
    try:
        people = _rows(before, "pool.csv") | _rows(before, "members.csv")
        seated = set(_selected(before)) | set(_rows(before, "members.csv"))
        members = _rows(files, "members.csv")
        pool = _rows(files, "pool.csv")
    except (KeyError, ValueError, UnicodeDecodeError) as error:
        problems.append(f"the two bundles cannot be compared: {error}")
        return
    for pid in sorted(set(members) - seated):
        problems.append(f"members.csv: {pid} held no seat after the previous draw")
    for name, rows in (("members.csv", members), ("pool.csv", pool)):
        _check_values(name, rows, people, problems)
    for pid in sorted((seated - set(members)) & set(pool)):
        problems.append(f"pool.csv: {pid} left the panel of the previous draw but can be drawn")
    homes = {people[pid]["household"] for pid in members if people.get(pid, {}).get("household")}
    housemates = {pid for pid, row in people.items() if row["household"] in homes} - set(members)
    for pid in sorted(housemates & set(pool)):
        problems.append(f"pool.csv: {pid} shares a household with a member and can be drawn")
    left_out = set(people) - set(pool) - seated - housemates
    if left_out:
        notes.append(
            f"{len(left_out)} volunteers of the previous pool are left out of this one "
            "(declined, withdrew or excluded by the organiser)"
        )


def _rows(files: Mapping[str, bytes], name: str) -> dict[str, Row]:
    if name not in files:
        return {}
    return {row["id"]: row for row in from_csv(files[name], name)}


def _selected(files: Mapping[str, bytes]) -> list[str]:
    record = json.loads(files["draw.json"])
    selected = record.get("selected") if isinstance(record, dict) else None
    if not isinstance(selected, list):
        raise ValueError("draw.json of the previous bundle names no selected panel")
    return [str(pid) for pid in selected]


def _check_values(
    name: str, rows: Mapping[str, Row], people: Mapping[str, Row], problems: list[str]
) -> None:
    for pid, row in sorted(rows.items()):
        if pid not in people:
            problems.append(f"{name}: {pid} is not in the previous draw's pool")
            continue
        values = {c: v for c, v in row.items() if c not in ("id", "household")}
        earlier = {c: people[pid].get(c) for c in values}
        if values != earlier:
            problems.append(f"{name}: {pid} has other values than in the previous draw")
