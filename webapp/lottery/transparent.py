"""The transparent lottery for the web app: compute and commit (the worker), draw with the
public randomness, the audit bundle and its verification.

The committed files (``commitment.json``, ``pool.csv``, ``quotas.csv``, ``panels.csv``, ...)
are UTF-8 text; :class:`Committed` carries them as ``str`` so the web app can store them in
the database, with the private map from reply references to the pseudonyms they are
published under.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sortition import InfeasibleQuotas, SolverError
from sortition.audit import Commitment, commit, draw, make_bundle, verify_bundle
from sortition.transparent import TransparentLottery, replacement_lottery, transparent_lottery
from webapp.lottery.selection import (
    Infeasible,
    QuotaLike,
    SelectionFailed,
    Volunteer,
    infeasible,
    to_pool,
    to_quotas,
)

Progress = Callable[[str, float | None], None]


@dataclass(frozen=True, slots=True)
class Committed:
    """A computed lottery and its commitment: ``files`` (name -> text, public),
    ``pseudonyms`` (reference -> pseudonym, private), ``sha256`` (the commitment hash) and
    ``report`` (the lottery's figures: panels, max_loss, bound, method, ...)."""

    files: Mapping[str, str]
    pseudonyms: Mapping[str, str]
    sha256: str
    report: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Drawn:
    """The outcome of the draw: the panel number, the references and pseudonyms drawn, the
    alternates in calling order (references and pseudonyms; ranked from the same randomness,
    see :mod:`sortition.audit.alternates`), and ``draw.json`` as published."""

    panel: int
    references: tuple[str, ...]
    pseudonyms: tuple[str, ...]
    record: str
    derivation: Mapping[str, Any]
    alternates: tuple[str, ...] = ()
    alternate_pseudonyms: tuple[str, ...] = ()


@contextmanager
def _engine_errors() -> Iterator[None]:
    """The library's errors as the web app's: :class:`Infeasible` (which quota, by how much)
    or :class:`SelectionFailed` (the solver gave up; no seat open; a member left the pool)."""
    try:
        yield
    except InfeasibleQuotas as exc:
        raise infeasible(exc) from exc
    except (SolverError, ValueError) as exc:
        raise SelectionFailed(str(exc)) from exc


def _committed(
    lottery: TransparentLottery,
    source: str,
    previous: str | None,
    names: Mapping[str, str] | None = None,
) -> Committed:
    commitment = commit(lottery, randomness_source=source, previous=previous, pseudonyms=names)
    return Committed(
        files={name: data.decode("utf-8") for name, data in commitment.files.items()},
        pseudonyms=dict(commitment.pseudonyms),
        sha256=commitment.sha256,
        report=lottery.report.as_dict(),
    )


def compute(
    people: Sequence[Volunteer],
    quotas: Sequence[QuotaLike],
    k: int,
    *,
    panels: int,
    source: str,
    progress: Progress,
    time_limit: float | None = None,
) -> Committed:
    """The LEXIMIN lottery rounded to ``panels`` panels, committed with the announced
    ``source`` of randomness. Raises :class:`Infeasible` or :class:`SelectionFailed`."""
    with _engine_errors():
        lottery = transparent_lottery(
            to_pool(people),
            to_quotas(quotas),
            k,
            panels=panels,
            time_limit=time_limit,
            progress=progress,
        )
    return _committed(lottery, source, None)


def compute_replacement(
    people: Sequence[Volunteer],
    quotas: Sequence[QuotaLike],
    k: int,
    *,
    members: Collection[str],
    exclude: Collection[str],
    panels: int,
    source: str,
    progress: Progress,
    previous: str | None,
    previous_pseudonyms: Mapping[str, str],
    time_limit: float | None = None,
) -> Committed:
    """The lottery for the seats of a panel of ``k`` that ``members`` leave open, from the
    volunteers minus ``exclude`` (and the members' housemates), committed like the first
    under the previous draw's pseudonyms (so that ``sortition verify --previous`` can compare
    the two bundles); volunteers who replied since get new ones."""
    pool = to_pool(people)
    with _engine_errors():
        lottery = replacement_lottery(
            pool,
            to_quotas(quotas),
            k,
            members=members,
            exclude=exclude,
            panels=panels,
            time_limit=time_limit,
            progress=progress,
        )
    return _committed(lottery, source, previous, _extended(previous_pseudonyms, pool.ids))


def _extended(names: Mapping[str, str], ids: Sequence[str]) -> dict[str, str]:
    """``names`` plus a fresh pseudonym (``N0001``, ... in a random order) for every id it
    lacks."""
    newcomers = [pid for pid in ids if pid not in names]
    secrets.SystemRandom().shuffle(newcomers)
    return {**names, **{pid: f"N{i:04d}" for i, pid in enumerate(newcomers, start=1)}}


def _commitment(files: Mapping[str, str], pseudonyms: Mapping[str, str]) -> Commitment:
    return Commitment({n: t.encode("utf-8") for n, t in files.items()}, dict(pseudonyms))


def draw_panel(
    files: Mapping[str, str],
    pseudonyms: Mapping[str, str],
    randomness: str,
    *,
    drawn: datetime | None = None,
) -> Drawn:
    """Derive the panel number from ``randomness`` (the documented derivation) and name the
    panel. Raises ValueError when the randomness is empty."""
    result = draw(_commitment(files, pseudonyms), randomness, drawn=drawn)
    d = result.derivation
    return Drawn(
        panel=result.panel,
        references=result.ids,
        pseudonyms=result.pseudonyms,
        record=result.record.decode("utf-8"),
        derivation={"normalised": d.normalised, "sha256": d.sha256, "panels": d.panels},
        alternates=result.alternate_ids,
        alternate_pseudonyms=result.alternates,
    )


def bundle(
    files: Mapping[str, str], pseudonyms: Mapping[str, str], randomness: str, drawn: datetime
) -> bytes:
    """The audit bundle (zip) of a drawn lottery; the same bytes every time."""
    commitment = _commitment(files, pseudonyms)
    return make_bundle(commitment, draw(commitment, randomness, drawn=drawn))


def verify(data: bytes) -> tuple[bool, tuple[str, ...]]:
    """``sortition verify`` on a bundle's bytes: (everything holds, the problems)."""
    result = verify_bundle(data)
    return result.ok, result.problems


__all__ = ["Committed", "Drawn", "Infeasible", "SelectionFailed"]
