"""The demo's proposals: three imported from a participatory platform, the most supported on
the jury's agenda, one with the jury's verdict and the municipality's response (so the
traffic light shows every step), and the response settings' defaults."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from webapp.extensions import db
from webapp.models.juries import Jury
from webapp.models.proposals import Proposal, ProposalSource, ProposalStatus, VerdictOutcome
from webapp.proposals import lifecycle

DEMO_PROPOSALS = (
    (
        "demo-1",
        "Shade trees and water fountains on every school route",
        "Plant trees and put drinking fountains along the walking routes to primary schools, "
        "so children can walk in summer heat.",
        812,
    ),
    (
        "demo-2",
        "A night bus between the districts on weekends",
        "Run a bus every 30 minutes between midnight and 5 am on Fridays and Saturdays.",
        655,
    ),
    (
        "demo-3",
        "Open school playgrounds to everyone after hours",
        "Keep school playgrounds open until 9 pm and at weekends, with a caretaker.",
        431,
    ),
)
RESPONSE = {
    "nl": "Het college neemt het gewijzigde voorstel over: de bus rijdt vanaf 1 maart op "
    "proef, een jaar lang.",
    "es": "El gobierno municipal acepta la propuesta enmendada: el autobús circulará a prueba "
    "durante un año a partir del 1 de marzo.",
    "en": "The council adopts the amended proposal: the bus runs as a one-year trial from 1 March.",
}


def add_demo_proposals(jury: Jury, today: date) -> None:
    stored = []
    for external_id, title, summary, supports in DEMO_PROPOSALS:
        proposal = Proposal(
            jury_id=jury.id,
            source=ProposalSource.CSV,
            external_id=external_id,
            title=title,
            summary=summary,
            supports=supports,
            status=ProposalStatus.RECEIVED,
            hidden=False,
        )
        db.session.add(proposal)
        stored.append(proposal)
    db.session.flush()
    stored[0].status = ProposalStatus.ON_AGENDA
    decided = datetime.combine(today - timedelta(days=40), time(16, 30))
    lifecycle.verdict_reached(stored[1], VerdictOutcome.AMENDED, decided)
    lifecycle.publish_response(stored[1], RESPONSE, decided + timedelta(days=30))
    db.session.flush()
