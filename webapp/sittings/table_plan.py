"""The table plan of a sitting, for the jury's staff: make it (again, by seed), see it with
its measures, move members by hand, give tables their facilitators, print the table cards."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.categories.services import category_keys, category_labels
from webapp.extensions import db
from webapp.models import Jury, Sitting, TablePlan
from webapp.sittings import bp, checkin, plans, seating
from webapp.sittings.attendance_forms import MoveForm, PlanForm, mixing, plan_form
from webapp.sittings.services import jury_sitting


def _scope(jury_id: int, sitting_id: int) -> tuple[Jury, Sitting]:
    jury = jury_for_staff(jury_id)
    sitting = jury_sitting(jury, sitting_id)
    if sitting is None:
        abort(404)
    return jury, sitting


def _plan_form(jury: Jury, sitting: Sitting, plan: TablePlan | None) -> PlanForm:
    keys = category_keys(jury)
    if request.method == "POST":
        return plan_form(keys, category_labels(jury))
    data: dict[str, Any] = {"source": str(plans.default_source(sitting)), "table_size": 7}
    if plan is not None:
        data["source"], data["table_size"] = plan.source, plan.table_size
        data.update({f"mix_{k}": plan.categories.get(k, "off") for k in keys})
    return plan_form(keys, category_labels(jury), data=data)


def _page(jury: Jury, sitting: Sitting, form: PlanForm, status: int = 200) -> tuple[str, int]:
    plan = plans.plan_of(sitting)
    tables, unseated = seating.table_views(plan) if plan else ([], [])
    keys = category_keys(jury)
    return render_template(
        "sittings/table_plan.html",
        jury=jury,
        sitting=sitting,
        plan=plan,
        tables=tables,
        unseated=unseated,
        seated=sum(len(t.people) for t in tables),
        form=form,
        mix_fields=[form[f"mix_{k}"] for k in keys],
        move=MoveForm(),
        staff=plans.facilitators(sitting),
        counts={
            "present": len(plans.to_seat(sitting, plans.Source.PRESENT)),
            "confirmed": len(plans.to_seat(sitting, plans.Source.CONFIRMED)),
        },
        labels=category_labels(jury),
    ), status


@bp.get("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/tables")
@organiser_required
def table_plan(jury_id: int, sitting_id: int) -> tuple[str, int]:
    jury, sitting = _scope(jury_id, sitting_id)
    return _page(jury, sitting, _plan_form(jury, sitting, plans.plan_of(sitting)))


@bp.post("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/tables")
@organiser_required
def make_table_plan(jury_id: int, sitting_id: int) -> Response | tuple[str, int]:
    """Make the plan, or make it again (a new seed, or the one given)."""
    jury, sitting = _scope(jury_id, sitting_id)
    form = _plan_form(jury, sitting, None)
    if not form.validate_on_submit():
        return _page(jury, sitting, form, 400)
    settings = plans.Settings(
        source=plans.Source(form.source.data),
        table_size=form.table_size.data,
        categories=mixing(form, category_keys(jury)),
        seed=int(form.seed.data) if (form.seed.data or "").strip() else None,
    )
    try:
        plans.make(sitting, settings, user=current_user)
    except plans.PlanError:
        db.session.rollback()
        form.source.errors.append(
            _("Nobody to seat: check members in first, or seat the confirmed members.")
        )
        return _page(jury, sitting, form, 400)
    except plans.PlanChanged:
        db.session.rollback()
        flash(_("Someone else made the plan at the same moment; this is theirs."), "error")
        return redirect(url_for(".table_plan", jury_id=jury.id, sitting_id=sitting.id))
    db.session.commit()
    flash(_("The table plan is made."), "success")
    return redirect(url_for(".table_plan", jury_id=jury.id, sitting_id=sitting.id))


def _no_plan(jury: Jury, sitting: Sitting) -> Response:
    flash(_("This sitting has no table plan yet."), "error")
    return redirect(url_for(".table_plan", jury_id=jury.id, sitting_id=sitting.id))


@bp.post("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/tables/move")
@organiser_required
def move_member(jury_id: int, sitting_id: int) -> Response:
    """Seat a member at another table (table 0: out of the plan)."""
    jury, sitting = _scope(jury_id, sitting_id)
    plan = plans.plan_of(sitting, lock=True)
    if plan is None:
        return _no_plan(jury, sitting)
    form = MoveForm()
    back = redirect(url_for(".table_plan", jury_id=jury.id, sitting_id=sitting.id))
    if not form.validate_on_submit():
        flash(_("Choose a table to move the member to."), "error")
        return back
    member_id, number = int(form.member.data), form.table.data
    name = checkin.names([member_id]).get(member_id, checkin.NOBODY).name
    try:
        if number == 0:
            plans.unseat(plan, member_id)
        else:
            plans.move(plan, member_id, number)
    except plans.PlanError:
        db.session.rollback()
        flash(_("This member cannot be seated at that table."), "error")
        return back
    db.session.commit()
    if number == 0:
        flash(_("%(name)s is taken out of the plan.", name=name), "success")
    else:
        flash(_("%(name)s now sits at table %(number)s.", name=name, number=number), "success")
    return back


@bp.post("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/tables/facilitators")
@organiser_required
def table_facilitators(jury_id: int, sitting_id: int) -> Response:
    """Facilitators per table (fields ``table-<number>``: a user id, or empty for none)."""
    jury, sitting = _scope(jury_id, sitting_id)
    plan = plans.plan_of(sitting, lock=True)
    if plan is None:
        return _no_plan(jury, sitting)
    back = redirect(url_for(".table_plan", jury_id=jury.id, sitting_id=sitting.id))
    chosen: dict[int, int | None] = {}
    try:
        for number in range(1, plan.tables + 1):
            text = (request.form.get(f"table-{number}") or "").strip()
            chosen[number] = int(text) if text else None
    except ValueError:
        flash(_("Choose a facilitator from the list."), "error")
        return back
    try:
        plans.set_facilitators(plan, chosen)
    except plans.PlanError:
        db.session.rollback()
        flash(_("Each facilitator leads one table, and must be assigned to the sitting."), "error")
        return back
    db.session.commit()
    flash(_("The facilitators are saved."), "success")
    return back


@bp.get("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/tables/cards")
@organiser_required
def table_cards(jury_id: int, sitting_id: int) -> str | Response:
    """One card per table, to print: the number and first names."""
    jury, sitting = _scope(jury_id, sitting_id)
    plan = plans.plan_of(sitting)
    if plan is None:
        return _no_plan(jury, sitting)
    return render_template(
        "sittings/table_cards.html", jury=jury, sitting=sitting, cards=seating.cards(plan)
    )
