"""Staff pages of payment runs: choose whom to pay, the run, its CSV and pain.001 files."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.payments import accounts, bp, ledger, runs
from webapp.payments.forms import RunForm
from webapp.payments.views import field_error


@bp.route("/staff/juries/<int:jury_id>/payments/runs/new", methods=["GET", "POST"])
@organiser_required
def new_run(jury_id: int) -> str | Response | tuple[str, int]:
    jury = jury_for_staff(jury_id)
    rows = [r for r in ledger.balances(jury).values() if r.balance_cents > 0]
    form = RunForm()
    if request.method == "GET":
        form.members.data = [r.member.id for r in rows if r.account is not None]
        form.execution_date.data = date.today() + timedelta(days=1)
        form.since.data = str(runs.latest_run_id(jury))
    if form.validate_on_submit():
        since = int(form.since.data) if (form.since.data or "").isdigit() else -1
        try:
            run = runs.make_run(
                jury,
                form.members.data or [],
                execution_date=form.execution_date.data,
                since=since,
                user=current_user,
            )
        except runs.RunProblem as problem:
            db.session.rollback()
            field_error(form, problem.field, problem.message)
        else:
            db.session.commit()
            flash(_("The payment run is recorded. Download the files for the bank."), "success")
            return redirect(url_for(".run", jury_id=jury.id, run_id=run.id))
    return render_template(
        "payments/run_form.html",
        jury=jury,
        form=form,
        rows=rows,
        settings=ledger.settings_of(jury),
        mask=accounts.mask,
    ), (400 if form.errors else 200)


@bp.get("/staff/juries/<int:jury_id>/payments/runs/<int:run_id>")
@organiser_required
def run(jury_id: int, run_id: int) -> str:
    jury = jury_for_staff(jury_id)
    found = runs.run_of(jury, run_id)
    if found is None:
        abort(404)
    return render_template("payments/run.html", jury=jury, run=found)


@bp.get("/staff/juries/<int:jury_id>/payments/runs/<int:run_id>/payments.csv")
@organiser_required
def run_csv(jury_id: int, run_id: int) -> Response:
    return _run_download(jury_id, run_id, "csv")


@bp.get("/staff/juries/<int:jury_id>/payments/runs/<int:run_id>/pain001.xml")
@organiser_required
def run_xml(jury_id: int, run_id: int) -> Response:
    return _run_download(jury_id, run_id, "xml")


def _run_download(jury_id: int, run_id: int, kind: str) -> Response:
    jury = jury_for_staff(jury_id)
    found = runs.run_of(jury, run_id)
    text = runs.run_file(found, kind) if found is not None else None
    if text is None:
        abort(404)
    name = f"payments-{jury.slug}-{run_id}.{'csv' if kind == 'csv' else 'xml'}"
    media = "text/csv; charset=utf-8" if kind == "csv" else "application/xml"
    response = FlaskResponse(text.encode("utf-8"), mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
