"""The census page: population shares and tolerance, the quotas they give, the feasibility
check (in the page without script, and as JSON for the live check), and the census upload."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.models import Jury
from webapp.pool.services import QuotaRow, Volunteer, pool, quota_rows
from webapp.quotas import bp, census, check
from webapp.quotas.forms import CensusFileForm, CensusForm, census_form


@bp.route("/staff/juries/<int:jury_id>/quotas", methods=["GET", "POST"])
@organiser_required
def census_page(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    people, left_out = pool(jury)
    form = census_form(census.census(jury, people))
    if not form.is_submitted():
        _fill(form, jury)
        return _render(form, jury, people, left_out, rows=quota_rows(jury))
    if not form.validate_on_submit():
        return _render(form, jury, people, left_out, rows=None)
    if request.form.get("action") == "save":
        census.save_shares(jury, form.shares(), categories={c.key for c in form.categories})
        jury.quota_tolerance = form.tolerance.data
        db.session.commit()
        flash(_("The population shares are saved."), "success")
        return redirect(url_for(".census_page", jury_id=jury.id))
    rows = check.rows_from_shares(jury, form.shares(), tolerance=form.tolerance.data)
    return _render(form, jury, people, left_out, rows=rows)


@bp.post("/staff/juries/<int:jury_id>/quotas/check")
@organiser_required
def check_json(jury_id: int) -> tuple[Response, int]:
    """The live check of the shares typed so far (nothing is stored): the quotas they give,
    the notes per quota and per category, and the summary as HTML to put in the page."""
    jury = jury_for_staff(jury_id)
    people, _left_out = pool(jury)
    form = census_form(census.census(jury, people))
    if not form.validate_on_submit():
        return jsonify(ok=False, errors=[m for _id, m in form.summary()]), 400
    rows = check.rows_from_shares(jury, form.shares(), tolerance=form.tolerance.data)
    outcome = check.check(jury, people, rows)
    fields = {(c.key, g.value): g.field for c in form.categories for g in c.groups}
    return jsonify(
        ok=True,
        status=str(outcome.status),
        quotas={fields[(r.category, r.value)]: f"{r.min}–{r.max}" for r in rows},
        notes={fields[key]: notes for key, notes in outcome.by_quota.items() if key in fields},
        categories=outcome.by_category,
        summary=render_template("quotas/_outcome.html", outcome=outcome, jury=jury),
    ), 200


@bp.post("/staff/juries/<int:jury_id>/quotas/upload")
@organiser_required
def upload(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    file_form = CensusFileForm()
    problems: list[str] = []
    if file_form.validate_on_submit():
        upload = file_form.file.data
        try:
            shares = census.read_census_file(upload.read(), upload.filename or "census.csv", jury)
        except census.CensusFileError as exc:
            problems = exc.problems
        else:
            census.save_shares(jury, shares, categories=set(shares))
            db.session.commit()
            flash(_("The population shares from the file are saved."), "success")
            return redirect(url_for(".census_page", jury_id=jury.id))
    problems += [str(e) for e in file_form.file.errors]
    people, left_out = pool(jury)
    form = census_form(census.census(jury, people))
    _fill(form, jury)
    return _render(form, jury, people, left_out, rows=quota_rows(jury), file_problems=problems)


def _fill(form: CensusForm, jury: Jury) -> None:
    form.tolerance.data = jury.quota_tolerance
    for category in form.categories:
        for group in category.groups:
            if group.percent is not None:
                form[group.field].data = f"{group.percent:g}"


def _render(
    form: CensusForm,
    jury: Jury,
    people: list[Volunteer],
    left_out: int,
    *,
    rows: list[QuotaRow] | None,
    file_problems: list[str] | None = None,
) -> str:
    outcome = check.check(jury, people, rows) if rows is not None else None
    return render_template(
        "quotas/census.html",
        jury=jury,
        form=form,
        file_form=CensusFileForm(formdata=None),
        file_problems=file_problems or [],
        bounds={(r.category, r.value): r for r in rows or []},
        outcome=outcome,
        pool_size=len(people),
        left_out=left_out,
    )
