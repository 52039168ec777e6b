"""``flask --app webapp demo load [--if-empty]``: a demo municipality in a few seconds.

One jury with phases around today, eight Saturday sittings at a venue with an agenda
(webapp/demo_calendar.py), a fourth category of its own (education,
with its question in three languages), population targets, a register of 20,000
residents in eight districts, a drawn batch of 1,500 letters and a few hundred replies spread
over districts, ages and genders (some declines, some on paper or by phone), and a completed
draw of the members from the volunteers so far: the transparent lottery (100 panels)
computed by the selection job's own code, committed and drawn with public dice, its 49
members (most confirmed, one declined, two still to answer) and their alternates in rank
order, so that the sittings, tables and verdict pages have members to show; three proposals
(one on the agenda, one with the verdict and the municipality's response), a stipend, check-ins
and the table plan of the first sitting. Everything random
comes from one seeded generator, so two loads give the same municipality (the reply codes,
from the operating system's generator, and the pseudonyms of the draw differ).
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import pandas as pd
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from webapp import demo_codes, lottery
from webapp.auth.services import assign_sitting, create_user
from webapp.categories import services as categories
from webapp.database import utcnow
from webapp.demo_calendar import load_calendar
from webapp.extensions import db
from webapp.invitations import paper
from webapp.invitations import services as invitations
from webapp.juries import services as juries
from webapp.members import services as members
from webapp.models import (
    AgendaKind,
    Answer,
    CategoryAnswer,
    Draw,
    Invitation,
    InvitationStatus,
    JobKind,
    JobStatus,
    Jury,
    Member,
    MemberStatus,
    PhaseKind,
    Reply,
    Role,
    Sitting,
    TablePlan,
    User,
)
from webapp.payments.demo import load_demo_payments
from webapp.proposals.demo import add_demo_proposals
from webapp.replies.services import new_reference
from webapp.selection import draws, runner
from webapp.selection import services as selection_services
from webapp.sittings import checkin, outcomes, plans

demo_cli = AppGroup("demo", help="Demo data.")

PASSWORD = "demo-password-2026"
LOGINS = (
    (Role.ADMINISTRATOR, "admin@demo.example", "Ada Admin"),
    (Role.ORGANISER, "organiser@demo.example", "Olga Organiser"),
    (Role.FACILITATOR, "facilitator@demo.example", "Femi Facilitator"),
)
# District: (share of the population, reply rate): replies are scarcer in some districts.
DISTRICTS = {
    "Centro": (0.10, 0.30),
    "Arganzuela": (0.12, 0.25),
    "Retiro": (0.10, 0.32),
    "Salamanca": (0.12, 0.35),
    "Tetuán": (0.13, 0.18),
    "Usera": (0.13, 0.14),
    "Vallecas": (0.16, 0.15),
    "Moncloa": (0.14, 0.28),
}
REGISTER_SIZE = 20_000
LETTERS = 1_500
PANEL = 49
# The demo jury's own category: (labels nl/es/en, quota group, census share, share among
# volunteers: people with more schooling volunteer more often).
EDUCATION = [
    (("Basisschool of geen", "Primaria o sin estudios", "Primary school or none"), "low", 30.0, 22),
    (
        (
            "Middelbare school of beroepsopleiding",
            "Secundaria o formación profesional",
            "Secondary school or vocational training",
        ),
        "middle",
        42.0,
        40,
    ),
    (("Hogeschool of universiteit", "Universidad", "College or university"), "high", 28.0, 38),
]
LANGUAGE = "es"


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database has any users.")
def load_command(if_empty: bool) -> None:
    """Load the demo municipality; print unused reply codes and the demo logins."""
    if current_app.config.get("SECRETS_MISSING"):
        # The codes' HMAC needs CODE_HMAC_KEY: without it they could never be checked.
        raise click.ClickException("run `flask --app webapp init-instance` first")
    if if_empty and not is_empty():
        click.echo("The database is not empty: no demo data loaded.")
    else:
        demo_codes.remember(load_demo(rng=random.Random(2026)))
        db.session.commit()
        click.echo("Demo data loaded.")
        missing = paper.missing(LANGUAGE)
        if missing:
            names = ", ".join(m.setting for m in missing)
            click.echo(f"The demo draw has no letters: set {names} in instance/config.py.")
    codes = demo_codes.unused()
    db.session.commit()
    if codes:
        url = f"{str(current_app.config['PUBLIC_BASE_URL']).rstrip('/')}/reply"
        click.echo(f"Reply codes of demo letters nobody has answered yet (try them on {url}):")
        for code in codes:
            click.echo(f"  {code}")
    click.echo(f"Demo logins (password for each: {PASSWORD}):")
    for role, email, _name in LOGINS:
        click.echo(f"  {role.value:<14} {email}")


def load_demo(*, rng: random.Random, today: date | None = None) -> list[str]:
    """Fill an empty database with the demo; returns three unanswered reply codes."""
    today = today or date.today()
    first = create_user(email=LOGINS[0][1], name=LOGINS[0][2], role=LOGINS[0][0], password=PASSWORD)
    users = {first.role: first}
    for role, email, name in LOGINS[1:]:
        # Same password: one argon2 hash (about half a second each) is enough.
        users[role] = User(email=email, name=name, role=role, password_hash=first.password_hash)
        db.session.add(users[role])
    db.session.flush()
    jury = _jury(users[Role.ORGANISER], today)
    assign_sitting(user=users[Role.FACILITATOR], sitting_id=jury.sittings[0].id)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-register.csv"
        _register(rng).to_csv(path, index=False)
        upload = invitations.Staged(token="demo", path=path, filename="demo-register.csv")
        request = invitations.DrawRequest(
            columns=lottery.RegisterColumns(
                stratum="district",
                household=("street", "number"),
                id="person_id",
                addressee="name",
                address=("street+number",),  # "Calle 1 5" on one line
                gender="gender",
                birth_year="birth_year",
            ),
            n=LETTERS,
            weights_text="Usera=1.5,Vallecas=1.5,Tetuán=1.3",
            seed_text=f"demo {today.isoformat()}",
            language=LANGUAGE,
        )
        # Letters (the PDF and the printer's CSV) when the letter settings are there, as
        # `make run` writes them into instance/config.py.
        letters = not paper.missing(LANGUAGE)
        batch = invitations.run_draw(
            jury, upload, request, user=users[Role.ORGANISER], make_letters=letters
        )
    codes = demo_codes.printed_codes(batch) if letters else demo_codes.fresh_codes(batch.id)
    _replies(jury, rng, today, users[Role.ORGANISER])
    _completed_selection(jury, users[Role.ORGANISER])
    add_demo_proposals(jury, today)
    load_demo_payments(jury, users[Role.ORGANISER], today=today)
    first_sitting(jury, users[Role.ORGANISER])
    return codes


def first_sitting(jury: Jury, organiser: User) -> None:
    """If the demo jury has confirmed members: a few checked in at its first sitting (one
    late) and its table plan, made from the confirmed members with a fixed seed."""
    sitting = jury.sittings[0]
    confirmed = plans.to_seat(sitting, plans.Source.CONFIRMED)
    if not confirmed:
        return
    for n, member_id in enumerate(confirmed[:5]):
        member = db.session.get_one(Member, member_id)
        at = sitting.starts_at + timedelta(minutes=12 if n == 4 else 0)
        checkin.check_in(sitting, member, at=at, user=organiser)
    modes = {key: "strict" for key in categories.category_keys(jury)}
    settings = plans.Settings(plans.Source.CONFIRMED, table_size=7, categories=modes, seed=2026)
    plan = plans.make(sitting, settings, user=organiser)
    _table_outcome(sitting, plan)


def _table_outcome(sitting: Sitting, plan: TablePlan | None) -> None:
    """What the facilitator's table wrote at the table round (the other tables have not
    written yet), with a straw vote that fits the members present at it."""
    round_ = next((i for i in sitting.agenda if i.kind == AgendaKind.TABLE_ROUND), None)
    if plan is None or round_ is None or not plan.breakouts:
        return
    table = next((b for b in plan.breakouts if b.facilitator_id), plan.breakouts[0])
    present = outcomes.present_at_table(plan, table.number)
    votes_for = (present + 1) // 2
    outcomes.save(
        sitting,
        table.number,
        round_,
        outcomes.Fields(
            summary="La mesa apoya más sombra en las plazas, empezando por los barrios con "
            "menos árboles.",
            arguments_for="Los veranos son más calurosos; los mayores no salen a mediodía.",
            arguments_against="El coste del riego; las obras cierran la plaza meses.",
            amendments="Plantar primero junto a los colegios y los centros de mayores.",
            votes_for=votes_for,
            votes_against=present - votes_for,
            votes_abstain=0,
        ),
        base_version=0,
        present=present,
        user=table.facilitator,
    )


DEMO_PANELS = 100  # a real draw uses 1,000; 100 keeps `demo load` within a few seconds
DEMO_SOURCE = "Cinco dados lanzados en la reunión pública de demostración"
DEMO_DICE = "4 2 6 1 5"
UNANSWERED = 2  # members the confirmation caller still has to reach


def _completed_selection(jury: Jury, organiser: User) -> None:
    """The members' draw, as an organiser makes it: a selection job run by the worker's
    code (here in the command, not the web process), the public randomness entered, then
    the members' answers. Committed."""
    job = selection_services.create_job(
        jury,
        user=organiser,
        kind=JobKind.SELECTION,
        parameters={"source": DEMO_SOURCE, "panels": DEMO_PANELS},
    )
    db.session.commit()
    runner.run_selection(job.id)
    db.session.refresh(job)
    if job.status != JobStatus.DONE or not job.result:
        raise click.ClickException(f"the demo draw could not be computed: {job.error}")
    draw = db.session.get_one(Draw, job.result["draw_id"])
    draws.enter_randomness(draw, DEMO_DICE)
    seated = [m for m in members.members_of(jury) if m.status == MemberStatus.SELECTED]
    declined, *others = seated
    members.answer(declined, "decline", via="code")
    for member in others[: len(others) - UNANSWERED]:
        members.answer(member, "confirm", via="staff")
    db.session.commit()


