"""The demo's reply codes: every ``flask demo load`` prints a few codes of unanswered demo
letters, kept in ``instance/demo-codes.txt`` (owner-only). Demo data only: a real batch's codes
exist in clear only in its letter files, until the letters are marked sent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from webapp import lottery
from webapp.codes import CodeNotFound, find_invitation
from webapp.extensions import db
from webapp.invitations import services as invitations
from webapp.models import Invitation, InvitationBatch, InvitationStatus

SHOWN = 3
CODES_FILE = "demo-codes.txt"


def _path() -> Path:
    return Path(current_app.instance_path) / CODES_FILE


def remember(codes: list[str]) -> None:
    """Keep the demo's printable codes in instance/demo-codes.txt, readable by the owner only."""
    path = _path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)  # an older file may have had wider permissions
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("".join(f"{code}\n" for code in codes))


def unused() -> list[str]:
    """The remembered demo codes whose letters are still unanswered, topped up with fresh codes
    for other unanswered letters of the demo's draw (the first) when some have been used. Later
    draws, made by someone trying the app, are never touched."""
    path = _path()
    remembered = path.read_text(encoding="utf-8").split() if path.is_file() else []
    codes, used_ids = [], set()
    for code in remembered:
        try:
            invitation = find_invitation(code)
        except CodeNotFound:
            continue  # another database, or a new CODE_HMAC_KEY
        if invitation.status == InvitationStatus.SENT:
            codes.append(code)
            used_ids.add(invitation.id)
    demo_batch = db.session.scalar(sa.select(sa.func.min(InvitationBatch.id)))
    if len(codes) < SHOWN and demo_batch is not None:
        spare = db.session.scalars(
            sa.select(Invitation.id)
            .where(
                Invitation.batch_id == demo_batch,
                Invitation.status == InvitationStatus.SENT,
                Invitation.id.not_in(used_ids),
            )
            .order_by(Invitation.id.desc())
            .limit(SHOWN - len(codes))
        ).all()
        codes += _new_codes(list(spare))
    if codes != remembered:
        remember(codes)
    return codes


def printed_codes(batch: InvitationBatch) -> list[str]:
    """The codes of the batch's last letters, from its printer's CSV (rows in the order of the
    invitations): the demo's replies leave those letters unanswered."""
    printer = invitations.letter_files(batch)["csv"]
    frame = pd.read_csv(printer, dtype="string", encoding="utf-8-sig")
    return [str(code) for code in frame["code"].tolist()[-SHOWN:]]


def fresh_codes(batch_id: int) -> list[str]:
    """Give the batch's last invitations fresh codes that we can print: the drawn ones exist
    only as HMACs (the demo made no letters)."""
    ids = db.session.scalars(
        sa.select(Invitation.id).filter_by(batch_id=batch_id).order_by(Invitation.id.desc())
    ).all()[:SHOWN]
    return _new_codes(list(ids))


def _new_codes(ids: list[int]) -> list[str]:
    """Fresh codes for these invitations (their old codes stop working)."""
    codes = []
    for invitation_id in ids:
        code, digest = lottery.new_code()
        db.session.execute(
            sa.update(Invitation).where(Invitation.id == invitation_id).values(code_hash=digest)
        )
        codes.append(code)
    return codes
