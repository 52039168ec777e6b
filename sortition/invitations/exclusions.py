"""Households that must not be invited: past members, people who opted out.

An exclusion file is a CSV or XLSX with the register's id column, or its household (address)
columns, or both. A household is excluded when any of its rows has an excluded id, or when its
address (compared as the register compares addresses) is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from sortition.errors import InputErrors, InputProblem
from sortition.register import Register, normalised_key, read_table

__all__ = ["Exclusions", "excluded_households", "read_exclusions"]


@dataclass(frozen=True, slots=True)
class Exclusions:
    """The ids and normalised addresses to leave out, and the file they came from."""

    source: str
    sha256: str
    ids: frozenset[str]
    addresses: frozenset[str]


def read_exclusions(path: str | Path, *, register: Register) -> Exclusions:
    """Read an exclusion file that matches ``register``'s id or household columns.

    Raises :class:`InputErrors` if the file has neither the id column nor all household columns.
    """
    source = Path(path).name
    sha256, frame = read_table(path)
    has_ids = register.id_column is not None and register.id_column in frame.columns
    columns = register.household_columns
    has_addresses = bool(columns) and all(c in frame.columns for c in columns)
    if not (has_ids or has_addresses):
        wanted = [register.id_column] if register.id_column else []
        if columns:
            wanted.append(" + ".join(columns))
        expected = " or ".join(map(repr, wanted)) or "an id or address column (none given)"
        raise InputErrors(
            [InputProblem(source, 1, None, f"an exclusion file needs the column {expected}")]
        )
    ids: frozenset[str] = frozenset()
    if has_ids and register.id_column is not None:
        ids = frozenset(frame[register.id_column].str.strip()) - {""}
    addresses: frozenset[str] = frozenset()
    if has_addresses:
        blank = "\x1f".join([""] * len(columns))
        addresses = frozenset(normalised_key(frame, columns)) - {blank}
    return Exclusions(source=source, sha256=sha256, ids=ids, addresses=addresses)


def excluded_households(register: Register, exclusions: Exclusions) -> npt.NDArray[np.bool_]:
    """A mask over ``register``'s households: True where the household must not be invited."""
    rows = np.zeros(len(register.frame), dtype=bool)
    if exclusions.ids and register.id_column is not None:
        ids = register.frame[register.id_column]
        rows |= ids.isin(exclusions.ids).to_numpy(dtype=bool)
    if exclusions.addresses and register.household_columns:
        key = normalised_key(register.frame, register.household_columns)
        rows |= key.isin(exclusions.addresses).to_numpy(dtype=bool)
    mask = np.zeros(register.households, dtype=bool)
    mask[register.household_of_row[rows]] = True
    return mask
