"""The erasure ledger: a file outside the database that remembers every erasure, so that a
restore of a backup made before an erasure does not bring the erased back.

The file (``ERASURE_LEDGER``, default ``instance/erasure-ledger.jsonl``, mode 600) gets one
JSON line per erasure and is only ever appended to. A line holds identifiers without personal
data: the ids of the erased replies, of the juries erased at retention end, and of the
proposals whose author name was erased (with the proposal's source and its id on the
platform, so that a later import of it keeps the name erased). Never a name, an e-mail
address, a reference or a code. An erasure on request from the staff page adds a ``record``
line: the jury, the staff member's user id, the counts and a key, so that a restore brings
its record (``erasures``) back too.

Lines are written when the session commits (``before_commit``): a committed erasure is
always in the ledger. Should the commit then fail, the line stays, and the erasure that was
asked for is applied at the next restore. ``flask restore`` calls :func:`reapply`.

The database remembers the ledger's length and hash (:class:`State`, in
``erasure_ledger_state``) in the same transaction, and so does every backup of it. A ledger
shorter than that, or whose first lines differ, is an older copy put back over the current
one: :func:`behind` says so, and restore, reapply and the scrub of backups refuse to go on.
An erasure is refused too (fail closed: appended to the older copy, it would be lost when the
newest copy is put back); the daily run logs the problem until it is fixed.
After each commit that wrote to the ledger the worker rewrites the backups
(:mod:`webapp.privacy.scrub`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import orm
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import Jury, User
from webapp.models.privacy import Erasure, LedgerState

log = logging.getLogger(__name__)

LEDGER_NAME = "erasure-ledger.jsonl"
REPLIES = "replies"  # erased on request (by reference)
JURY = "jury"  # a jury's personal data at retention end
PROPOSAL_AUTHORS = "proposal-authors"  # author names erased on request
RECORD = "record"  # the staff page's record of an erasure on request (ids: the jury)
ERASING = (REPLIES, JURY, PROPOSAL_AUTHORS)
_PENDING = "erasure_ledger"  # session.info key: lines to append at commit
_WRITTEN = "erasure_ledger_written"  # session.info key: the commit wrote to the ledger


class LedgerError(RuntimeError):
    """The ledger cannot be read; the message names the file and line."""


def ledger_path() -> Path:
    configured = current_app.config.get("ERASURE_LEDGER")
    return Path(configured) if configured else Path(current_app.instance_path) / LEDGER_NAME


def record(
    kind: str,
    ids: Sequence[int],
    *,
    keys: Sequence[Sequence[object]] = (),
    audit: Mapping[str, object] | None = None,
    at: datetime | None = None,
) -> None:
    """Note an erasure; it is appended to the ledger when the session commits. ``audit``:
    the record of a :data:`RECORD` line (ids only); ``at``: its time (UTC), default now."""
    if not ids:
        return
    when = at.replace(tzinfo=UTC) if at is not None else datetime.now(UTC)
    entry: dict[str, Any] = {
        "at": when.isoformat(timespec="seconds"),
        "kind": kind,
        "ids": sorted(set(ids)),
    }
    if keys:
        entry["keys"] = [list(k) for k in keys]
    if audit is not None:
        entry["record"] = dict(audit)
    db.session.info.setdefault(_PENDING, []).append((str(ledger_path()), entry))


def _append(path: str, entries: list[dict[str, Any]]) -> None:
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        payload = "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries)
        os.write(fd, payload.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class State:
    """How many lines the ledger had, and the SHA-256 of those lines' bytes."""

    lines: int
    digest: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The ledger as read at one moment: its erasures and its state."""

    path: Path
    entries: tuple[dict[str, Any], ...]
    state: State
    raw: tuple[bytes, ...]  # the lines as written, for the hash of a prefix

    def prefix(self, lines: int) -> State:
        return _state_of_lines(self.raw[:lines])


def _state_of_lines(raw: Sequence[bytes]) -> State:
    return State(len(raw), hashlib.sha256(b"".join(raw)).hexdigest())


def read(path: Path | None = None, *, parse: bool = True) -> Snapshot:
    """The ledger's lines, oldest first, read once (an empty ledger while nothing was
    erased). Raises :class:`LedgerError` naming the file and line of a damaged line.
    ``parse=False``: its state only (its entries stay empty)."""
    path = path or ledger_path()
    try:
        raw = tuple(path.read_bytes().splitlines(keepends=True))
    except FileNotFoundError:
        raw = ()
    found = []
    for number, line in enumerate(raw if parse else (), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            kind, ids = entry["kind"], [int(i) for i in entry["ids"]]
        except (ValueError, KeyError, TypeError):
            raise LedgerError(f"{path}, line {number}: not an erasure ledger line") from None
        if kind not in (*ERASING, RECORD):
            raise LedgerError(f"{path}, line {number}: unknown kind {kind!r}")
        if kind == RECORD and not isinstance(entry.get("record"), dict):
            raise LedgerError(f"{path}, line {number}: a record line without its record")
        found.append({**entry, "ids": ids})
    return Snapshot(path, tuple(found), _state_of_lines(raw), raw)


def state_of(path: Path) -> State:
    """The ledger's length and hash, without reading its lines as erasures."""
    return read(path, parse=False).state


