"""Paper letters about the outcome of the draw, made by the worker: to the members (with a
member code to confirm, as the reply code does), to the alternates (with their rank and a
code) and, with the first run, to the volunteers who were not drawn; one PDF and one printing
house's CSV per kind of letter and language (nl, es, en: the language of the reply).

A run makes the letters nobody has had yet: members get ``paper_letter_at`` and their new
code's HMAC (``code_hash``) when the run's files are written, in one commit, so a failed run
changes nothing. The files hold clear codes: they live in an owner-only folder until the
organiser marks them sent, which deletes them (as the invitation letters are).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections import defaultdict
from datetime import date
from enum import StrEnum
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date

from webapp import lottery, tasks
from webapp.extensions import db
from webapp.files import private_dir
from webapp.invitations import paper
from webapp.members import services
from webapp.models import Answer, Invitation, Jury, Member, MemberStatus, Reply

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "es", "en")
MAKING = "letters.making"  # "queued", then the worker's process id
FAILED = "letters.failed"
QUEUED = "queued"
KIND = {
    MemberStatus.SELECTED: "selected",
    MemberStatus.CONFIRMED: "selected",
    MemberStatus.ALTERNATE: "alternate",
}
ORDER = ("selected", "alternate", "not_selected")


class State(StrEnum):
    READY = "ready"
    MAKING = "making"
    FAILED = "failed"
    NONE = "none"


class Refused(Exception):
    """A run cannot start: ``reason`` is ``making``, ``nobody`` or ``settings`` (then
    ``missing`` lists the letter settings without a value)."""

    def __init__(self, reason: str, missing: list[paper.Missing] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing or []


def folder(jury: Jury) -> Path:
    base = current_app.config.get("LETTERS_DIR") or Path(current_app.instance_path) / "letters"
    return Path(base) / "members" / str(jury.id)


def state(jury: Jury) -> State:
    here = folder(jury)
    if _alive(here / MAKING):
        return State.MAKING
    if (here / FAILED).exists():
        return State.FAILED
    return State.READY if files(jury) else State.NONE


def _alive(marker: Path) -> bool:
    try:
        text = marker.read_text()
        if text == QUEUED:
            return True
        os.kill(int(text), 0)  # signal 0: only asks whether the process exists
    except (OSError, ValueError):
        return False
    return True


def files(jury: Jury) -> list[str]:
    """The letter files ready to download (names), in run, kind and language order."""
    here = folder(jury)
    if not here.is_dir():
        return []
    return sorted(p.name for p in here.iterdir() if p.suffix in (".pdf", ".csv"))


def file_path(jury: Jury, name: str) -> Path | None:
    """A letter file of the jury by its name (only names :func:`files` lists)."""
    return folder(jury) / name if name in files(jury) else None


def _first_run(jury: Jury) -> bool:
    made = sa.select(Member.id).where(
        Member.jury_id == jury.id, Member.paper_letter_at.is_not(None)
    )
    return db.session.scalar(made.limit(1)) is None


def _recipients(jury: Jury) -> list[tuple[Reply, Member | None]]:
    """Members and alternates with no paper letter yet, and (first run only) the volunteers
    who were not drawn; only those with an address on their invitation."""
    members = {m.reply_id: m for m in services.members_of(jury)}
    first = _first_run(jury)
    rows = db.session.execute(
        sa.select(Reply, Invitation.address)
        .join(Invitation, Reply.invitation_id == Invitation.id)
        .where(Reply.jury_id == jury.id, Reply.answer == Answer.YES)
        .order_by(Reply.reference)
    ).all()
    found: list[tuple[Reply, Member | None]] = []
    for reply, address in rows:
        if not _lines(address):
            continue
        member = members.get(reply.id)
        if member is not None:
            if member.status in KIND and member.paper_letter_at is None:
                found.append((reply, member))
        elif first:
            found.append((reply, None))
    return found


def _lines(address: object) -> list[str]:
    lines = address.get("lines") if isinstance(address, dict) else None
    return [str(line) for line in lines or [] if str(line).strip()]


def _language(reply: Reply) -> str:
    return reply.language if reply.language in LANGUAGES else "en"


def start(jury: Jury) -> None:
    """Queue a letter run for the worker. Raises :class:`Refused`."""
    if not services.has_members(jury):
        raise Refused("nobody")
    if state(jury) == State.MAKING:
        raise Refused("making")
    recipients = _recipients(jury)
    if not recipients:
        raise Refused("nobody")
    languages = sorted({_language(reply) for reply, _member in recipients})
    missing = [m for lang in languages for m in paper.missing(lang) if m.setting != "REPLY_ADDRESS"]
    if missing:
        raise Refused("settings", missing)
    here = private_dir(folder(jury))
    (here / FAILED).unlink(missing_ok=True)
    (here / MAKING).write_text(QUEUED)
    tasks.enqueue(make_letters, jury.id)


@tasks.task
def make_letters(jury_id: int) -> int:
    """The worker's half: the letters of one run (see the module docstring); returns how
    many were made."""
    jury = db.session.get(Jury, jury_id)
    if jury is None:
        return 0
    here = private_dir(folder(jury))
    (here / MAKING).write_text(str(os.getpid()))
    written: list[Path] = []
    try:
        count = _make(jury, here, written)
        db.session.commit()
    except Exception:
        db.session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        log.exception("paper letters of jury %s failed", jury_id)  # ids only
        (here / FAILED).touch()
        count = 0
    finally:
        (here / MAKING).unlink(missing_ok=True)
    log.info("paper letters of jury %s: %s made", jury_id, count)
    return count


def _make(jury: Jury, here: Path, written: list[Path]) -> int:
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    now = services.now()
    for reply, member in _recipients(jury):
        invitation = db.session.get_one(Invitation, reply.invitation_id)
        address = invitation.address or {}
        # The letter goes to the person who replied, by the name they gave (the register's
        # addressee may be someone else in the household); an old reply keeps the addressee.
        addressee = reply.full_name or str(address.get("addressee") or "")
        row = {"addressee": addressee, "reference": reply.reference}
        row.update({f"line_{n}": line for n, line in enumerate(_lines(address), start=1)})
        kind = "not_selected"
        if member is not None:
            kind = KIND[member.status]
            printed, stored = lottery.new_code()
            member.code_hash, member.paper_letter_at = stored, now
            row["code"] = printed
            row["rank"] = str(member.alternate_rank or "")
        groups[(kind, _language(reply))].append(row)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    count = 0
    confirm_url = f"{str(current_app.config['PUBLIC_BASE_URL']).rstrip('/')}/confirm"
    for (kind, lang), rows in sorted(groups.items(), key=lambda g: (ORDER.index(g[0][0]), g[0][1])):
        _same_columns(rows)
        pdf = here / f"{stamp}-{kind}-{lang}.pdf"
        printer = here / f"{stamp}-{kind}-{lang}.csv"
        written += [pdf, printer]
        count += lottery.write_outcome_letters(
            rows,
            kind=kind,
            lang=lang,
            pdf=pdf,
            printer_csv=printer,
            confirm_url=confirm_url,
            variables=_variables(jury, lang),
        )
    db.session.flush()
    return count


def _same_columns(rows: list[dict[str, str]]) -> None:
    """Every row of one file gets the same address lines (empty ones where an address is
    shorter), as the printer's CSV has one column per line."""
    keys = dict.fromkeys(k for row in rows for k in row)
    for row in rows:
        for key in keys:
            row.setdefault(key, "")


def _variables(jury: Jury, lang: str) -> dict[str, str]:
    with force_locale(lang):
        return {
            "jury_name": jury.name,
            "organiser": paper.setting("ORGANISER_NAME", lang),
            "sitting_dates": paper.sitting_lines(jury) or "-",
            "reply_deadline": format_date(date.today(), "long"),
            "contact": paper.contact(lang),
        }


def mark_sent(jury: Jury) -> bool:
    """The letters are posted: delete the files (they hold clear codes). False while a run
    is being made."""
    if state(jury) == State.MAKING:
        return False
    shutil.rmtree(folder(jury), ignore_errors=True)
    return True
