"""Files with personal data (the database, letters with clear codes, uploaded registers) are
readable by their owner only: folders 0700, files 0600, set when they are created."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` if needed and make it owner-only; parents it creates are too."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode passes through the umask
    os.chmod(path, DIR_MODE)
    return path


def open_private(path: Path, mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """Open ``path`` for writing (truncated), created with mode 0600 from the first byte."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, FILE_MODE)
    os.chmod(path, FILE_MODE)  # an existing file keeps its mode through os.open
    return os.fdopen(fd, mode, **kwargs)


def touch_private(path: Path) -> None:
    """Create an empty owner-only file if there is none (SQLite then gives its WAL and
    shared-memory files the same mode); an existing one is made owner-only."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    os.chmod(path, FILE_MODE)
