"""The checks of ``verify`` beyond the hashes: the draw, the panels, the probabilities and,
for a replacement, the open quotas. Each problem found is appended as a sentence that names
the file."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping

import sortition
from sortition.audit.alternates import rank as rank_alternates
from sortition.audit.commitment import sha256, software_fingerprint
from sortition.audit.derivation import derive_panel
from sortition.audit.tables import from_csv, read_panels, read_quotas
from sortition.model import Quotas
from sortition.transparent.people import panel_problems
from sortition.transparent.replacement import open_quotas

# Panels named one by one in the problems; the rest are counted.
SHOWN = 10


def check_files(
    files: Mapping[str, bytes],
    commitment: Mapping[str, object],
    record: Mapping[str, object] | None,
    problems: list[str],
    notes: list[str],
) -> int | None:
    """Append every problem found; return the panel number derived again (None when it
    cannot be)."""
    try:
        m, k = int(str(commitment["panels"])), int(str(commitment["k"]))
        quotas = read_quotas(files["quotas.csv"])
        pool = from_csv(files["pool.csv"], "pool.csv")
        panels = read_panels(files["panels.csv"])
    except (KeyError, ValueError, UnicodeDecodeError) as error:
        problems.append(f"the committed files cannot be read: {error}")
        return None
    features = {row["id"]: row for row in pool}
    homes = {row["id"]: row.get("household") or None for row in pool}
    _check_panels(
        panels, m=m, k=k, quotas=quotas, features=features, homes=homes, problems=problems
    )
    _check_probabilities(files, panels, m, set(features), problems)
    _check_software(commitment, notes)
    source = str(commitment.get("randomness_source", "")).strip()
    if source.casefold() in ("", "not stated"):
        notes.append("commitment.json: no source of randomness was announced")
    if commitment.get("replacement"):
        _check_replacement(files, commitment, quotas, k, homes, problems)
    if record is None:
        return None
    return _check_draw(files, commitment, record, panels, m, problems)


def _check_panels(
    panels: Mapping[int, list[str]],
    *,
    m: int,
    k: int,
    quotas: Quotas,
    features: Mapping[str, Mapping[str, str]],
    homes: Mapping[str, str | None],
    problems: list[str],
) -> None:
    if sorted(panels) != list(range(1, m + 1)):
        problems.append(f"panels.csv: the panels are not numbered 1 to {m} (found {len(panels)})")
    broken = []
    for number in sorted(panels):
        found = panel_problems(
            panels[number], k=k, quotas=quotas, features=features, households=homes
        )
        if found:
            broken.append(f"panels.csv: panel {number}: " + "; ".join(found))
    problems.extend(broken[:SHOWN])
    if len(broken) > SHOWN:
        problems.append(f"panels.csv: {len(broken) - SHOWN} more panels break the rules")


def _check_probabilities(
    files: Mapping[str, bytes],
    panels: Mapping[int, list[str]],
    m: int,
    ids: set[str],
    problems: list[str],
) -> None:
    try:
        rows = from_csv(files["probabilities.csv"], "probabilities.csv", ["id", "before", "after"])
        values = {r["id"]: (float(r["before"]), float(r["after"])) for r in rows}
    except (KeyError, ValueError) as error:
        problems.append(f"probabilities.csv: cannot be read ({error})")
        return
    if set(values) != ids:
        problems.append("probabilities.csv: its ids are not those of pool.csv")
    seats = Counter(pid for panel in panels.values() for pid in panel)
    wrong = sorted(pid for pid, (_, after) in values.items() if abs(after - seats[pid] / m) > 1e-9)
    if wrong:
        problems.append(
            f"probabilities.csv: 'after' is not the share of panels for {len(wrong)} "
            f"volunteers (first: {wrong[0]})"
        )
    try:
        report = _object(files["report.json"])
        loss = max([0.0, *(b - a for b, a in values.values())])
        if abs(float(str(report["max_loss"])) - loss) > 1e-9:
            problems.append(f"report.json: max_loss is {report['max_loss']}, the files give {loss}")
    except (KeyError, ValueError) as error:
        problems.append(f"report.json: cannot be read ({error})")


def _check_draw(
    files: Mapping[str, bytes],
    commitment: Mapping[str, object],
    record: Mapping[str, object],
    panels: Mapping[int, list[str]],
    m: int,
    problems: list[str],
) -> int | None:
    expected = sha256(files["commitment.json"])
    try:
        derivation = derive_panel(expected, str(record.get("randomness", "")), m)
    except ValueError as error:
        problems.append(f"draw.json: {error}")
        return None
    for field in ("normalised", "message", "sha256", "panel"):
        if record.get(field) != getattr(derivation, field):
            problems.append(
                f"draw.json: {field} is {record.get(field)!r}, derived again it is "
                f"{getattr(derivation, field)!r}"
            )
    if record.get("selected") != panels.get(derivation.panel):
        problems.append(f"draw.json: 'selected' is not panel {derivation.panel} of panels.csv")
    _check_alternates(
        files, commitment, record, panels.get(derivation.panel) or [], derivation.sha256, problems
    )
    if str(record.get("drawn", "")) < str(commitment.get("created", "")):
        problems.append("draw.json: drawn before the commitment was created")
    return derivation.panel


def _check_alternates(
    files: Mapping[str, bytes],
    commitment: Mapping[str, object],
    record: Mapping[str, object],
    selected: list[str],
    digest: str,
    problems: list[str],
) -> None:
    """The alternates ranked again from the committed pool and the derivation's digest
    (draw.json of format 2 on; format 1 ranked none)."""
    if record.get("format") == "kleroterion-draw/1" and "alternates" not in record:
        return
    try:
        expected = rank_alternates(files, selected, digest, int(str(commitment["k"])))
    except (KeyError, ValueError) as error:
        problems.append(f"draw.json: the alternates cannot be ranked again ({error})")
        return
    found = record.get("alternates")
    if not isinstance(found, list):
        problems.append("draw.json: lists no alternates")
    elif found != list(expected):
        at = next(
            (i for i, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b),
            min(len(found), len(expected)),
        )
        problems.append(
            f"draw.json: 'alternates' differ from the ranking derived again "
            f"(first difference at rank {at + 1})"
        )


def _check_software(commitment: Mapping[str, object], notes: list[str]) -> None:
    software = commitment.get("software")
    if not isinstance(software, dict):
        notes.append("commitment.json names no software")
        return
    here = software_fingerprint()
    if software.get("sha256") != here:
        notes.append(
            f"made with kleroterion {software.get('version')} (source SHA-256 "
            f"{software.get('sha256')}); this verify runs {sortition.__version__} ({here})"
        )


def _check_replacement(
    files: Mapping[str, bytes],
    commitment: Mapping[str, object],
    quotas: Quotas,
    k: int,
    homes: Mapping[str, str | None],
    problems: list[str],
) -> None:
    try:
        basis = commitment["replacement"]
        assert isinstance(basis, dict)
        members = from_csv(files["members.csv"], "members.csv")
        original = read_quotas(files["original_quotas.csv"], "original_quotas.csv")
        original_k = int(str(basis["k"]))
    except (AssertionError, KeyError, ValueError) as error:
        problems.append(f"the replacement's files cannot be read: {error}")
        return
    if len(members) + k != original_k:
        problems.append(
            f"commitment.json: {len(members)} members and {k} open seats do not make {original_k}"
        )
    expected = open_quotas(original, members, k)
    got = [(q.category, q.value, q.min, q.max) for q in quotas]
    if got != [(q.category, q.value, q.min, q.max) for q in expected]:
        problems.append("quotas.csv: not the original quotas less the members' seats")
    member_ids = {row["id"] for row in members}
    if member_ids & set(homes):
        problems.append("pool.csv: holds members who keep their seats")
    member_homes = {row["household"] for row in members if row.get("household")}
    if member_homes & {h for h in homes.values() if h}:
        problems.append("pool.csv: holds housemates of members who keep their seats")


def _object(data: bytes) -> dict[str, object]:
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value
