"""SQLAlchemy 2 typed models, one module per aggregate."""

from webapp.models import proposals  # noqa: F401  (the proposal tables, known to Alembic)
from webapp.models.access import JuryMembership, SittingAssignment
from webapp.models.categories import Category, CategoryAnswer
from webapp.models.invitations import Invitation, InvitationBatch, InvitationStatus
from webapp.models.juries import Jury, Phase, PhaseKind, Sitting
from webapp.models.members import CallOutcome, Member, MemberCall, MemberStatus
from webapp.models.population import PopulationTarget
from webapp.models.replies import Answer, Channel, Gender, Reply, ReplyVisit, SupportNeed
from webapp.models.selection import Draw, JobKind, JobStatus, SelectionJob
from webapp.models.sittings import (
    AgendaItem,
    AgendaKind,
    Attendance,
    CalendarLink,
    SittingDocument,
    SittingReminder,
    Venue,
)
from webapp.models.users import Role, User

__all__ = [
    "AgendaItem",
    "AgendaKind",
    "Answer",
    "Attendance",
    "CalendarLink",
    "CallOutcome",
    "Category",
    "CategoryAnswer",
    "Channel",
    "Draw",
    "Gender",
    "Invitation",
    "InvitationBatch",
    "InvitationStatus",
    "JobKind",
    "JobStatus",
    "Jury",
    "JuryMembership",
    "Member",
    "MemberCall",
    "MemberStatus",
    "Phase",
    "PhaseKind",
    "PopulationTarget",
    "Reply",
    "ReplyVisit",
    "Role",
    "SelectionJob",
    "Sitting",
    "SittingAssignment",
    "SittingDocument",
    "SittingReminder",
    "SupportNeed",
    "User",
    "Venue",
]
