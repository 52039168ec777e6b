"""SQLAlchemy 2 typed models, one module per aggregate."""

from webapp.models import (  # noqa: F401  (their tables, known to Alembic)
    outcomes,
    payments,
    privacy,
    proposals,
)
from webapp.models.access import JuryMembership, SittingAssignment
from webapp.models.categories import Category, CategoryAnswer
from webapp.models.invitations import Invitation, InvitationBatch, InvitationStatus
from webapp.models.juries import Jury, Phase, PhaseKind, Sitting
from webapp.models.members import CallOutcome, Member, MemberCall, MemberStatus
from webapp.models.outcomes import TableOutcome
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
from webapp.models.survey import SurveyAnswer, SurveyInvitation, SurveyTaker
from webapp.models.tables import Breakout, Seat, TablePlan
from webapp.models.users import Role, User
from webapp.models.verdicts import (
    Ballot,
    BallotCast,
    Majority,
    Option,
    PlenaryVote,
    QuorumKind,
    VerdictRules,
    VoteMethod,
    VoteState,
)

__all__ = [
    "AgendaItem",
    "AgendaKind",
    "Answer",
    "Attendance",
    "Ballot",
    "BallotCast",
    "Breakout",
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
    "Majority",
    "Member",
    "MemberCall",
    "MemberStatus",
    "Option",
    "Phase",
    "PhaseKind",
    "PlenaryVote",
    "PopulationTarget",
    "QuorumKind",
    "Reply",
    "ReplyVisit",
    "Role",
    "Seat",
    "SelectionJob",
    "Sitting",
    "SittingAssignment",
    "SittingDocument",
    "SittingReminder",
    "SupportNeed",
    "SurveyAnswer",
    "SurveyInvitation",
    "SurveyTaker",
    "TableOutcome",
    "TablePlan",
    "User",
    "Venue",
    "VerdictRules",
    "VoteMethod",
    "VoteState",
]
