"""The arithmetic of a plenary vote: quorum, majority, the carried option. Pure: numbers in,
a :class:`Result` out (no database, no Flask), so that it can be tested on its own.

How the count works (docs/verdicts.md says the same for staff):

- Every member who takes part casts one ballot: one of the three options, or an abstention.
- **Quorum**: the members who took part (the votes for an option *and* the abstentions) must
  reach the required number. The jury sets that number as a fixed number of members, or as a
  percentage of the seated members, or of the members present at the sitting, rounded up
  (50 % of 25 is 13).
- **Majority**: abstentions do not count here. An option carries when its votes are more than
  half of the votes for an option (simple), or at least two thirds of them (two thirds). With
  three options a plurality is not enough: 10 - 8 - 7 has no majority.
- Either condition unmet: no decision (the proposal stays on the agenda).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from webapp.models.verdicts import Majority, Option, QuorumKind

ABSTAIN = "abstain"


class Decision(StrEnum):
    """The plenary did not decide."""

    NO_QUORUM = "no_quorum"
    NO_MAJORITY = "no_majority"


@dataclass(frozen=True, slots=True)
class Rules:
    quorum_kind: QuorumKind
    quorum_value: int  # members, or a percentage (0 to 100)
    majority: Majority


@dataclass(frozen=True, slots=True)
class Count:
    votes: dict[Option, int]
    abstentions: int
    seated: int
    present: int

    @property
    def for_options(self) -> int:
        return sum(self.votes.values())

    @property
    def taking_part(self) -> int:
        return self.for_options + self.abstentions


@dataclass(frozen=True, slots=True)
class Result:
    count: Count
    rules: Rules
    quorum_base: int  # the number the percentage is of (seated or present); 0 for a number
    quorum_required: int
    quorum_met: bool
    majority_required: int  # votes an option needs to carry
    leader: Option | None  # the option with the most votes (None when no votes or a tie)
    outcome: Option | Decision

    @property
    def carried(self) -> Option | None:
        return self.outcome if isinstance(self.outcome, Option) else None


def quorum_required(rules: Rules, *, seated: int, present: int) -> tuple[int, int]:
    """(the members required, the number the percentage was taken of)."""
    if rules.quorum_kind == QuorumKind.MEMBERS:
        return rules.quorum_value, 0
    base = seated if rules.quorum_kind == QuorumKind.SEATED_SHARE else present
    return -(-rules.quorum_value * base // 100), base  # rounded up


def majority_required(majority: Majority, for_options: int) -> int:
    """The fewest votes an option needs out of ``for_options``: more than half, or at least
    two thirds (rounded up). With no votes for any option, nothing can carry: 1."""
    if for_options == 0:
        return 1
    if majority == Majority.SIMPLE:
        return for_options // 2 + 1
    return -(-2 * for_options // 3)


def count_result(rules: Rules, count: Count) -> Result:
    required, base = quorum_required(rules, seated=count.seated, present=count.present)
    quorum_met = count.taking_part >= required and count.taking_part > 0
    needed = majority_required(rules.majority, count.for_options)
    ranked = sorted(count.votes.items(), key=lambda kv: -kv[1])
    leader = None
    if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        leader = ranked[0][0]
    outcome: Option | Decision
    if not quorum_met:
        outcome = Decision.NO_QUORUM
    elif leader is not None and count.votes[leader] >= needed:
        outcome = leader
    else:
        outcome = Decision.NO_MAJORITY
    return Result(
        count=count,
        rules=rules,
        quorum_base=base,
        quorum_required=required,
        quorum_met=quorum_met,
        majority_required=needed,
        leader=leader,
        outcome=outcome,
    )
