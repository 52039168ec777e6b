"""The erasure ledger: a file outside the database that remembers every erasure, so that a
restore of a backup made before an erasure does not bring the erased back.

The file (``ERASURE_LEDGER``, default ``instance/erasure-ledger.jsonl``, mode 600) gets one
JSON line per erasure and is only ever appended to. A line holds identifiers without personal
data: the ids of the erased replies, of the juries erased at retention end, and of the
proposals whose author name was erased (with the proposal's source and its id on the
platform, so that a later import of it keeps the name erased). Never a name, an e-mail
address, a reference or a code.

Lines are written when the session commits (``before_commit``): a committed erasure is
always in the ledger. Should the commit then fail, the line stays, and the erasure that was
asked for is applied at the next restore. ``flask restore`` calls :func:`reapply`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import Jury

log = logging.getLogger(__name__)

LEDGER_NAME = "erasure-ledger.jsonl"
REPLIES = "replies"  # erased on request (by reference)
JURY = "jury"  # a jury's personal data at retention end
PROPOSAL_AUTHORS = "proposal-authors"  # author names erased on request
_PENDING = "erasure_ledger"  # session.info key: lines to append at commit


class LedgerError(RuntimeError):
    """The ledger cannot be read; the message names the file and line."""


def ledger_path() -> Path:
    configured = current_app.config.get("ERASURE_LEDGER")
    return Path(configured) if configured else Path(current_app.instance_path) / LEDGER_NAME


def record(kind: str, ids: Sequence[int], *, keys: Sequence[Sequence[object]] = ()) -> None:
    """Note an erasure; it is appended to the ledger when the session commits."""
    if not ids:
        return
    entry: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": kind,
        "ids": sorted(set(ids)),
    }
    if keys:
        entry["keys"] = [list(k) for k in keys]
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


@sa.event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending: list[tuple[str, dict[str, Any]]] = session.info.pop(_PENDING, [])
    by_path: dict[str, list[dict[str, Any]]] = {}
    for path, entry in pending:
        by_path.setdefault(path, []).append(entry)
    for path, entries in by_path.items():
        _append(path, entries)  # an error here aborts the commit: no erasure goes unrecorded


@sa.event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def entries(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The ledger's lines, oldest first (none while nothing was erased)."""
    path = path or ledger_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            kind, ids = entry["kind"], [int(i) for i in entry["ids"]]
        except (ValueError, KeyError, TypeError):
            raise LedgerError(f"{path}, line {number}: not an erasure ledger line") from None
        if kind not in (REPLIES, JURY, PROPOSAL_AUTHORS):
            raise LedgerError(f"{path}, line {number}: unknown kind {kind!r}")
        yield {**entry, "ids": ids}


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


def reapply() -> Reapplied:
    """Apply every erasure of the ledger again (after a restore). Erasing twice changes
    nothing, so this is safe to run at any time. Flushes; the caller commits."""
    from webapp.privacy import services

    erasures = replies = juries = proposals = 0
    for entry in entries():
        erasures += 1
        ids = entry["ids"]
        if entry["kind"] == REPLIES:
            services.erase_replies(ids)
            replies += len(ids)
        elif entry["kind"] == JURY:
            for jury in db.session.scalars(sa.select(Jury).where(Jury.id.in_(ids))):
                services.erase_jury(jury)
                juries += 1
        else:
            proposals += services.erase_proposal_authors(ids)
    db.session.flush()
    return Reapplied(erasures, replies, juries, proposals)
