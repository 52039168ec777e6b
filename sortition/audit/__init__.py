"""The commitment, the public draw, the audit bundle and its verification."""

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