def _jury(organiser: User, today: date) -> Jury:
    details = juries.JuryDetails(
        name="Observatorio de la Ciudad (demo)",
        purpose={
            "en": "Residents picked by lot look at the most supported proposal on the city's "
            "platform and advise whether it should go to a city-wide vote.",
            "es": "Vecinos elegidos por sorteo estudian la propuesta con más apoyos en la "
            "plataforma de la ciudad y aconsejan si debe ir a una votación de toda la ciudad.",
            "nl": "Inwoners die door loting zijn gekozen, bekijken het voorstel met de meeste "
            "steun op het platform van de stad en adviseren of het naar een stemming in de "
            "hele stad moet.",
        },
        decision={
            "en": "The city council follows the advice or explains within 90 days why not.",
            "es": "El ayuntamiento sigue el consejo o explica en 90 días por qué no.",
            "nl": "De gemeenteraad volgt het advies of legt binnen 90 dagen uit waarom niet.",
        },
        language="es",
        panel_size=PANEL,
        minimum_age=16,
        reply_deadline=today + timedelta(days=14),
        retention_days=365,
        declarations=(
            {"en": "I live in the city.", "es": "Vivo en la ciudad.", "nl": "Ik woon in de stad."},
            {
                "en": "I do not hold a political office.",
                "es": "No tengo un cargo político.",
                "nl": "Ik heb geen politieke functie.",
            },
            {
                "en": "I do not work for the city council.",
                "es": "No trabajo para el ayuntamiento.",
                "nl": "Ik werk niet voor de gemeente.",
            },
        ),
        districts=tuple(DISTRICTS),
        category_mapping={
            "gender": {"female": "female", "male": "male", "non_binary": "other"}
            | {"undisclosed": "other"},
            "age_bands": [16, 30, 45, 65],
        },
    )
    jury = juries.create_jury(details, creator=organiser)
    spans = {
        PhaseKind.INVITATIONS: (today - timedelta(days=40), today - timedelta(days=15)),
        PhaseKind.REPLIES: (today - timedelta(days=14), today + timedelta(days=14)),
        PhaseKind.SELECTION: (today + timedelta(days=15), today + timedelta(days=30)),
        PhaseKind.SITTINGS: (today + timedelta(days=31), today + timedelta(days=120)),
        PhaseKind.REPORT: (today + timedelta(days=121), today + timedelta(days=150)),
    }
    juries.set_phases(jury, spans)
    load_calendar(jury, today + timedelta(days=31))
    targets = [juries.Target("district", d, round(s * 100, 1)) for d, (s, _r) in DISTRICTS.items()]
    targets += [juries.Target("gender", "female", 51.5), juries.Target("gender", "male", 47.5)]
    targets += [juries.Target("gender", "other", 1.0)]
    for band, share in (("16-29", 18.0), ("30-44", 26.0), ("45-64", 33.0), ("65+", 23.0)):
        targets.append(juries.Target("age", band, share))
    targets += [juries.Target("education", value, share) for _l, value, share, _v in EDUCATION]
    _education(jury)
    juries.set_targets(jury, targets)
    return jury


