"""The alternates of a drawn panel, ranked from the public randomness so anyone can rank them
again.

Once the panel number is derived, the alternates are ranked by the documented replacement rule
(:func:`sortition.solver.draw.rank_alternates`: in two rounds, every member of the drawn panel,
in a random order, gets a *shadow*, a remaining volunteer with the same quota values, else
the one sharing the most; housemates of members are left out), with all its randomness from
Python's ``random.Random`` seeded with the text ``"<draw sha256>:alternates"`` (the digest of
the derivation, see :mod:`sortition.audit.derivation`). Everything it reads is committed
(``pool.csv``: pseudonyms, households, quota values; ``quotas.csv``) or public (the
randomness), so ``sortition verify`` ranks them again and compares. Calling the alternates in
this order when a member declines keeps the quotas wherever the pool allows it.

``draw.json`` lists the first ``ALTERNATES_PER_SEAT * k`` of them (``alternates``, pseudonyms,
rank order).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from sortition.audit.tables import from_csv, read_quotas
from sortition.model import Person, Pool, Quotas
from sortition.solver.draw import rank_alternates

ALTERNATES_PER_SEAT = 2


def published_pool(files: Mapping[str, bytes]) -> tuple[Pool, Quotas]:
    """The committed pool (pseudonyms as ids, household labels, quota values) and quotas.
    Raises KeyError or ValueError when a file is missing or malformed."""
    quotas = read_quotas(files["quotas.csv"])
    rows = from_csv(files["pool.csv"], "pool.csv")
    people = tuple(
        Person(
            row["id"],
            {c: row[c] for c in quotas.categories if row.get(c)},
            row.get("household") or None,
        )
        for row in rows
    )
    return Pool(people), quotas


def rank(
    files: Mapping[str, bytes], selected: Sequence[str], digest: str, k: int
) -> tuple[str, ...]:
    """The alternates (pseudonyms, in calling order) of the panel ``selected`` (pseudonyms)
    drawn with the derivation digest ``digest``: at most ``ALTERNATES_PER_SEAT * k``."""
    pool, quotas = published_pool(files)
    rng = random.Random(f"{digest}:alternates")
    ranked = rank_alternates(pool, quotas, list(selected), rng=rng)
    return ranked[: ALTERNATES_PER_SEAT * k]
