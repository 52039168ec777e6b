"""The demo jury's calendar: a venue with its accessibility notes in three languages, two
proposals (the most supported goes on the agenda), eight Saturdays from 10:00 to 17:00 with
one holiday skipped, and a full agenda for the first sitting."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from webapp.extensions import db
from webapp.models import AgendaKind, Jury
from webapp.models.proposals import Proposal, ProposalSource
from webapp.sittings import agenda
from webapp.sittings import services as sittings

VENUE = sittings.VenueDetails(
    name="Palacio de Cibeles",
    address="Plaza de Cibeles 1, 28014 Madrid",
    step_free=True,
    hearing_loop=True,
    accessible_toilet=True,
    childcare=True,
    accessibility={
        "en": "Step-free entrance on Calle de Montalbán, with a lift to the Sala de Columnas. "
        "A quiet room is on the same floor.",
        "es": "Entrada sin escalones por la calle de Montalbán, con ascensor a la Sala de "
        "Columnas. En la misma planta hay una sala tranquila.",
        "nl": "Drempelvrije ingang aan de Calle de Montalbán, met een lift naar de Sala de "
        "Columnas. Op dezelfde verdieping is een stille ruimte.",
    },
    directions={
        "en": "Metro Banco de España (line 2). Travel costs are paid back.",
        "es": "Metro Banco de España (línea 2). Se reembolsan los gastos de viaje.",
        "nl": "Metro Banco de España (lijn 2). Reiskosten worden vergoed.",
    },
)
PROPOSALS = (
    ("DEMO-1", "More shade and drinking fountains in the city's squares", 4120),
    ("DEMO-2", "Free public transport for residents under 18", 2890),
)
# (kind, start, minutes, titles)
AGENDA: tuple[tuple[AgendaKind, time, int, dict[str, str]], ...] = (
    (AgendaKind.WELCOME, time(10), 30, {"en": "Welcome", "es": "Bienvenida", "nl": "Welkom"}),
    (AgendaKind.PROPOSER, time(10, 30), 45, {}),
    (AgendaKind.EXPERTS, time(11, 15), 60, {}),
    (AgendaKind.BREAK, time(12, 15), 45, {"en": "Lunch", "es": "Comida", "nl": "Lunch"}),
    (AgendaKind.TABLE_ROUND, time(13), 120, {}),
    (AgendaKind.BREAK, time(15), 15, {}),
    (AgendaKind.PLENARY_VOTE, time(15, 15), 90, {}),
)


def load_calendar(jury: Jury, first_day: date) -> None:
    for external_id, title, supports in PROPOSALS:
        db.session.add(
            Proposal(
                jury_id=jury.id,
                source=ProposalSource.CSV,
                external_id=external_id,
                title=title,
                supports=supports,
            )
        )
    db.session.flush()
    venue = sittings.save_venue(jury, VENUE)
    first = sittings.next_saturday(first_day - timedelta(days=1))
    series = sittings.Series(first_day=first, skip=(first + timedelta(weeks=2),))
    made = sittings.generate_series(
        jury, series, place="", venue=venue, proposals=sittings.suggested_proposals(jury)
    )
    for kind, starts, minutes, titles in AGENDA:
        agenda.add_item(
            made[0],
            kind=kind,
            starts_at=datetime.combine(made[0].starts_at.date(), starts),
            minutes=minutes,
            title=titles,
        )