def _education(jury: Jury) -> None:
    """A fourth category beside district, gender and age, with its question in three languages."""
    categories.save_category(
        jury,
        categories.CategoryText(
            key="education",
            name={"nl": "Opleiding", "es": "Estudios", "en": "Education"},
            question={
                "nl": "Wat is de hoogste opleiding die u hebt afgemaakt?",
                "es": "¿Cuál es el nivel de estudios más alto que ha terminado?",
                "en": "What is the highest level of education you have finished?",
            },
            options=tuple(
                categories.OptionText(
                    key="", label=dict(zip(("nl", "es", "en"), labels, strict=True)), value=v
                )
                for labels, v, _share, _w in EDUCATION
            ),
        ),
    )


def _education_answers(jury: Jury, rng: random.Random) -> None:
    """Every volunteer of the demo answered the education question."""
    category = categories.own_categories(jury)[0]
    keys = [o["key"] for o in category.options]
    weights = [w for _l, _v, _s, w in EDUCATION]
    volunteers = db.session.scalars(
        sa.select(Reply.id).filter_by(jury_id=jury.id, answer=Answer.YES).order_by(Reply.id)
    ).all()
    db.session.execute(
        sa.insert(CategoryAnswer),
        [
            {"reply_id": r, "category_id": category.id, "option": rng.choices(keys, weights)[0]}
            for r in volunteers
        ],
    )


