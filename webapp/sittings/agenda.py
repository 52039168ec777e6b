"""The agenda of a sitting: timed items that lie inside the sitting and overlap no other item.
Functions flush; the request commits; a problem is a :class:`SittingProblem` naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import AgendaItem, AgendaKind, Sitting
from webapp.sittings.services import SittingProblem

KIND_LABELS = {
    AgendaKind.WELCOME: _l("Welcome"),
    AgendaKind.PROPOSER: _l("The proposer"),
    AgendaKind.EXPERTS: _l("Experts"),
    AgendaKind.TABLE_ROUND: _l("Table round"),
    AgendaKind.PLENARY_VOTE: _l("Plenary vote"),
    AgendaKind.BREAK: _l("Break"),
    AgendaKind.OTHER: _l("Other"),
}


def _hm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def check_fits(
    sitting: Sitting, starts_at: datetime, minutes: int, *, except_id: int | None = None
) -> None:
    """:class:`SittingProblem` unless [starts_at, starts_at + minutes) lies inside the sitting
    and shares no time with another item of its agenda."""
    ends_at = starts_at + timedelta(minutes=minutes)
    if minutes <= 0:
        raise SittingProblem("minutes", str(_l("Give a duration of at least one minute.")))
    if starts_at < sitting.starts_at or starts_at >= sitting.ends_at:
        raise SittingProblem(
            "starts_at",
            str(
                _l(
                    "Start between %(start)s and %(end)s, while the sitting runs.",
                    start=_hm(sitting.starts_at),
                    end=_hm(sitting.ends_at),
                )
            ),
        )
    if ends_at > sitting.ends_at:
        raise SittingProblem(
            "minutes",
            str(
                _l(
                    "This item would end at %(time)s, after the sitting ends at %(end)s.",
                    time=_hm(ends_at),
                    end=_hm(sitting.ends_at),
                )
            ),
        )
    for item in sitting.agenda:
        if item.id != except_id and item.starts_at < ends_at and item.ends_at > starts_at:
            raise SittingProblem(
                "starts_at",
                str(
                    _l(
                        "This item overlaps the item from %(start)s to %(end)s.",
                        start=_hm(item.starts_at),
                        end=_hm(item.ends_at),
                    )
                ),
            )


def at_time(sitting: Sitting, hours: int, minutes: int) -> datetime:
    """The moment on the sitting's day (a time typed into the agenda form)."""
    return sitting.starts_at.replace(hour=hours, minute=minutes, second=0, microsecond=0)


def add_item(
    sitting: Sitting,
    *,
    kind: AgendaKind,
    starts_at: datetime,
    minutes: int,
    title: Mapping[str, str],
) -> AgendaItem:
    check_fits(sitting, starts_at, minutes)
    item = AgendaItem(
        kind=kind,
        starts_at=starts_at,
        minutes=minutes,
        title={k: v.strip() for k, v in title.items() if v.strip()},
    )
    sitting.agenda.append(item)
    db.session.flush()
    sitting.agenda.sort(key=lambda i: (i.starts_at, i.id))
    return item


def update_item(
    item: AgendaItem,
    *,
    kind: AgendaKind,
    starts_at: datetime,
    minutes: int,
    title: Mapping[str, str],
) -> None:
    check_fits(item.sitting, starts_at, minutes, except_id=item.id)
    item.kind, item.starts_at, item.minutes = kind, starts_at, minutes
    item.title = {k: v.strip() for k, v in title.items() if v.strip()}
    db.session.flush()
    item.sitting.agenda.sort(key=lambda i: (i.starts_at, i.id))


def sitting_item(sitting: Sitting, item_id: int) -> AgendaItem | None:
    return next((i for i in sitting.agenda if i.id == item_id), None)


def remove_item(sitting: Sitting, item_id: int) -> bool:
    item = sitting_item(sitting, item_id)
    if item is None:
        return False
    sitting.agenda.remove(item)
    db.session.flush()
    return True


def next_free(sitting: Sitting) -> datetime:
    """Where a new item would go: after the last one, or at the sitting's start."""
    return max((i.ends_at for i in sitting.agenda), default=sitting.starts_at)
