"""Stage 1: staging an uploaded register, the allocation preview, the draw and the letters.

Codes leave the server only in the letters PDF and the printer's CSV under
``instance/letters/<batch-id>/``; the database keeps their HMAC. Those files are deleted when
the organiser marks the letters as sent. Functions flush; the request commits, so a failed
draw stores nothing.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from webapp import lottery
from webapp.database import utcnow
from webapp.extensions import db
from webapp.files import open_private, private_dir
from webapp.invitations import letters, paper
from webapp.models import Invitation, InvitationBatch, Jury, User

ALLOWED_SUFFIXES = (".csv", ".xlsx")
UPLOAD_MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class LettersRefused(Exception):
    """Letters would break their promises: a setting they need is missing."""

    def __init__(self, missing: list[paper.Missing]) -> None:
        super().__init__(", ".join(m.setting for m in missing))
        self.missing = missing


def check_letters(language: str) -> None:
    """Raise :class:`LettersRefused` while a setting that letters in ``language`` need is
    missing (the sender, the phone number, the return address)."""
    missing = paper.missing(language)
    if missing:
        raise LettersRefused(missing)


class UploadRefused(ValueError):
    """The uploaded file is not a register we can read (type or size)."""


@dataclass(frozen=True, slots=True)
class Staged:
    token: str
    path: Path
    filename: str


@dataclass(frozen=True, slots=True)
class DrawRequest:
    columns: lottery.RegisterColumns
    n: int
    weights_text: str
    seed_text: str
    language: str


def _uploads_dir(jury: Jury) -> Path:
    base = current_app.config.get("UPLOADS_DIR") or Path(current_app.instance_path) / "uploads"
    return Path(base) / str(jury.id)


def letters_dir(batch: InvitationBatch) -> Path:
    base = current_app.config.get("LETTERS_DIR") or Path(current_app.instance_path) / "letters"
    return Path(base) / str(batch.id)


def stage_upload(jury: Jury, upload: FileStorage) -> Staged:
    """Keep an uploaded register until the draw (or until it is replaced).

    Raises :class:`UploadRefused` if it is not a .csv or .xlsx file, or is too large."""
    _forget_old_uploads(jury)
    filename = secure_filename(upload.filename or "") or "register.csv"
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRefused("type")
    token = secrets.token_urlsafe(24)
    folder = _uploads_dir(jury) / token
    private_dir(folder)
    path = folder / filename
    with open_private(path) as handle:
        upload.save(handle)
    if path.stat().st_size > int(current_app.config["MAX_REGISTER_BYTES"]):
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadRefused("size")
    return Staged(token=token, path=path, filename=filename)


def _forget_old_uploads(jury: Jury) -> None:
    """Registers hold personal data: one left without a draw is deleted after a day."""
    folder = _uploads_dir(jury)
    limit = time.time() - UPLOAD_MAX_AGE_SECONDS
    for staged_dir in folder.iterdir() if folder.is_dir() else ():
        if staged_dir.stat().st_mtime < limit:
            shutil.rmtree(staged_dir, ignore_errors=True)


def staged(jury: Jury, token: str) -> Staged | None:
    """The staged register behind ``token``, or None if there is none (or it is gone)."""
    if not TOKEN.match(token):
        return None
    folder = _uploads_dir(jury) / token
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    if len(files) != 1:
        return None
    return Staged(token=token, path=files[0], filename=files[0].name)


def discard(upload: Staged) -> None:
    shutil.rmtree(upload.path.parent, ignore_errors=True)


def preview(upload: Staged, request: DrawRequest) -> list[tuple[str, int, int]]:
    """(district, households, letters). Raises :class:`lottery.InputErrors`."""
    register = lottery.read_register_file(upload.path, request.columns, name=upload.filename)
    weights = _weights(request)
    return lottery.allocation_preview(register, request.n, weights=weights)


WEIGHTS = "weights"  # the source named in problems with the weights text


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


def guess_district_column(upload: Staged, jury: Jury) -> str | None:
    """The register column whose values match the jury's districts best (most of them found,
    then fewest other values); None when no column holds any of them. Reads the first rows
    only. Raises :class:`lottery.InputErrors` if the file cannot be read."""
    districts = {_key(d) for d in jury.districts}
    if not districts:
        return None
    samples = lottery.sample_values(upload.path, name=upload.filename)
    scored = []
    for column, values in samples.items():
        keys = {_key(v) for v in values if v.strip()}
        found = len(keys & districts)
        if found:
            scored.append((-found, len(keys - districts), column))
    return min(scored)[2] if scored else None


@dataclass(frozen=True, slots=True)
class DistrictCheck:
    """How the districts in the chosen column compare with the jury's districts."""

    register: int  # distinct districts in the register's column
    jury: int  # the jury's districts
    unknown: tuple[str, ...]  # in the register, not among the jury's districts
    absent: tuple[str, ...]  # the jury's districts that the register does not have

    @property
    def matches(self) -> bool:
        return not self.unknown and not self.absent


