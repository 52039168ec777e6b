"""Data for the reply tests (web and browser): a jury with sittings and declarations, invitations
with known codes, staff accounts. Codes come from the library, so their check symbols are real."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sortition.codes import generate_codes, normalise_code
from webapp.codes import code_hash
from webapp.extensions import db
from webapp.models import Invitation, InvitationBatch, Jury, JuryMembership, Role, Sitting, User

DISTRICTS = ["Centro", "Norte", "Sur"]
DECLARATIONS = [
    {"en": "I live in the city.", "nl": "Ik woon in de stad.", "es": "Vivo en la ciudad."},
    # No Spanish: a Spanish page falls back to the jury's language (Dutch here).
    {"en": "I hold no political office.", "nl": "Ik heb geen politieke functie."},
]
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class ReplyWorld:
    jury_id: int
    codes: list[str]
    invitation_ids: list[int]


def make_jury(
    *, slug: str = "city-jury", deadline: date | None = None, minimum_age: int = 16
) -> Jury:
    """A jury with three districts, two sittings next year and two declarations."""
    next_year = date.today().year + 1
    jury = Jury(
        slug=slug,
        name="City Jury",
        purpose={"en": "Advise the council.", "nl": "De raad adviseren.", "es": "Aconsejar."},
        decision={"en": "The budget.", "nl": "De begroting.", "es": "El presupuesto."},
        language="nl",
        panel_size=12,
        minimum_age=minimum_age,
        reply_deadline=deadline if deadline is not None else date.today() + timedelta(days=30),
        retention_days=365,
        declarations=list(DECLARATIONS),
        category_mapping={"gender": {"female": "F", "male": "M"}},
        districts=list(DISTRICTS),
    )
    for month in (3, 4):
        start = datetime(next_year, month, 7, 9, 0)
        jury.sittings.append(Sitting(starts_at=start, ends_at=start + timedelta(hours=7)))
    db.session.add(jury)
    db.session.flush()
    return jury


def make_invitations(jury: Jury, n: int, *, stratum: str = "Norte") -> list[tuple[str, Invitation]]:
    """``n`` invitations of ``jury`` with fresh codes: (printed code, invitation) pairs."""
    batch = InvitationBatch(
        jury_id=jury.id,
        register_sha256="0" * 64,
        register_filename="register.csv",
        households=10 * n,
        n=n,
        seed="1",
        report={},
        register_counts={},
    )
    db.session.add(batch)
    db.session.flush()
    pairs = []
    for code in generate_codes(n):
        invitation = Invitation(
            batch_id=batch.id,
            jury_id=jury.id,
            code_hash=code_hash(normalise_code(code)),
            stratum=stratum,
        )
        db.session.add(invitation)
        pairs.append((code, invitation))
    db.session.flush()
    return pairs


def make_world(*, n: int = 3, **jury_args: Any) -> ReplyWorld:
    """A committed jury with ``n`` invitations (call inside an app context)."""
    jury = make_jury(**jury_args)
    pairs = make_invitations(jury, n)
    db.session.commit()
    return ReplyWorld(jury.id, [c for c, _ in pairs], [i.id for _, i in pairs])


def make_user(email: str, role: Role, *, jury_id: int | None = None) -> int:
    """A staff account with :data:`PASSWORD`, a member of ``jury_id`` if given; returns its id."""
    user = User(email=email, name=email.split("@")[0], role=role)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    if jury_id is not None:
        db.session.add(JuryMembership(jury_id=jury_id, user_id=user.id))
    db.session.commit()
    return int(user.id)


def yes_form(jury_id: int, sitting_ids: list[int], **changes: Any) -> dict[str, Any]:
    """A complete, valid "yes" reply; ``changes`` override fields (None removes one)."""
    data: dict[str, Any] = {
        "answer": "yes",
        "first_name": "Ana",
        "last_name": "García López",
        "birth_year": "1980",
        "gender": "female",
        "district": "Sur",
        "email": "ana@example.org",
        "phone": "",
        "availability": [str(sitting_ids[0])],
        "support_needs": ["childcare"],
        "support_other": "",
        "declarations": [str(i) for i in range(len(DECLARATIONS))],
        "consent": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
