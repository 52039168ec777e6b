"""What a refused change of a vote tells the person, in their language."""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.verdicts.services import VerdictError


def refusal(error: VerdictError) -> str:
    n = error.numbers
    messages = {
        "twice": lambda: _("This proposal is already on the agenda of that sitting."),
        "other_jury": lambda: _("This belongs to another jury."),
        "closed": lambda: _("This vote is closed already: nothing was changed."),
        "not_phones": lambda: _("This vote is counted in the room; there is nothing to open."),
        "not_tally": lambda: _("Members vote on their phones in this vote: no tally to enter."),
        "not_draft": lambda: _("This vote is closed already: it cannot be opened again."),
        "already_open": lambda: _("This vote is open already."),
        "text_fixed": lambda: _(
            "The amended text cannot change once the vote is open or counted: nothing was changed."
        ),
        "not_open": lambda: _("This vote is not open, so it cannot be closed."),
        "negative": lambda: _("A count cannot be below 0."),
        "nobody_present": lambda: _(
            "Nobody is checked in at this sitting: check the members in before entering the tally."
        ),
        "above_present": lambda: _(
            "The tally counts %(total)d ballots, but only %(present)d members are present. "
            "Check the counts.",
            total=n.get("total", 0),
            present=n.get("present", 0),
        ),
        "not_present": lambda: _(
            "You are not checked in at this sitting. Please go to the desk first."
        ),
        "already": lambda: _("You have voted already on this proposal. Your vote is counted."),
        "choice": lambda: _("Your vote: choose one of the options."),
    }
    return str(messages.get(error.reason, lambda: _("This could not be done."))())
