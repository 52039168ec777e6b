"""The staff's list of a jury's replies: find one by the reference a caller reads out, or list
them by answer and channel, a page at a time.

Nothing personal goes into the URL: the search is a GET form on the reference (a random
number, no personal data), the answer and the channel only; a search by name is a POST form
(the name stays out of URLs and logs). The list shows names, no contact details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from flask import render_template, request
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import Answer, Channel, Reply, User
from webapp.models.replies import full_name
from webapp.replies import bp
from webapp.sittings.checkin import folded

PER_PAGE = 50
# References are read out on the phone: look-alikes read as the digits they stand for (as in
# the reply codes), hyphens and blanks are layout only.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class ReplySearchForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False  # a GET search that changes nothing

    reference = StringField(
        _l("Reference"),
        validators=[Optional(), Length(max=20)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    answer = SelectField(
        _l("Answer"),
        choices=[
            SelectChoice("", _l("All answers")),
            SelectChoice(Answer.YES.value, _l("Volunteers (yes)")),
            SelectChoice(Answer.NO.value, _l("Said no")),
        ],
        default="",
    )
    channel = SelectField(
        _l("Came in"),
        choices=[
            SelectChoice("", _l("All channels")),
            SelectChoice(Channel.ONLINE.value, _l("Online")),
            SelectChoice(Channel.PAPER.value, _l("On paper")),
            SelectChoice(Channel.PHONE.value, _l("By phone")),
        ],
        default="",
    )


class NameSearchForm(FlaskForm):  # type: ignore[misc]
    """Find replies by the resident's name (POST: a name never goes into a URL)."""

    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Name: please type a name or a part of it.")),
            Length(max=100),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def by_name(jury_id: int, text: str) -> list[Reply]:
    """The jury's replies whose name holds every word of ``text`` (accents and case aside),
    newest first; at most a page. Names are compared in Python: SQLite and PostgreSQL fold
    accents differently, and a jury has a few thousand replies at most."""
    words = folded(text).split()
    rows = db.session.execute(
        sa.select(Reply.id, Reply.first_name, Reply.last_name)
        .where(Reply.jury_id == jury_id, Reply.first_name.is_not(None))
        .order_by(Reply.created_at.desc(), Reply.id.desc())
    ).all()
    ids = [
        reply_id
        for reply_id, first, last in rows
        if words and all(w in folded(full_name(first, last)) for w in words)
    ][:PER_PAGE]
    found = {r.id: r for r in db.session.scalars(sa.select(Reply).where(Reply.id.in_(ids)))}
    return [found[i] for i in ids]


def reference_prefix(text: str) -> str:
    """What a caller read out, as the start of a reference: ``7kd2 m9`` -> ``7KD2-M9``."""
    symbols = re.sub(r"[^0-9A-Z]", "", text.upper().translate(_READ_AS))
    return f"{symbols[:4]}-{symbols[4:]}" if len(symbols) > 4 else symbols


def replies_query(jury_id: int, form: ReplySearchForm) -> sa.Select[tuple[Reply]]:
    query = (
        sa.select(Reply)
        .where(Reply.jury_id == jury_id)
        .order_by(Reply.created_at.desc(), Reply.id.desc())
    )
    prefix = reference_prefix(form.reference.data or "")
    if prefix:
        query = query.where(Reply.reference.startswith(prefix, autoescape=True))
    if form.answer.data:
        query = query.where(Reply.answer == form.answer.data)
    if form.channel.data:
        query = query.where(Reply.channel == form.channel.data)
    return query


def staff_names(replies: list[Reply]) -> dict[int, str]:
    """Who keyed in each paper or phone reply on the page: user id -> name."""
    ids = {r.entered_by_id for r in replies if r.entered_by_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all()
    return {user_id: name for user_id, name in rows}


@bp.get("/staff/juries/<int:jury_id>/replies")
@organiser_required
def staff_list(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    form = ReplySearchForm(request.args)
    if not form.validate():
        form = ReplySearchForm(formdata=None)  # an unknown choice in the URL: show them all
    page = db.paginate(
        # Flask-SQLAlchemy's stubs predate SQLAlchemy 2.1's variadic Select.
        cast("sa.Select[Any]", replies_query(jury.id, form)),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
    )
    args = {k: v for k, v in (form.data or {}).items() if v}
    return render_template(
        "replies/staff_list.html",
        jury=jury,
        form=form,
        name_form=NameSearchForm(formdata=None),
        page=page,
        names=staff_names(list(page.items)),
        search_args=args,
    )


@dataclass
class Found:
    """The replies found by name, shaped as the list's page (one page, no links)."""

    items: list[Reply]
    total: int
    pages: int = 1


@bp.post("/staff/juries/<int:jury_id>/replies/by-name")
@organiser_required
def staff_find_by_name(jury_id: int) -> tuple[str, int]:
    jury = jury_for_staff(jury_id)
    name_form = NameSearchForm()
    items = by_name(jury.id, name_form.name.data or "") if name_form.validate() else []
    return render_template(
        "replies/staff_list.html",
        jury=jury,
        form=ReplySearchForm(formdata=None),
        name_form=name_form,
        page=Found(items, len(items)),
        names=staff_names(items),
        search_args={},
        by_name=True,
    ), (200 if not name_form.errors else 400)
