"""The commitment published before the draw, and the draw itself.

:func:`commit` turns a :class:`~sortition.transparent.TransparentLottery` into the public
files (pseudonymised, see :mod:`sortition.audit.tables`) and ``commitment.json``, which holds
the SHA-256 of each of them and of the software, the announced source of randomness and the
time. The SHA-256 of ``commitment.json`` itself is *the* commitment hash: publish it before
the randomness exists. :func:`draw` then derives the panel number from the randomness
(:mod:`sortition.audit.derivation`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sortition
from sortition.audit.alternates import rank as rank_alternates
from sortition.audit.derivation import Derivation, derive_panel
from sortition.audit.tables import (
    from_csv,
    panels_table,
    pool_table,
    probabilities_table,
    quotas_table,
    read_panels,
    to_csv,
)
from sortition.model import Pool
from sortition.transparent import TransparentLottery, household_labels

COMMITMENT_FORMAT = "kleroterion-commitment/1"
# Version 2 ranks the alternates (sortition.audit.alternates); version 1 did not.
DRAW_FORMAT = "kleroterion-draw/2"
# The files whose SHA-256 the commitment holds, in the order commitment.json lists them.
COMMITTED = ("pool.csv", "quotas.csv", "panels.csv", "probabilities.csv", "report.json")
REPLACEMENT_FILES = ("members.csv", "original_quotas.csv")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: object) -> bytes:
    """JSON as published: sorted keys, two-space indent, UTF-8, one final newline."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


@functools.cache
def software_fingerprint() -> str:
    """SHA-256 over the library's source: the ``sha256sum`` line (``<hash>  <path>``) of every
    ``.py`` file of the ``sortition`` package, paths relative to its parent folder, sorted;
    the same as ``find sortition -name '*.py' | LC_ALL=C sort | xargs sha256sum | sha256sum``
    run in that folder. Computed once per process."""
    package = Path(sortition.__file__).resolve().parent
    paths = sorted(p.relative_to(package.parent).as_posix() for p in package.rglob("*.py"))
    lines = "".join(f"{sha256((package.parent / p).read_bytes())}  {p}\n" for p in paths)
    return sha256(lines.encode())


@dataclass(frozen=True, slots=True)
class Commitment:
    """The public files of one lottery (``files[name]``, ``commitment.json`` among them) and
    the private link from volunteer ids to their pseudonyms (never published).

    ``sha256`` is the commitment hash. ``panels[i]`` is panel number i + 1 in pseudonyms.
    """

    files: Mapping[str, bytes]
    pseudonyms: Mapping[str, str]

    @property
    def sha256(self) -> str:
        return sha256(self.files["commitment.json"])

    @property
    def data(self) -> dict[str, object]:
        loaded: dict[str, object] = json.loads(self.files["commitment.json"])
        return loaded

    @property
    def m(self) -> int:
        return int(str(self.data["panels"]))

    @property
    def panels(self) -> tuple[tuple[str, ...], ...]:
        table = read_panels(self.files["panels.csv"])
        return tuple(tuple(table[n]) for n in range(1, self.m + 1))

    def save(self, folder: Path) -> None:
        """Write every public file and the private ``pseudonyms.csv`` (id,pseudonym) into
        ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (folder / name).write_bytes(data)
        rows = sorted(self.pseudonyms.items())
        (folder / "pseudonyms.csv").write_bytes(to_csv(["id", "pseudonym"], rows))

    @classmethod
    def load(cls, folder: Path) -> Commitment:
        """What :meth:`save` wrote. Raises OSError or ValueError naming a missing or
        malformed file."""
        names = ("commitment.json", *COMMITTED)
        files = {name: (folder / name).read_bytes() for name in names}
        extra = {n: (folder / n).read_bytes() for n in REPLACEMENT_FILES if (folder / n).exists()}
        rows = from_csv(
            (folder / "pseudonyms.csv").read_bytes(), "pseudonyms.csv", ["id", "pseudonym"]
        )
        return cls({**files, **extra}, {r["id"]: r["pseudonym"] for r in rows})


def random_pseudonyms(ids: list[str]) -> dict[str, str]:
    """``V0001``, ``V0002``, ... handed out in a random order (:mod:`secrets`), so that
    neither the pool's order nor the seed reveals who is who."""
    order = list(ids)
    secrets.SystemRandom().shuffle(order)
    width = len(str(len(order)))
    return {pid: f"V{i:0{width}d}" for i, pid in enumerate(order, start=1)}


