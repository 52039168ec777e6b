"""SQLAlchemy 2 typed models, one module per aggregate."""

from webapp.models import proposals  # noqa: F401  (the proposal tables, known to Alembic)
from webapp.models.access import JuryMembership, SittingAssignment
from webapp.models.invitations import Invitation, InvitationBatch, InvitationStatus
from webapp.models.juries import Jury, Phase, PhaseKind, Sitting
from webapp.models.population import PopulationTarget
from webapp.models.replies import Answer, Channel, Gender, Reply, ReplyVisit, SupportNeed
from webapp.models.users import Role, User

__all__ = [
    "Answer",
    "Channel",
    "Gender",
    "Invitation",
    "InvitationBatch",
    "InvitationStatus",
    "Jury",
    "JuryMembership",
    "Phase",
    "PhaseKind",
    "PopulationTarget",
    "Reply",
    "ReplyVisit",
    "Role",
    "Sitting",
    "SittingAssignment",
    "SupportNeed",
    "User",
]
