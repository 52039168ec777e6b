"""Stage 1, the invitation lottery: which households receive a letter.

The draw is stratified (letters per stratum by the largest remainder method, optionally
weighted), uniform without replacement within each stratum, and a pure function of the
register's SHA-256, the parameters and a stored seed, so that anyone can recompute it with
:func:`verify_invitations`.
"""

from sortition.invitations.allocation import (
    ALLOCATION_METHOD,
    allocate,
    checked_weights,
    exact_shares,
    parse_weights,
)
from sortition.invitations.draw import (
    DRAW_METHOD,
    GENERATOR,
    SEED_DERIVATION,
    InvitationDraw,
    draw_invitations,
    seed_from_text,
)
from sortition.invitations.exclusions import Exclusions, excluded_households, read_exclusions
from sortition.invitations.files import (
    Verification,
    verify_invitation_files,
    verify_invitations,
    write_invitation_files,
)
from sortition.register import Register, read_register

__all__ = [
    "ALLOCATION_METHOD",
    "DRAW_METHOD",
    "GENERATOR",
    "SEED_DERIVATION",
    "Exclusions",
    "InvitationDraw",
    "Register",
    "Verification",
    "allocate",
    "checked_weights",
    "draw_invitations",
    "exact_shares",
    "excluded_households",
    "parse_weights",
    "read_exclusions",
    "read_register",
    "seed_from_text",
    "verify_invitation_files",
    "verify_invitations",
    "write_invitation_files",
]