def check_districts(allocation: list[tuple[str, int, int]], jury: Jury) -> DistrictCheck | None:
    """Compare the preview's districts with the jury's; None when the jury lists none."""
    if not jury.districts:
        return None
    found = {_key(d): d for d, _households, _letters in allocation}
    wanted = {_key(d): d for d in jury.districts}
    return DistrictCheck(
        register=len(found),
        jury=len(wanted),
        unknown=tuple(found[k] for k in sorted(found) if k not in wanted),
        absent=tuple(wanted[k] for k in sorted(wanted) if k not in found),
    )


def _weights(request: DrawRequest) -> dict[str, Fraction] | None:
    text = request.weights_text.strip()
    return lottery.parse_weights(text, source=WEIGHTS) if text else None


def run_draw(
    jury: Jury, upload: Staged, request: DrawRequest, *, user: User | None, make_letters: bool
) -> InvitationBatch:
    """Draw, store the batch and its invitations (one bulk insert), and make the letters.

    Raises :class:`lottery.InputErrors` before anything is stored if the register, the number
    or the weights are wrong, and :class:`LettersRefused` if letters cannot be made."""
    if make_letters:
        check_letters(request.language)
    register = lottery.read_register_file(upload.path, request.columns, name=upload.filename)
    weights = _weights(request)
    result = lottery.draw(register, request.n, seed_text=request.seed_text, weights=weights)
    mapping = lottery.category_mapping(jury.category_mapping)
    year = date.today().year
    invited = register.frame.iloc[list(result.rows)]
    batch = InvitationBatch(
        jury_id=jury.id,
        register_sha256=register.sha256,
        register_filename=upload.filename,
        households=register.households,
        n=request.n,
        seed=str(result.seed),
        seed_text=result.report["seed"]["text"],
        report=dict(result.report),
        register_counts=lottery.category_counts(
            register.frame, request.columns, mapping=mapping, year=year
        ),
        invited_counts=lottery.category_counts(
            invited, request.columns, mapping=mapping, year=year
        ),
        created_by_id=user.id if user else None,
        language=request.language,
    )
    db.session.add(batch)
    db.session.flush()
    rows, letter_rows = lottery.invitation_rows(
        result, request.columns, batch_id=batch.id, jury_id=jury.id
    )
    # One executemany, not 30,000 ORM objects.
    db.session.execute(sa.insert(Invitation), rows)
    if make_letters:
        letters.write_letters(
            letter_rows, out_dir=letters_dir(batch), lang=request.language, jury=jury
        )
        batch.letters_made_at = utcnow()
    db.session.flush()
    current_app.logger.info("jury %s: batch %s drew %s invitations", jury.id, batch.id, len(rows))
    return batch


def letter_files(batch: InvitationBatch) -> dict[str, Path]:
    """The letter files that are ready: {"pdf": ..., "csv": ...}."""
    folder = letters_dir(batch)
    found = {kind: folder / name for kind, name in letters.FILES.items()}
    return {kind: path for kind, path in found.items() if path.is_file()}


def pdf_state(batch: InvitationBatch) -> letters.PdfState:
    return letters.pdf_state(letters_dir(batch))


def remake_pdf(batch: InvitationBatch, jury: Jury) -> bool:
    """Make the letters PDF again from the printer's CSV (after a failure); False if the
    letters were already sent (the codes are gone). Raises :class:`LettersRefused`."""
    if batch.letters_sent_at is not None:
        return False
    check_letters(batch.language)
    return letters.remake_pdf(out_dir=letters_dir(batch), lang=batch.language, jury=jury)


class StillMaking(RuntimeError):
    """The letters PDF is still being made: the files cannot be deleted yet."""


def mark_sent(batch: InvitationBatch) -> None:
    """The letters are out: delete the files holding clear codes. Raises
    :class:`StillMaking` while the PDF is being made."""
    if pdf_state(batch) == letters.PdfState.MAKING:
        raise StillMaking(str(batch.id))
    shutil.rmtree(letters_dir(batch), ignore_errors=True)
    batch.letters_sent_at = utcnow()
    db.session.flush()


def batches(jury: Jury) -> list[InvitationBatch]:
    return list(
        db.session.scalars(
            sa.select(InvitationBatch)
            .filter_by(jury_id=jury.id)
            .order_by(InvitationBatch.created_at.desc(), InvitationBatch.id.desc())
        )
    )
