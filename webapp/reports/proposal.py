"""The public report on one proposal: how the jury reached its decision.

Gathered from what other features store (the proposal and its traffic light, the jury's seated
members as aggregate counts per category, the drawn lotteries, the sittings where the proposal
was on the agenda with their timed agenda, the tables' outcomes, the plenary votes with their
arithmetic and amended text, the municipality's response). Numbers and texts only: nothing here
reads a member's name, contact, reference or address, and nothing of the kind is returned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.categories.services import Kind, categories_of, category_labels, value_labels
from webapp.extensions import db
from webapp.models import (
    AgendaItem,
    AgendaKind,
    Draw,
    Jury,
    Member,
    PlenaryVote,
    Sitting,
    VoteState,
)
from webapp.models.members import SEATED
from webapp.models.proposals import Proposal
from webapp.models.sittings import sitting_proposals
from webapp.pool.services import ordered_values, reply_features
from webapp.proposals import lifecycle
from webapp.sittings.outcomes import OutcomeView, outcomes_of_sitting
from webapp.verdicts.counting import Result
from webapp.verdicts.services import result_of

# Agenda items in which the jury heard someone: "whom the jury heard".
HEARD = (AgendaKind.PROPOSER, AgendaKind.EXPERTS)


@dataclass(frozen=True, slots=True)
class Group:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Composition:
    """One category: how many seated members are in each of its groups."""

    key: str
    label: str
    groups: tuple[Group, ...]


@dataclass(frozen=True, slots=True)
class JuryFacts:
    seated: int
    panel_size: int
    draws: tuple[Draw, ...]  # the drawn lotteries (the public draw pages)
    composition: tuple[Composition, ...]


@dataclass(frozen=True, slots=True)
class SittingFacts:
    sitting: Sitting
    agenda: tuple[AgendaItem, ...]
    heard: tuple[AgendaItem, ...]
    past: bool
    outcomes: tuple[OutcomeView, ...] = ()  # every table's outcome at the sitting, no names


@dataclass(frozen=True, slots=True)
class VoteFacts:
    vote: PlenaryVote
    result: Result | None  # None until counted


@dataclass(frozen=True, slots=True)
class ProposalReport:
    jury: Jury
    proposal: Proposal
    facts: JuryFacts
    sittings: tuple[SittingFacts, ...]
    votes: tuple[VoteFacts, ...]
    steps: tuple[lifecycle.Step, ...]
    to_come: tuple[str, ...] = field(default=())

    @property
    def outcomes(self) -> tuple[OutcomeView, ...]:
        return tuple(o for s in self.sittings for o in s.outcomes)

    @property
    def counted(self) -> tuple[VoteFacts, ...]:
        return tuple(v for v in self.votes if v.result is not None)


def build(jury: Jury, proposal: Proposal, *, now: datetime) -> ProposalReport:
    sittings = _sittings(jury, proposal, now)
    votes = _votes(proposal)
    report = ProposalReport(
        jury=jury,
        proposal=proposal,
        facts=_jury_facts(jury),
        sittings=tuple(sittings),
        votes=tuple(votes),
        steps=tuple(lifecycle.traffic_light(proposal)),
    )
    return ProposalReport(**{**_fields(report), "to_come": tuple(_to_come(report, now))})


def _fields(report: ProposalReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in ProposalReport.__dataclass_fields__}


# -- the jury -------------------------------------------------------------------------------


def _jury_facts(jury: Jury) -> JuryFacts:
    seated = list(
        db.session.scalars(
            sa.select(Member.reply_id).where(
                Member.jury_id == jury.id, Member.status.in_(list(SEATED))
            )
        )
    )
    drawn = tuple(
        db.session.scalars(
            sa.select(Draw)
            .where(Draw.jury_id == jury.id, Draw.randomness.is_not(None))
            .order_by(Draw.id)
        )
    )
    year = drawn[0].drawn_at.year if drawn and drawn[0].drawn_at else date.today().year
    return JuryFacts(
        seated=len(seated),
        panel_size=jury.panel_size,
        draws=drawn,
        composition=tuple(_composition(jury, seated, year)) if seated else (),
    )


def _composition(jury: Jury, reply_ids: list[int], year: int) -> list[Composition]:
    """Seated members per category and group: counts only."""
    features = reply_features(jury, reply_ids, year=year)
    labels = category_labels(jury)
    found = []
    for category in categories_of(jury):
        counts = Counter(f.get(category.key) for f in features.values())
        names = _group_names(category.kind, category.row)
        known = [v for v in counts if v is not None]
        groups = [
            Group(names.get(value, value), counts[value])
            for value in ordered_values(known, category.key, jury)
        ]
        if counts.get(None):
            groups.append(Group(_("Not known"), counts[None]))
        found.append(Composition(category.key, labels[category.key], tuple(groups)))
    return found


def _group_names(kind: Kind, row: Any) -> dict[str, str]:
    if kind == Kind.GENDER:
        return {"female": _("Women"), "male": _("Men"), "other": _("Other")}
    return value_labels(row) if row is not None else {}


# -- sittings, outcomes and votes ------------------------------------------------------------


def _sittings(jury: Jury, proposal: Proposal, now: datetime) -> list[SittingFacts]:
    """The sittings where the proposal was (or will be) on the agenda or put to the vote."""
    on_agenda = sa.select(sitting_proposals.c.sitting_id).where(
        sitting_proposals.c.proposal_id == proposal.id
    )
    voted = sa.select(PlenaryVote.sitting_id).where(PlenaryVote.proposal_id == proposal.id)
    found = db.session.scalars(
        sa.select(Sitting)
        .where(Sitting.jury_id == jury.id, sa.or_(Sitting.id.in_(on_agenda), Sitting.id.in_(voted)))
        .order_by(Sitting.starts_at, Sitting.id)
    )
    return [
        SittingFacts(
            sitting=s,
            agenda=tuple(s.agenda),
            heard=tuple(i for i in s.agenda if i.kind in HEARD),
            past=s.starts_at <= now,
            outcomes=tuple(o for o in outcomes_of_sitting(s) if not o.empty),
        )
        for s in found
    ]


def _votes(proposal: Proposal) -> list[VoteFacts]:
    votes = db.session.scalars(
        sa.select(PlenaryVote)
        .join(Sitting, Sitting.id == PlenaryVote.sitting_id)
        .where(PlenaryVote.proposal_id == proposal.id)
        .order_by(Sitting.starts_at, PlenaryVote.id)
    )
    return [VoteFacts(v, result_of(v) if v.state == VoteState.CLOSED else None) for v in votes]


# -- what is still to come -----------------------------------------------------------------


def _to_come(report: ProposalReport, now: datetime) -> list[str]:
    """What has not happened yet, in the order it comes. Once the verdict is given, only the
    municipality's response can still be to come."""
    from flask_babel import format_date

    proposal, notes = report.proposal, []
    decided = proposal.verdict_at is not None
    if not decided:
        if not report.sittings:
            notes.append(_("The proposal is not on the agenda of a sitting yet."))
        elif not any(s.past for s in report.sittings):
            first = report.sittings[0].sitting.starts_at
            notes.append(
                _(
                    "The jury discusses it at its sitting of %(date)s.",
                    date=format_date(first, "long"),
                )
            )
        if report.sittings and not report.outcomes:
            notes.append(
                _("The tables' outcomes are published here once the facilitators record them.")
            )
        pending = [v for v in report.votes if v.vote.state != VoteState.CLOSED]
        if pending:
            notes.append(
                _(
                    "The plenary votes on it at the sitting of %(date)s.",
                    date=format_date(pending[0].vote.sitting.starts_at, "long"),
                )
            )
        elif not report.counted:
            notes.append(_("The plenary has not voted on it yet."))
        notes.append(
            _(
                "After the verdict, the municipality answers the jury and the answer is "
                "published here."
            )
        )
    elif proposal.response_published_at is None and proposal.response_due_on is not None:
        notes.append(
            _(
                "The municipality's response is due by %(date)s.",
                date=format_date(proposal.response_due_on, "long"),
            )
        )
    return notes
