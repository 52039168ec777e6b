"""Words for the options, outcomes and rules, in the reader's language."""

from __future__ import annotations

from webapp.i18n import lazy_gettext as _l
from webapp.models import Majority, Option, QuorumKind, VoteMethod, VoteState
from webapp.verdicts.counting import ABSTAIN, Decision

OPTION_LABELS = {
    Option.CITY_VOTE: _l("Put it to a city-wide vote"),
    Option.AMENDED: _l("Send it on, amended"),
    Option.REJECTED: _l("Reject it"),
}
CHOICE_LABELS = {**{str(k): v for k, v in OPTION_LABELS.items()}, ABSTAIN: _l("I abstain")}
OUTCOME_LABELS = {
    **{str(k): v for k, v in OPTION_LABELS.items()},
    str(Decision.NO_QUORUM): _l("No decision: the quorum was not met"),
    str(Decision.NO_MAJORITY): _l("No decision: no option reached the majority"),
}
QUORUM_LABELS = {
    QuorumKind.MEMBERS: _l("A number of members"),
    QuorumKind.SEATED_SHARE: _l("A percentage of the seated members"),
    QuorumKind.PRESENT_SHARE: _l("A percentage of the members present at the sitting"),
}
MAJORITY_LABELS = {
    Majority.SIMPLE: _l("Simple: more than half of the votes for an option"),
    Majority.TWO_THIRDS: _l("Two thirds of the votes for an option"),
}
METHOD_LABELS = {
    VoteMethod.TALLY: _l("Counted in the room; staff enter the tally"),
    VoteMethod.PHONES: _l("Members vote on their phones with their code"),
}
STATE_LABELS = {
    VoteState.DRAFT: _l("Not open yet"),
    VoteState.OPEN: _l("Open"),
    VoteState.CLOSED: _l("Closed"),
}

# For the templates: labels.option[...], labels.outcome[...] and so on.
LABELS = {
    "option": OPTION_LABELS,
    "choice": CHOICE_LABELS,
    "outcome": OUTCOME_LABELS,
    "quorum": QUORUM_LABELS,
    "majority": MAJORITY_LABELS,
    "method": METHOD_LABELS,
    "state": STATE_LABELS,
}