def behind(known: State | None, snapshot: Snapshot, *, what: str) -> str | None:
    """Why the ledger is older than what ``what`` (the database, a backup) knew of it, or None
    when it holds all of that. ``known`` None: nothing known (a schema before the state)."""
    if known is None or known.lines == 0:
        return None
    has = len(snapshot.raw)
    if has < known.lines:
        return (
            f"the erasure ledger {snapshot.path} has {has} lines, but {what} knew of "
            f"{known.lines}: an older copy of the ledger was put back"
        )
    if snapshot.prefix(known.lines) != known:
        return (
            f"the first {known.lines} lines of the erasure ledger {snapshot.path} are not those "
            f"{what} knew of: it is another ledger, or it was edited"
        )
    return None


def database_state() -> State | None:
    """What the app's database knows of the ledger (None before the migration that keeps
    it, or when the database is empty). Reads on a connection of its own."""
    with db.engine.connect() as connection:
        if not sa.inspect(connection).has_table(LedgerState.__tablename__):
            return None
        row = connection.execute(
            sa.select(LedgerState.lines, LedgerState.digest).where(LedgerState.id == 1)
        ).first()
    return None if row is None else State(int(row.lines), str(row.digest))


def set_database_state(
    session: Session | orm.scoped_session[Any], state: State, *, only_forward: bool
) -> None:
    """Store ``state`` as what the database knows of the ledger. ``only_forward``: never
    lower the count (two erasures committing at once each read the file)."""
    stored = session.scalar(sa.select(LedgerState.lines).where(LedgerState.id == 1))
    if stored is None:
        session.add(LedgerState(id=1, lines=state.lines, digest=state.digest))
        return
    update = sa.update(LedgerState).where(LedgerState.id == 1)
    if only_forward:
        update = update.where(LedgerState.lines < state.lines)
    session.execute(
        update.values(lines=state.lines, digest=state.digest).execution_options(
            synchronize_session=False
        )
    )


@sa.event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending: list[tuple[str, dict[str, Any]]] = session.info.pop(_PENDING, [])
    by_path: dict[str, list[dict[str, Any]]] = {}
    for path, entry in pending:
        by_path.setdefault(path, []).append(entry)
    for path, entries in by_path.items():
        # Fail closed: an erasure appended to an older copy of the ledger would be lost
        # when the newest copy is put back (and hide that erasures were forgotten).
        known = session.execute(
            sa.select(LedgerState.lines, LedgerState.digest).where(LedgerState.id == 1)
        ).first()
        on_file = read(Path(path), parse=False)  # a damaged line stops no erasure
        if known and (why := behind(State(*known), on_file, what="the database")):
            raise LedgerError(f"{why}; the erasure was not made")
        _append(path, entries)  # an error here aborts the commit: no erasure goes unrecorded
        set_database_state(session, state_of(Path(path)), only_forward=True)
        session.info[_WRITTEN] = True


