"""Where the reports find the selection's outcome: the references of the selected and of the
confirmed members, and every volunteer's selection probability.

The selection job and the members' statuses are built beside this report (issue 11, items 3 to
7). Until they store their outcome, these return None and the report says that the figures are
not there yet; each is the one place to read that outcome from when it exists.
"""

from __future__ import annotations

from collections.abc import Sequence

from webapp.models import Jury


def selected_references(jury: Jury) -> Sequence[str] | None:
    """Reply references of the members drawn (selected, confirmed, declined or withdrawn)."""
    return _stored(jury, "selected")


def confirmed_references(jury: Jury) -> Sequence[str] | None:
    """Reply references of the members who confirmed."""
    return _stored(jury, "confirmed")


def selection_probabilities(jury: Jury) -> Sequence[float] | None:
    """Every volunteer's probability of selection in the lottery that was drawn from."""
    found = _stored(jury, "probabilities")
    return [float(p) for p in found] if found is not None else None


def _stored(jury: Jury, name: str) -> list[str] | None:
    # Nothing stores a selection outcome yet: see the module docstring.
    del jury, name
    return None
