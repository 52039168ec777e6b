"""The commitment, the public draw, the audit bundle and ``verify``.

docs/transparent-lottery.md explains every step for the public, with a worked example.

The public API (for ``webapp/lottery.py``), in the order of a jury's draw:

``commit(lottery, *, randomness_source, pseudonyms=None, created=None, previous=None)
-> Commitment``
    ``lottery`` is a :class:`sortition.transparent.TransparentLottery`;
    ``randomness_source`` the announced source (required, e.g. "five dice rolled at the
    public meeting of 12 March"); ``pseudonyms`` maps every id (pool, and a replacement's
    members) to its public name (None: random ``V0001``-style names; pass the first
    commitment's ``pseudonyms`` to a replacement so a person keeps their name); ``created``
    an aware datetime (default now, UTC); ``previous`` the commitment hash a replacement
    follows. Raises ``ValueError`` (no source, missing or shared pseudonyms).

``Commitment(files, pseudonyms)``
    ``files``: name -> bytes of the public files (``commitment.json``, ``pool.csv``,
    ``quotas.csv``, ``panels.csv``, ``probabilities.csv``, ``report.json``; a replacement also
    ``members.csv``, ``original_quotas.csv``); ``pseudonyms``: id -> pseudonym (private:
    never publish it). ``sha256`` is the commitment hash to publish before the draw; ``data``
    the parsed ``commitment.json``; ``m``; ``panels`` (in pseudonyms). Store ``files`` and
    ``pseudonyms`` and rebuild it with ``Commitment(files, pseudonyms)``; ``save(folder)`` /
    ``Commitment.load(folder)`` do the same with files.

``draw(commitment, randomness, *, drawn=None) -> Draw``
    ``Draw.panel`` (1 to m), ``Draw.ids`` (the selected volunteers' ids, sorted),
    ``Draw.pseudonyms``, ``Draw.derivation`` (``Derivation``: ``normalised``, ``message``,
    ``sha256``, ``panel``...), ``Draw.drawn`` (UTC, ISO 8601) and ``Draw.record`` (the bytes of
    ``draw.json``). Raises ``ValueError`` when the randomness is empty. Draw once: the web app
    must refuse a second draw of the same commitment.

``make_bundle(commitment, result) -> bytes``
    The audit bundle (zip; pseudonyms only, no personal data) for the public page.

``verify_bundle(bundle: bytes | str | Path, *, previous=None) -> Verification``
    ``ok``, ``problems`` (sentences naming the file and what does not hold), ``notes`` (for
    instance another software version), ``panel`` (derived again, or None). ``previous``: the
    bundle of the draw a replacement follows, verified too and compared with it.

``derive_panel(commitment_sha256, randomness, panels) -> Derivation`` and
``normalise_randomness(text) -> str`` are the derivation alone (for a live preview of the
normalised text on the page where the organiser enters the randomness).
"""

from sortition.audit.bundle import Verification, make_bundle, verify_bundle
from sortition.audit.commitment import Commitment, Draw, commit, draw, software_fingerprint
from sortition.audit.derivation import Derivation, derive_panel, normalise_randomness

__all__ = [
    "Commitment",
    "Derivation",
    "Draw",
    "Verification",
    "commit",
    "derive_panel",
    "draw",
    "make_bundle",
    "normalise_randomness",
    "software_fingerprint",
    "verify_bundle",
]
