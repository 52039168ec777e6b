"""From the public randomness to a panel number: the derivation anyone can redo by hand.

1. Normalise the randomness text: Unicode NFKC, lower case, white space trimmed at both ends
   and every run of white space inside made one space (``" 3  1\\t6 "`` becomes ``"3 1 6"``).
2. Message: the commitment hash (64 lower-case hexadecimal digits, the SHA-256 of
   ``commitment.json``), a colon, the normalised text; encoded as UTF-8, no newline.
3. Digest: SHA-256 of the message, read as a 256-bit unsigned integer (big-endian, as the
   hexadecimal digits read).
4. Panel number: digest modulo m, plus 1 (panels are numbered 1 to m).

By hand: ``printf '%s' '<hash>:3 1 6' | sha256sum``, then
``python3 -c "print(int('<digest>', 16) % 1000 + 1)"``. The modulo makes the smallest panel
numbers likelier by at most one in ``2**256 // m`` (for m = 1,000: 1 in 1.2e74), which no
dice or lottery can come near, so no rejection step is needed. See docs/transparent-lottery.md.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Derivation:
    """Every step of one derivation, for the draw record and the public page."""

    commitment_sha256: str
    randomness: str
    normalised: str
    message: str
    sha256: str
    panels: int
    panel: int


def normalise_randomness(text: str) -> str:
    """The randomness text as it enters the message (step 1 of the module docstring).
    Raises ValueError when nothing is left."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    if not normalised:
        raise ValueError("the randomness is empty: enter the dice rolls or the lottery result")
    return normalised


def derive_panel(commitment_sha256: str, randomness: str, panels: int) -> Derivation:
    """The panel number (1 to ``panels``) for ``randomness`` under the commitment whose
    SHA-256 is ``commitment_sha256`` (see the module docstring)."""
    if panels < 1:
        raise ValueError(f"the number of panels must be at least 1, not {panels}")
    if len(commitment_sha256) != 64 or any(c not in "0123456789abcdef" for c in commitment_sha256):
        raise ValueError("the commitment hash must be 64 lower-case hexadecimal digits")
    normalised = normalise_randomness(randomness)
    message = f"{commitment_sha256}:{normalised}"
    digest = hashlib.sha256(message.encode("utf-8")).hexdigest()
    panel = int(digest, 16) % panels + 1
    return Derivation(commitment_sha256, randomness, normalised, message, digest, panels, panel)
