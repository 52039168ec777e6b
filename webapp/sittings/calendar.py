"""iCalendar feeds (RFC 5545, the `icalendar` library) of the sittings: one per jury, public
(times, place, what is on the agenda; no personal data), and one per member behind a secret
token (a :class:`CalendarLink`, not the reply code), revocable by the member or staff.

Sitting times are naive local times; the feed gives them the municipality's zone
(``BABEL_DEFAULT_TIMEZONE``) with its VTIMEZONE, so calendars abroad show the right hour."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from icalendar import Calendar, Event

from webapp.extensions import db
from webapp.i18n import localised
from webapp.models import CalendarLink, Jury, Member, MemberStatus, Sitting
from webapp.privacy import register_eraser
from webapp.sittings.agenda import KIND_LABELS

PRODID = "-//Kleroterion//Sittings//EN"


def _zone() -> ZoneInfo:
    return ZoneInfo(str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def _host() -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"])
    return base.split("//", 1)[-1].split("/", 1)[0] or "kleroterion"


def uid_of(sitting: Sitting) -> str:
    """Stable across feeds and edits: a calendar updates the event instead of adding one."""
    return f"sitting-{sitting.id}@{_host()}"


def description(sitting: Sitting) -> str:
    """The proposals, the agenda and the venue's access notes, in the page's language."""
    jury = sitting.jury
    lines = [p.title for p in sitting.proposals]
    for item in sitting.agenda:
        title = localised(item.title, jury.language) or str(KIND_LABELS[item.kind])
        lines.append(f"{item.starts_at:%H:%M}-{item.ends_at:%H:%M} {title}")
    if sitting.venue is not None:
        notes = localised(sitting.venue.accessibility, jury.language)
        if notes:
            lines.append(notes)
    return "\n".join(lines)


def _event(sitting: Sitting, zone: ZoneInfo, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid_of(sitting))
    event.add("dtstamp", stamp)
    event.add("dtstart", sitting.starts_at.replace(tzinfo=zone))
    event.add("dtend", sitting.ends_at.replace(tzinfo=zone))
    event.add("summary", sitting.jury.name)
    location = sitting.venue.location if sitting.venue is not None else sitting.place
    if location:
        event.add("location", location)
    text = description(sitting)
    if text:
        event.add("description", text)
    return event


def feed(name: str, sittings: Iterable[Sitting]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    zone, stamp = _zone(), datetime.now(UTC).replace(microsecond=0)
    for sitting in sittings:
        calendar.add_component(_event(sitting, zone, stamp))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def jury_feed(jury: Jury) -> bytes:
    return feed(jury.name, jury.sittings)


def member_feed(member: Member) -> bytes:
    """The sittings of the member's jury while they serve; none after they leave."""
    jury = db.session.get(Jury, member.jury_id)
    assert jury is not None
    serving = member.status in (MemberStatus.SELECTED, MemberStatus.CONFIRMED)
    return feed(jury.name, jury.sittings if serving else ())


def link_of(member: Member) -> CalendarLink | None:
    return db.session.scalar(sa.select(CalendarLink).filter_by(member_id=member.id))


def new_link(member: Member) -> CalendarLink:
    """A fresh secret feed address for the member; the old one stops working."""
    revoke(member)
    link = CalendarLink(member_id=member.id, token=secrets.token_urlsafe(32))
    db.session.add(link)
    db.session.flush()
    return link


def revoke(member: Member) -> bool:
    link = link_of(member)
    if link is None:
        return False
    db.session.delete(link)
    db.session.flush()
    return True


def jury_links(jury: Jury) -> int:
    """How many members of the jury have a calendar address."""
    return len(
        db.session.scalars(
            sa.select(CalendarLink.id).join(Member).where(Member.jury_id == jury.id)
        ).all()
    )


def revoke_all(jury: Jury) -> int:
    """Stop every member's calendar address of the jury (after a leak, say); how many."""
    ids = sa.select(Member.id).where(Member.jury_id == jury.id)
    result = db.session.execute(sa.delete(CalendarLink).where(CalendarLink.member_id.in_(ids)))
    db.session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def member_for_token(token: str) -> Member | None:
    if not 20 <= len(token) <= 64:
        return None
    link = db.session.scalar(sa.select(CalendarLink).filter_by(token=token))
    return link.member if link is not None else None


@register_eraser
def erase_links(reply_ids: Sequence[int]) -> None:
    """Erasure of residents' personal data: their private calendar addresses stop."""
    members = sa.select(Member.id).where(Member.reply_id.in_(reply_ids))
    db.session.execute(
        sa.delete(CalendarLink)
        .where(CalendarLink.member_id.in_(members))
        .execution_options(synchronize_session=False)
    )