def commit(
    lottery: TransparentLottery,
    *,
    randomness_source: str,
    pseudonyms: Mapping[str, str] | None = None,
    created: datetime | None = None,
    previous: str | None = None,
) -> Commitment:
    """The commitment to ``lottery``: its public files and ``commitment.json``.

    ``randomness_source`` is the announced source (for example "three dice rolled at the
    public meeting of 12 March"); ``pseudonyms`` maps every id (of the pool, and of the
    seated members of a replacement) to the name it is published under (None: random
    ``V0001``-style names); ``created`` defaults to now (UTC); ``previous`` is the commitment
    hash of the draw a replacement follows.
    """
    if not randomness_source.strip():
        raise ValueError("announce the source of randomness before committing")
    basis = lottery.replacement
    everyone = [*lottery.pool.people, *(basis.members if basis else ())]
    names = (
        dict(pseudonyms) if pseudonyms is not None else random_pseudonyms([p.id for p in everyone])
    )
    missing = [p.id for p in everyone if p.id not in names]
    if missing:
        raise ValueError(f"{len(missing)} volunteers have no pseudonym (first: {missing[0]})")
    if len(set(names[p.id] for p in everyone)) != len(everyone):
        raise ValueError("two volunteers share a pseudonym")
    homes = household_labels(Pool(tuple(everyone)))
    categories = lottery.quotas.categories
    files = {
        "pool.csv": pool_table(lottery.pool, categories, pseudonyms=names, households=homes),
        "quotas.csv": quotas_table(lottery.quotas),
        "panels.csv": panels_table([[names[pid] for pid in panel] for panel in lottery.panels]),
        "probabilities.csv": probabilities_table(lottery.before, lottery.after, names),
        "report.json": canonical_json(lottery.report.as_dict()),
    }
    replacement: dict[str, object] | None = None
    if basis is not None:
        files["members.csv"] = pool_table(
            basis.members, categories, pseudonyms=names, households=homes
        )
        files["original_quotas.csv"] = quotas_table(basis.quotas)
        replacement = {"k": basis.k, "previous": previous}
    stamp = (created or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    data = {
        "format": COMMITMENT_FORMAT,
        "created": stamp.replace("+00:00", "Z"),
        "k": lottery.k,
        "panels": lottery.m,
        "pool_size": len(lottery.pool),
        "randomness_source": randomness_source.strip(),
        "derivation": "panel = int(sha256(commitment_sha256 + ':' + normalised randomness), 16)"
        " % panels + 1; see docs/transparent-lottery.md",
        "sha256": {name: sha256(data) for name, data in files.items()},
        "software": {
            "name": "kleroterion",
            "version": sortition.__version__,
            "sha256": software_fingerprint(),
        },
        "replacement": replacement,
    }
    return Commitment({"commitment.json": canonical_json(data), **files}, names)


@dataclass(frozen=True, slots=True)
class Draw:
    """The outcome of :func:`draw`: the derivation, the panel in pseudonyms and in ids, the
    alternates in calling order (pseudonyms and ids), and ``draw.json`` (public) as
    published."""

    derivation: Derivation
    pseudonyms: tuple[str, ...]
    ids: tuple[str, ...]
    drawn: str
    record: bytes
    alternates: tuple[str, ...] = ()
    alternate_ids: tuple[str, ...] = ()

    @property
    def panel(self) -> int:
        return self.derivation.panel


def draw(commitment: Commitment, randomness: str, *, drawn: datetime | None = None) -> Draw:
    """Derive the panel number from ``randomness``, name its members and rank the
    alternates (:mod:`sortition.audit.alternates`). Raises ValueError when the randomness is
    empty."""
    derivation = derive_panel(commitment.sha256, randomness, commitment.m)
    chosen = commitment.panels[derivation.panel - 1]
    k = int(str(commitment.data["k"]))
    alternates = rank_alternates(commitment.files, chosen, derivation.sha256, k)
    by_name = {name: pid for pid, name in commitment.pseudonyms.items()}
    stamp = (drawn or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    stamp = stamp.replace("+00:00", "Z")
    record = canonical_json(
        {
            "format": DRAW_FORMAT,
            "commitment_sha256": derivation.commitment_sha256,
            "randomness": derivation.randomness,
            "normalised": derivation.normalised,
            "message": derivation.message,
            "sha256": derivation.sha256,
            "panels": derivation.panels,
            "panel": derivation.panel,
            "drawn": stamp,
            "selected": list(chosen),
            "alternates": list(alternates),
        }
    )
    ids = tuple(sorted(by_name[name] for name in chosen))
    alternate_ids = tuple(by_name[name] for name in alternates)
    return Draw(derivation, chosen, ids, stamp, record, alternates, alternate_ids)
