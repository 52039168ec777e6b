"""The audit bundle (a zip of the public files) and ``verify``, which re-checks all of it.

The bundle holds ``commitment.json``, the committed tables (``pool.csv``, ``quotas.csv``,
``panels.csv``, ``probabilities.csv``, ``report.json``; for a replacement also ``members.csv``
and ``original_quotas.csv``), ``draw.json``, a ``README.txt`` and ``SHA256SUMS`` (the
``sha256sum`` lines of every other file, for ``sha256sum -c SHA256SUMS``). Ids are
pseudonyms; no name, address or contact is in it.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sortition.audit.chain import check_chain
from sortition.audit.commitment import COMMITTED, REPLACEMENT_FILES, Commitment, Draw, sha256
from sortition.audit.rules import check_files

README = """Audit bundle of a transparent citizens' jury lottery (Kleroterion).

commitment.json was published before the draw; its SHA-256 is the commitment hash.
It holds the SHA-256 of pool.csv, quotas.csv, panels.csv, probabilities.csv and report.json.
draw.json holds the randomness and the derivation of the panel number:
  printf '%s' '<commitment hash>:<normalised randomness>' | sha256sum
  python3 -c "print(int('<that digest>', 16) % <panels> + 1)"
Check every file:   sha256sum -c SHA256SUMS
Check everything:   sortition verify bundle.zip
Ids are pseudonyms. See docs/transparent-lottery.md of Kleroterion for every step.
"""

# What a damaged zip can raise while being opened or read (a wrong CRC is BadZipFile).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    UnicodeDecodeError,
)

# Zip entries get one fixed time, so the same files always give the same bundle bytes.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def make_bundle(commitment: Commitment, result: Draw) -> bytes:
    """The zip of every public file of the lottery and its draw."""
    files = {
        **{n: d for n, d in commitment.files.items()},
        "draw.json": result.record,
        "README.txt": README.encode(),
    }
    sums = "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items()))
    files["SHA256SUMS"] = sums.encode()
    return _pack(files)


def _pack(files: Mapping[str, bytes]) -> bytes:
    """The zip of ``files`` in that order: stored (not compressed), one fixed time and mode,
    so that the same files always give the same bytes, whatever the zlib version."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Verification:
    """What :func:`verify_bundle` found: ``problems`` (each names the file and what does not
    hold; empty: everything holds) and ``notes`` (facts worth knowing that are no failure,
    such as a different software version)."""

    problems: tuple[str, ...]
    notes: tuple[str, ...]
    panel: int | None

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bundle(
    source: bytes | str | Path, *, previous: bytes | str | Path | None = None
) -> Verification:
    """Check a bundle (its bytes or its path): every hash, the panel number derived again
    from the randomness, the selected panel, and that each of the m panels meets the quotas,
    the size and the household rule (and, for a replacement, that the open quotas follow from
    the original ones and the seated members). With ``previous`` (the bundle of the draw a
    replacement follows) that bundle is verified too and the two are compared
    (:mod:`sortition.audit.chain`)."""
    problems: list[str] = []
    data = _read(source, problems)
    files = None if data is None else _unzip(data, problems)
    if data is None or files is None:
        return Verification(tuple(problems), (), None)
    _check_packing(data, files, problems)
    notes: list[str] = []
    _check_sums(files, problems)
    commitment = _json(files, "commitment.json", problems)
    record = _json(files, "draw.json", problems)
    if record is not None and "commitment.json" in files:
        expected = sha256(files["commitment.json"])
        if record.get("commitment_sha256") != expected:
            problems.append(
                f"draw.json: the commitment hash is {record.get('commitment_sha256')}, "
                f"commitment.json hashes to {expected}"
            )
    if commitment is None:
        return Verification(tuple(problems), tuple(notes), None)
    names = (*COMMITTED, *(REPLACEMENT_FILES if commitment.get("replacement") else ()))
    for name in names:
        _check_hash(files, commitment, name, problems)
    panel = check_files(files, commitment, record, problems, notes)
    if previous is not None:
        _check_previous(previous, files, commitment, problems, notes)
    return Verification(tuple(problems), tuple(notes), panel)


def _check_previous(
    previous: bytes | str | Path,
    files: Mapping[str, bytes],
    commitment: Mapping[str, object],
    problems: list[str],
    notes: list[str],
) -> None:
    earlier = verify_bundle(previous)
    problems.extend(f"previous bundle: {p}" for p in earlier.problems)
    found: list[str] = []
    data = _read(previous, found)
    before = None if data is None else _unzip(data, found)
    if before is not None:
        check_chain(files, commitment, before, problems, notes)


def _read(source: bytes | str | Path, problems: list[str]) -> bytes | None:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as error:
        problems.append(f"{source}: cannot be read ({error.strerror or error})")
        return None


def _unzip(data: bytes, problems: list[str]) -> dict[str, bytes] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files: dict[str, bytes] = {}
            for entry in archive.namelist():
                try:
                    files[entry] = archive.read(entry)
                except ZIP_ERRORS as error:
                    problems.append(f"{entry}: cannot be read from the bundle ({error})")
            return files
    except ZIP_ERRORS as error:
        problems.append(f"bundle: not a readable zip file ({error})")
        return None


def _check_packing(data: bytes, files: Mapping[str, bytes], problems: list[str]) -> None:
    """A bundle is packed one way only: a change in the zip's own headers shows here."""
    canonical = _pack(files)
    if data != canonical:
        at = next(
            (i for i, (a, b) in enumerate(zip(data, canonical, strict=False)) if a != b),
            min(len(data), len(canonical)),
        )
        problems.append(
            f"bundle: not packed as make_bundle packs its files (first difference at byte {at})"
        )


def _check_sums(files: Mapping[str, bytes], problems: list[str]) -> None:
    if "SHA256SUMS" not in files:
        problems.append("SHA256SUMS: missing from the bundle")
        return
    listed: dict[str, str] = {}
    for line in files["SHA256SUMS"].decode("utf-8", "replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for name, data in sorted(files.items()):
        if name == "SHA256SUMS":
            continue
        if name not in listed:
            problems.append(f"{name}: not listed in SHA256SUMS")
        elif sha256(data) != listed[name]:
            problems.append(
                f"SHA256SUMS: its line for {name} says {listed[name]}, "
                f"the file's SHA-256 is {sha256(data)}"
            )
    for name in sorted(set(listed) - set(files)):
        problems.append(f"{name}: listed in SHA256SUMS but missing from the bundle")


def _json(files: Mapping[str, bytes], name: str, problems: list[str]) -> dict[str, object] | None:
    if name not in files:
        problems.append(f"{name}: missing from the bundle")
        return None
    try:
        value = json.loads(files[name])
    except (ValueError, UnicodeDecodeError) as error:
        problems.append(f"{name}: not valid JSON ({error})")
        return None
    if not isinstance(value, dict):
        problems.append(f"{name}: not a JSON object")
        return None
    return value


def _check_hash(
    files: Mapping[str, bytes], commitment: Mapping[str, object], name: str, problems: list[str]
) -> None:
    committed = commitment.get("sha256")
    expected = committed.get(name) if isinstance(committed, dict) else None
    if name not in files:
        problems.append(f"{name}: missing from the bundle")
    elif expected is None:
        problems.append(f"commitment.json: holds no SHA-256 for {name}")
    elif sha256(files[name]) != expected:
        problems.append(f"{name}: SHA-256 is {sha256(files[name])}, the commitment says {expected}")