@sa.event.listens_for(Session, "after_commit")
def _scrub_backups_after(session: Session) -> None:
    """An erasure was committed: queue the rewrite of the backups that still hold it."""
    if not session.info.pop(_WRITTEN, False) or not has_app_context():
        return
    from webapp import tasks
    from webapp.privacy.tasks import scrub_backups_task

    try:
        tasks.enqueue(scrub_backups_task)
    except Exception:  # the erasure is committed; the backups wait for the command
        log.exception("could not queue the scrub of the backups: run `privacy scrub-backups`")


@sa.event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_WRITTEN, None)


def entries(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The ledger's lines, oldest first (none while nothing was erased)."""
    yield from read(path).entries


def erased_external_ids(jury_id: int, source: str) -> set[str]:
    """The platform ids of the jury's proposals from ``source`` whose author was erased."""
    found: set[str] = set()
    for entry in entries():
        for key in entry.get("keys") or []:
            if len(key) == 3 and key[0] == jury_id and key[1] == source:
                found.add(str(key[2]))
    return found


@dataclass(frozen=True, slots=True)
class Reapplied:
    erasures: int  # lines of the ledger applied again
    replies: int
    juries: int
    proposals: int
    records: int = 0  # records of erasures on request brought back

    def summary(self) -> str:
        return (
            f"Applied {self.erasures} erasures of the ledger again ({self.replies} replies, "
            f"{self.juries} juries at retention end, {self.proposals} proposal authors); "
            f"brought back {self.records} records of erasures on request."
        )


def reapply(snapshot: Snapshot | None = None) -> Reapplied:
    """Apply every erasure of the ledger again (after a restore), bring back the records of
    erasures on request that the database lacks, and note the ledger's state. Erasing twice
    changes nothing, so this is safe to run at any time. Flushes; the caller commits."""
    from webapp.privacy import services

    snapshot = snapshot or read()
    erasures = replies = juries = proposals = records = 0
    for entry in snapshot.entries:
        ids = entry["ids"]
        if entry["kind"] == RECORD:
            records += _bring_back(entry)
            continue
        erasures += 1
        if entry["kind"] == REPLIES:
            services.erase_replies(ids)
            replies += len(ids)
        elif entry["kind"] == JURY:
            for jury in db.session.scalars(sa.select(Jury).where(Jury.id.in_(ids))):
                services.erase_jury(jury)
                juries += 1
        else:
            proposals += services.erase_proposal_authors(ids)
    set_database_state(db.session, snapshot.state, only_forward=False)
    db.session.flush()
    return Reapplied(erasures, replies, juries, proposals, records)


def _bring_back(entry: Mapping[str, Any]) -> int:
    """Add the record of a :data:`RECORD` line unless the database has it; 1 if added. Its
    staff member is kept if the database knows them (else "a former colleague")."""
    audit, jury_id = entry["record"], entry["ids"][0]
    key = str(audit["key"])
    if db.session.scalar(sa.select(Erasure.id).where(Erasure.ledger_key == key)) is not None:
        return 0
    if db.session.get(Jury, jury_id) is None:
        return 0  # the jury is not in this backup: neither is what was erased
    user_id = audit.get("user")
    if user_id is not None and db.session.get(User, int(user_id)) is None:
        user_id = None
    at = datetime.fromisoformat(str(entry["at"])).astimezone(UTC).replace(tzinfo=None)
    db.session.add(
        Erasure(
            jury_id=jury_id,
            user_id=user_id,
            replies=int(audit.get("replies", 0)),
            proposals=int(audit.get("proposals", 0)),
            created_at=at,
            ledger_key=key,
        )
    )
    return 1
