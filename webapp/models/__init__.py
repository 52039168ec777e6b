"""SQLAlchemy 2 typed models, one module per aggregate."""

from webapp.models.invitations import Invitation, InvitationBatch, InvitationStatus
from webapp.models.juries import Jury, Phase, PhaseKind, Sitting
from webapp.models.replies import Answer, Channel, Gender, Reply, SupportNeed
from webapp.models.users import Role, User

__all__ = [
    "Answer",
    "Channel",
    "Gender",
    "Invitation",
    "InvitationBatch",
    "InvitationStatus",
    "Jury",
    "Phase",
    "PhaseKind",
    "Reply",
    "Role",
    "Sitting",
    "SupportNeed",
    "User",
]
