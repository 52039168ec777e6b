"""The public page of a jury: the process in plain language, its phases and the current one."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import render_template

from webapp.extensions import db
from webapp.juries import bp
from webapp.juries.forms import PHASE_LABELS
from webapp.models import Jury
from webapp.models.proposals import Proposal, ProposalStatus
from webapp.selection.draws import draws_of
from webapp.verdicts.labels import LABELS as VERDICT_LABELS
from webapp.verdicts.services import public_results


@bp.get("/juries/<slug>")
def public_page(slug: str) -> str:
    jury = db.first_or_404(sa.select(Jury).where(Jury.slug == slug))
    today = date.today()
    return render_template(
        "juries/public.html",
        jury=jury,
        current=jury.current_phase(today),
        phase_labels=PHASE_LABELS,
        today=today,
        draws=draws_of(jury),
        verdicts=public_results(jury),
        reported=_reported(jury),
        verdict_labels=VERDICT_LABELS,
    )


def _reported(jury: Jury) -> list[Proposal]:
    """The proposals the jury took up (on its agenda or further), each with its public report."""
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(
                Proposal.jury_id == jury.id,
                Proposal.hidden.is_(False),
                Proposal.status != ProposalStatus.RECEIVED,
            )
            .order_by(Proposal.id)
        )
    )
