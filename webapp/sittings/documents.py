"""Documents for the members of a sitting: uploaded by its organisers, stored under the
instance folder owner-only (webapp/files.py) with a random name, listed on the sitting page
and on the members' page. A file is accepted by its extension AND its first bytes, within
``MAX_DOCUMENT_BYTES``; its content type comes from the extension, never from the browser."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from pathlib import Path
from typing import IO

from flask import current_app, send_file
from werkzeug.wrappers import Response

from webapp.extensions import db
from webapp.files import open_private, private_dir
from webapp.i18n import lazy_gettext as _l
from webapp.models import Sitting, SittingDocument
from webapp.sittings.services import SittingProblem

PDF, ZIP = (b"%PDF-",), (b"PK\x03\x04",)
# extension -> (content type, the first bytes it may start with; None: UTF-8 text)
TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", PDF),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": ("text/plain; charset=utf-8", None),
}
CHUNK = 64 * 1024


def size_text(size: int) -> str:
    """A limit in whole MB, or in KB below one MB."""
    mb = 1024 * 1024
    return f"{size // mb} MB" if size >= mb else f"{max(size // 1024, 1)} KB"


def documents_dir() -> Path:
    folder = current_app.config.get("DOCUMENTS_DIR") or Path(current_app.instance_path, "documents")
    return private_dir(Path(folder))


def path_of(document: SittingDocument) -> Path:
    return documents_dir() / document.stored_name


def download(document: SittingDocument) -> Response:
    """The document as a download under its own name and type (the stored file's are not)."""
    return send_file(
        path_of(document),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
    )


def safe_filename(name: str) -> str:
    """A download name without folders or odd characters (accents kept as letters)."""
    name = unicodedata.normalize("NFKC", Path(name.replace("\\", "/")).name)
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")
    return name[-150:] or "document"


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _check_start(extension: str, head: bytes) -> None:
    _content_type, starts = TYPES[extension]
    if starts is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the chunk's end
                raise SittingProblem("file", str(_l("This text file is not UTF-8 text."))) from None
        return
    if not head.startswith(starts):
        raise SittingProblem(
            "file",
            str(
                _l(
                    "This file is not a real %(kind)s file: its content does not match its name.",
                    kind=extension.upper(),
                )
            ),
        )


def save_document(
    sitting: Sitting, stream: IO[bytes], *, filename: str, title: str
) -> SittingDocument:
    """Store an upload for the sitting's members; :class:`SittingProblem` (field ``file``)
    if its type is not accepted, its content does not match, it is empty or too large.
    Nothing is left on disk after a refusal."""
    filename = safe_filename(filename)
    extension = extension_of(filename)
    if extension not in TYPES:
        raise SittingProblem(
            "file",
            str(
                _l(
                    "Files of this type cannot be shared. Use one of: %(types)s.",
                    types=", ".join(sorted(TYPES)),
                )
            ),
        )
    limit = int(current_app.config["MAX_DOCUMENT_BYTES"])
    stored_name = secrets.token_hex(16)
    target = documents_dir() / stored_name
    digest, size = hashlib.sha256(), 0
    try:
        with open_private(target) as out:
            while chunk := stream.read(CHUNK):
                if size == 0:
                    _check_start(extension, chunk)
                size += len(chunk)
                if size > limit:
                    raise SittingProblem(
                        "file", str(_l("This file is larger than %(size)s.", size=size_text(limit)))
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise SittingProblem("file", str(_l("This file is empty.")))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    document = SittingDocument(
        title=(title.strip() or filename)[:200],
        filename=filename,
        stored_name=stored_name,
        content_type=TYPES[extension][0],
        size=size,
        sha256=digest.hexdigest(),
    )
    sitting.documents.append(document)
    db.session.flush()
    return document


def sitting_document(sitting: Sitting, document_id: int) -> SittingDocument | None:
    return next((d for d in sitting.documents if d.id == document_id), None)


def remove_document(sitting: Sitting, document_id: int) -> Path | None:
    """Delete the row; the caller deletes the returned file once the request has committed
    (a rollback keeps both). None if the sitting has no such document."""
    document = sitting_document(sitting, document_id)
    if document is None:
        return None
    path = path_of(document)
    sitting.documents.remove(document)
    db.session.flush()
    return path


def files_of(sitting: Sitting) -> list[Path]:
    """The stored files of a sitting (to delete after the sitting is)."""
    return [path_of(d) for d in sitting.documents]


def delete_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
