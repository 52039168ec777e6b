"""The public report on a proposal: a page and the same as a PDF, in the page's language.
Public (no login); a hidden proposal, or one of another jury, is not found."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, render_template, request
from flask_babel import get_locale

from webapp.database import utcnow
from webapp.extensions import db
from webapp.models import Jury
from webapp.proposals import services as proposals
from webapp.proposals.forms import STATUS_LABELS
from webapp.proposals.lifecycle import OUTCOME_LABELS
from webapp.reports import bp, pdf
from webapp.reports.proposal import ProposalReport, build
from webapp.sittings.agenda import KIND_LABELS as AGENDA_LABELS
from webapp.verdicts.labels import LABELS as VERDICT_LABELS


def _report(slug: str, proposal_id: int) -> ProposalReport:
    jury = db.first_or_404(sa.select(Jury).where(Jury.slug == slug))
    proposal = proposals.proposal_of(jury, proposal_id)
    if proposal is None or proposal.hidden:
        abort(404)
    return build(jury, proposal, now=utcnow())


@bp.get("/juries/<slug>/proposals/<int:proposal_id>/report")
def proposal(slug: str, proposal_id: int) -> str:
    report = _report(slug, proposal_id)
    return render_template(
        "reports/proposal.html",
        report=report,
        jury=report.jury,
        proposal=report.proposal,
        status_labels=STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
        agenda_labels=AGENDA_LABELS,
        verdict_labels=VERDICT_LABELS,
    )


@bp.get("/juries/<slug>/proposals/<int:proposal_id>/report.pdf")
def proposal_pdf(slug: str, proposal_id: int) -> Response:
    report = _report(slug, proposal_id)
    lang = str(get_locale() or report.jury.language)
    document = pdf.report_pdf(report, lang=lang)
    etag = document.digest
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    name = f"{report.jury.slug}-proposal-{report.proposal.id}-{lang}.pdf"
    return Response(
        document.data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "ETag": f'"{etag}"',
            "Cache-Control": "no-cache",
        },
    )