def _register(rng: random.Random) -> pd.DataFrame:
    """Two residents per address; a district per address, by population share."""
    names, weights = list(DISTRICTS), [s for s, _r in DISTRICTS.values()]
    year = date.today().year
    rows = []
    for home in range(REGISTER_SIZE // 2):
        district = rng.choices(names, weights=weights)[0]
        for person in range(2):
            age = 16 + int(rng.triangular(0, 80, 20))  # roughly a city's adult ages
            rows.append(
                {
                    "person_id": f"P{home:05d}{person}",
                    "name": f"Resident {home}-{person}",
                    "street": f"Calle {home // 25 + 1}",
                    "number": str(home % 25 + 1),
                    "district": district,
                    "gender": rng.choices(["female", "male"], weights=[52, 48])[0],
                    "birth_year": str(year - age),
                }
            )
    return pd.DataFrame(rows)


def _replies(jury: Jury, rng: random.Random, today: date, organiser: User) -> None:
    """Replies at each district's rate, older residents and women a little more often."""
    invitations_ = db.session.execute(
        sa.select(Invitation.id, Invitation.stratum)
        .filter_by(jury_id=jury.id)
        .order_by(Invitation.id)
    ).all()[: -demo_codes.SHOWN]  # the last ones keep their printed codes unanswered
    sittings = [str(s.id) for s in jury.sittings]
    rows: list[dict[str, Any]] = []
    for invitation_id, district in invitations_:
        if rng.random() >= DISTRICTS[district][1]:
            continue
        rows.append(_reply(rng, invitation_id, district, jury, sittings, today, organiser))
    db.session.execute(sa.insert(Reply), rows)
    replied = [r["invitation_id"] for r in rows]
    db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id.in_(replied))
        .values(status=InvitationStatus.REPLIED)
    )
    _education_answers(jury, rng)
    db.session.flush()


