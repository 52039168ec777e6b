"""The facilitator's view of their own table at a sitting (on a phone), and the staff page
with every table's outcomes.

The facilitator's page has one ordinary form per agenda item with a Save button;
static/js/table-outcomes.js saves as they type (JSON answers from the same route), keeps
every keystroke in the browser and sends it when the connection is back. A save from an
older version gets 409 and both texts.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.access import organiser_required, sitting_for_staff, staff_required
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import AgendaItem, Breakout, Sitting
from webapp.sittings import bp, outcomes, plans
from webapp.sittings.agenda import KIND_LABELS
from webapp.sittings.table_plan import _scope

WHOLE = "whole"


def _my_table(sitting: Sitting) -> Breakout | None:
    plan = plans.plan_of(sitting)
    if plan is None:
        return None
    return next((b for b in plan.breakouts if b.facilitator_id == current_user.id), None)


def _item(sitting: Sitting, text: str | None) -> AgendaItem | None:
    """The agenda item a form names (``whole``: the whole sitting); 404 when not this
    sitting's."""
    if text == WHOLE:
        return None
    try:
        item_id = int(text or "")
    except ValueError:
        abort(404)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.sitting_id != sitting.id:
        abort(404)
    return item


def _number(name: str) -> int | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise outcomes.OutcomeError(name, "not a number") from None


def _text(name: str) -> str:
    return (request.form.get(name) or "").replace("\r\n", "\n")


def _posted_texts() -> outcomes.Fields:
    """What was posted, as far as it can be read (for showing it back with an error)."""
    return outcomes.Fields(
        summary=_text("summary"),
        arguments_for=_text("arguments_for"),
        arguments_against=_text("arguments_against"),
        amendments=_text("amendments"),
    )


def _posted() -> outcomes.Fields:
    texts = _posted_texts()
    return outcomes.Fields(
        summary=texts.summary,
        arguments_for=texts.arguments_for,
        arguments_against=texts.arguments_against,
        amendments=texts.amendments,
        votes_for=_number("votes_for"),
        votes_against=_number("votes_against"),
        votes_abstain=_number("votes_abstain"),
    )


def error_message(error: outcomes.OutcomeError, present: int, cast: int) -> str:
    if error.message == "more than present":
        return str(
            _(
                "The straw vote counts %(cast)s, but %(present)s members are present at this "
                "table: for, against and abstain together may not be more.",
                cast=cast,
                present=present,
            )
        )
    if error.message == "negative":
        return str(_("A number of votes cannot be below zero."))
    if error.message == "not a number":
        return str(_("Write the number of votes as a whole number, like 3."))
    return str(_("This text is too long: at most %(max)s characters.", max=outcomes.MAX_TEXT))


CONFLICT = _l(
    "Someone else changed this item since you started. Both texts are shown: keep yours, "
    "take theirs, or merge them by hand and save."
)


def _current_json(found: outcomes.OutcomeView | None) -> dict[str, Any]:
    if found is None:
        return {"version": 0, "fields": outcomes.Fields().as_dict()}
    return {"version": found.version, "fields": found.fields.as_dict()}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _page(
    sitting: Sitting,
    table: Breakout,
    *,
    posted: dict[int | None, dict[str, Any]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    plan = table.plan
    present = outcomes.present_at_table(plan, table.number)
    stored = outcomes.table_outcomes(sitting, table.number)
    rows = []
    for item in outcomes.outcome_items(sitting):
        key = item.id if item is not None else None
        found = stored.get(key)
        row: dict[str, Any] = {
            "item": item,
            "key": str(item.id) if item is not None else WHOLE,
            "fields": found.fields if found else outcomes.Fields(),
            "version": found.version if found else 0,
            "saved_at": found.updated_at if found else None,
            "error": None,
            "theirs": None,
        }
        row.update((posted or {}).get(key, {}))
        rows.append(row)
    return render_template(
        "sittings/my_table.html",
        sitting=sitting,
        jury=sitting.jury,
        table=table,
        present=present,
        rows=rows,
        kind_labels=KIND_LABELS,
        conflict_message=str(CONFLICT),
    ), status


@bp.route("/staff/sittings/<int:sitting_id>/my-table", methods=["GET", "POST"])
@staff_required
def my_table(sitting_id: int) -> Any:
    """The facilitator's own table: the outcome of each agenda item; POST saves one item
    (a form post, or JSON for the script)."""
    sitting = sitting_for_staff(sitting_id)
    table = _my_table(sitting)
    if table is None:
        if request.method == "POST":
            abort(404)
        flash(_("You lead no table at this sitting."), "error")
        return redirect(url_for(".sitting", sitting_id=sitting.id))
    if request.method == "GET":
        return _page(sitting, table)
    item = _item(sitting, request.form.get("item"))
    key = item.id if item is not None else None
    try:
        base = int(request.form.get("version") or "0")
    except ValueError:
        abort(400)
    present = outcomes.present_at_table(table.plan, table.number)
    try:
        fields = _posted()
        saved = outcomes.save(
            sitting,
            table.number,
            item,
            fields,
            base_version=base,
            present=present,
            user=current_user,
        )
    except outcomes.OutcomeError as error:
        db.session.rollback()
        cast = fields.votes_cast if error.field == "votes" else 0
        message = error_message(error, present, cast)
        if _wants_json():
            return jsonify(ok=False, field=error.field, message=message), 400
        shown = _posted_texts() if error.message == "not a number" else fields
        return _page(
            sitting,
            table,
            posted={key: {"fields": shown, "version": base, "error": message}},
            status=400,
        )
    except outcomes.Conflict as conflict:
        db.session.rollback()
        theirs = _current_json(conflict.current)
        if _wants_json():
            return jsonify(ok=False, conflict=True, current=theirs, message=str(CONFLICT)), 409
        return _page(
            sitting,
            table,
            posted={
                key: {
                    "fields": fields,
                    "version": theirs["version"],
                    "error": str(CONFLICT),
                    "theirs": conflict.current.fields if conflict.current else outcomes.Fields(),
                }
            },
            status=409,
        )
    db.session.commit()
    saved_at = format_time(saved.updated_at, "HH:mm")
    message = _("Saved at %(time)s", time=saved_at)
    if _wants_json():
        return jsonify(ok=True, version=saved.version, saved_at=saved_at, message=message)
    flash(message, "success")
    return redirect(
        url_for(".my_table", sitting_id=sitting.id) + f"#item-{request.form.get('item')}"
    )


@bp.get("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/outcomes")
@organiser_required
def sitting_outcomes(jury_id: int, sitting_id: int) -> str:
    """Every table's outcomes, per agenda item (for the jury's staff; printable)."""
    jury, sitting = _scope(jury_id, sitting_id)
    found = outcomes.outcomes_of_sitting(sitting)
    groups: list[tuple[AgendaItem | None, list[outcomes.OutcomeView]]] = []
    by_item = {i.id if i is not None else None: i for i in outcomes.outcome_items(sitting)}
    for view in found:
        if not groups or groups[-1][0] is not by_item.get(view.agenda_item_id):
            groups.append((by_item.get(view.agenda_item_id), []))
        groups[-1][1].append(view)
    plan = plans.plan_of(sitting)
    return render_template(
        "sittings/outcomes.html",
        jury=jury,
        sitting=sitting,
        groups=groups,
        tables=plan.tables if plan else 0,
        kind_labels=KIND_LABELS,
    )