# Names for the demo's volunteers (Madrid's and Rotterdam's residents alike), so that the
# check-in desk, table cards and members pages show people rather than references.
FIRST_NAMES = {
    "female": (
        "María",
        "Carmen",
        "Lucía",
        "Ana",
        "Laura",
        "Marta",
        "Sofía",
        "Elena",
        "Paula",
        "Noa",
        "Fatima",
        "Sanne",
        "Anouk",
        "Lotte",
        "Femke",
        "Inge",
        "Yasmina",
        "Ximena",
    ),
    "male": (
        "José",
        "Antonio",
        "Manuel",
        "Javier",
        "David",
        "Pablo",
        "Hugo",
        "Álvaro",
        "Sergio",
        "Daan",
        "Bram",
        "Joris",
        "Pieter",
        "Mohamed",
        "Youssef",
        "Thijs",
        "Íñigo",
        "Luis",
    ),
}
LAST_NAMES = (
    "García López",
    "Fernández",
    "González Ruiz",
    "Rodríguez",
    "Martínez Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez Díaz",
    "Hernández",
    "Muñoz",
    "Álvarez",
    "de Vries",
    "van den Berg",
    "Jansen",
    "Bakker",
    "Visser",
    "de Jong",
    "El Amrani",
    "Smit",
    "van Dijk",
    "Mulder",
    "Ibáñez",
    "Núñez del Río",
)


def demo_name(invitation_id: int, gender: str | None) -> tuple[str, str]:
    """A plausible first and last name, the same for an invitation at every load (its own
    random stream, so that the demo's other draws do not shift)."""
    rng = random.Random(f"name-{invitation_id}")
    firsts = FIRST_NAMES.get(gender or "") or FIRST_NAMES[rng.choice(list(FIRST_NAMES))]
    return rng.choice(firsts), rng.choice(LAST_NAMES)


def _reply(
    rng: random.Random,
    invitation_id: int,
    district: str,
    jury: Jury,
    sittings: list[str],
    today: date,
    organiser: User,
) -> dict[str, Any]:
    channel = rng.choices(["online", "paper", "phone"], weights=[70, 20, 10])[0]
    # Replies came in over the two weeks since the letters, most of them early on (UTC, as
    # the database stores times), so that the staff dashboard has days to show.
    received = utcnow() - timedelta(days=rng.triangular(0, 14, 13), minutes=rng.randrange(600))
    volunteers = rng.random() < 0.75
    age = min(90, 16 + int(rng.triangular(0, 70, 40)))
    gender = (
        rng.choices(["female", "male", "non_binary", "undisclosed"], weights=[54, 43, 2, 1])[0]
        if volunteers
        else None
    )
    first, last = demo_name(invitation_id, gender) if volunteers else (None, None)
    return {
        "invitation_id": invitation_id,
        "jury_id": jury.id,
        "reference": new_reference(),
        "channel": channel,
        "answer": "yes" if volunteers else "no",
        "birth_year": today.year - age if volunteers else None,
        "first_name": first,
        "last_name": last,
        "gender": gender,
        "district": district,
        "email": f"resident{invitation_id}@example.org" if volunteers else None,
        "availability": {s: rng.random() < 0.85 for s in sittings} if volunteers else {},
        "support_needs": ["childcare"] if volunteers and rng.random() < 0.1 else [],
        "declarations": [d["es"] for d in jury.declarations] if volunteers else [],
        "consent": volunteers,
        "language": LANGUAGE,
        "entered_by_id": organiser.id if channel != "online" else None,
        # Replies came in over the two weeks since the letters, most of them early on (UTC,
        # as the database stores times), so that the staff dashboard has days to show.
        "created_at": received,
        "updated_at": received,
    }
