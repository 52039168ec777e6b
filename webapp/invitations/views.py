"""Stage 1 pages: thin views over :mod:`webapp.invitations.services`."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp import lottery
from webapp.auth.access import can_manage_jury, jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.invitations import bp, paper, services
from webapp.invitations.forms import DrawForm, MarkSentForm, UploadForm
from webapp.models import InvitationBatch, Jury


@bp.route("/staff/juries/<int:jury_id>/invitations", methods=["GET", "POST"])
@organiser_required
def index(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            upload = services.stage_upload(jury, form.register.data)
        except services.UploadRefused as exc:
            form.register.errors = [
                _("The file is too large.")
                if str(exc) == "size"
                else _("Choose a CSV or XLSX file.")
            ]
        else:
            return redirect(url_for("invitations.draw", jury_id=jury.id, token=upload.token))
    return render_template(
        "invitations/index.html", jury=jury, form=form, batches=services.batches(jury)
    )


@bp.errorhandler(413)
def too_large(_error: Exception) -> tuple[str, int] | Response:
    """An upload above MAX_CONTENT_LENGTH: the upload form again, with the error on it. The
    access rules come first: someone without access learns nothing (and gets no 500)."""
    jury_id = int((request.view_args or {}).get("jury_id", 0))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if not can_manage_jury(current_user, jury_id):
        return _("You may not see this page."), 403
    jury = db.get_or_404(Jury, jury_id)
    form = UploadForm(formdata=None)
    form.register.errors = [_("The file is too large.")]
    page = render_template(
        "invitations/index.html", jury=jury, form=form, batches=services.batches(jury)
    )
    return page, 413


def problem_text(problem: lottery.InputProblem) -> str:
    """One library problem (file, row, column, message) framed in the page's language."""
    if problem.row is not None and problem.column is not None:
        where = _("%(file)s, row %(row)d, column %(column)s", **_parts(problem))
    elif problem.row is not None:
        where = _("%(file)s, row %(row)d", **_parts(problem))
    elif problem.column is not None:
        where = _("%(file)s, column %(column)s", **_parts(problem))
    else:
        where = problem.file
    return f"{where}: {problem.message}"


def _parts(problem: lottery.InputProblem) -> dict[str, object]:
    return {"file": problem.file, "row": problem.row, "column": problem.column}


def _request(form: DrawForm) -> services.DrawRequest:
    columns = lottery.RegisterColumns(
        stratum=form.stratum.data,
        household=tuple(form.household.data or ()),
        id=form.id_column.data or None,
        addressee=form.addressee.data or None,
        address=form.address_specs(),
        gender=form.gender.data or None,
        birth_year=form.birth_year.data or None,
    )
    return services.DrawRequest(
        columns=columns,
        n=form.n.data or 0,
        weights_text=form.weights.data or "",
        seed_text=form.seed_text.data or "",
        language=form.language.data,
    )


@bp.route("/staff/juries/<int:jury_id>/invitations/new/<token>", methods=["GET", "POST"])
@organiser_required
def draw(jury_id: int, token: str) -> str | Response:
    jury = jury_for_staff(jury_id)
    upload = services.staged(jury, token)
    if upload is None:
        abort(404)
    try:
        columns = lottery.read_columns(upload.path, name=upload.filename)
    except lottery.InputErrors as exc:
        services.discard(upload)
        flash(" ".join(problem_text(p) for p in exc.problems), "error")
        return redirect(url_for("invitations.index", jury_id=jury.id))
    form = DrawForm()
    form.set_columns(columns, formdata=request.form if form.is_submitted() else None)
    problems: list[str] = []
    allocation = None
    if form.validate_on_submit():
        drawing = request.form.get("action") == "draw"
        if drawing and not form.confirm.data:
            form.confirm.errors = [_("Check the allocation first, then tick this box.")]
        try:
            if drawing and form.confirm.data:
                return _draw(jury, upload, form)
            allocation = services.preview(upload, _request(form))
        except lottery.InputErrors as exc:
            db.session.rollback()
            problems = [problem_text(p) for p in exc.problems if p.file != services.WEIGHTS]
            # A problem with the weights text belongs to that field.
            form.weights.errors = [p.message for p in exc.problems if p.file == services.WEIGHTS]
        except services.LettersRefused:
            db.session.rollback()
            form.confirm.errors = [_("The letters cannot be printed yet: see above.")]
    elif not form.is_submitted():
        form.language.data = _default_language()
        try:
            form.stratum.data = services.guess_district_column(upload, jury) or ""
        except lottery.InputErrors:
            form.stratum.data = ""  # the preview names the problem
    language = form.language.data or _default_language()
    return render_template(
        "invitations/draw.html",
        jury=jury,
        form=form,
        upload=upload,
        allocation=allocation,
        districts=services.check_districts(allocation, jury) if allocation else None,
        problems=problems,
        missing=paper.missing(language),
        letter=paper.summary(language),
    )


@bp.post("/staff/juries/<int:jury_id>/invitations/new/<token>/discard")
@organiser_required
def discard(jury_id: int, token: str) -> Response:
    jury = jury_for_staff(jury_id)
    upload = services.staged(jury, token)
    if upload is not None:
        services.discard(upload)
        flash(_("The register is deleted."), "success")
    return redirect(url_for("invitations.index", jury_id=jury.id))


def _default_language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


def _draw(jury: Jury, upload: services.Staged, form: DrawForm) -> Response:
    batch = services.run_draw(jury, upload, _request(form), user=current_user, make_letters=True)
    db.session.commit()
    services.discard(upload)  # the register holds personal data: keep no copy
    flash(_("The draw is done. Download the letters below."), "success")
    return redirect(url_for("invitations.batch", jury_id=jury.id, batch_id=batch.id))


def _batch(jury: Jury, batch_id: int) -> InvitationBatch:
    batch = db.get_or_404(InvitationBatch, batch_id)
    if batch.jury_id != jury.id:
        abort(404)
    return batch


def _batch_page(jury: Jury, batch: InvitationBatch, form: MarkSentForm) -> str:
    return render_template(
        "invitations/batch.html",
        jury=jury,
        batch=batch,
        files=services.letter_files(batch),
        pdf_state=services.pdf_state(batch).value,
        form=form,
    )


@bp.get("/staff/juries/<int:jury_id>/invitations/<int:batch_id>")
@organiser_required
def batch(jury_id: int, batch_id: int) -> str:
    jury = jury_for_staff(jury_id)
    return _batch_page(jury, _batch(jury, batch_id), MarkSentForm())


@bp.get("/staff/juries/<int:jury_id>/invitations/<int:batch_id>/report.json")
@organiser_required
def report(jury_id: int, batch_id: int) -> Response:
    """The draw's audit record (public: no codes, no addresses), to recompute the draw."""
    jury = jury_for_staff(jury_id)
    response = jsonify(_batch(jury, batch_id).report)
    response.headers["Content-Disposition"] = f"attachment; filename=report-{batch_id}.json"
    return response


@bp.post("/staff/juries/<int:jury_id>/invitations/<int:batch_id>/letters")
@organiser_required
def remake_letters(jury_id: int, batch_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    try:
        if services.remake_pdf(_batch(jury, batch_id), jury):
            flash(_("The letters are being made again."), "success")
    except services.LettersRefused as exc:
        flash(" ".join(str(m) for m in exc.missing), "error")
    return redirect(url_for("invitations.batch", jury_id=jury.id, batch_id=batch_id))


@bp.get("/staff/juries/<int:jury_id>/invitations/<int:batch_id>/<any(pdf, csv):kind>")
@organiser_required
def download(jury_id: int, batch_id: int, kind: str) -> Response:
    jury = jury_for_staff(jury_id)
    files = services.letter_files(_batch(jury, batch_id))
    if kind not in files:
        abort(404)
    name = f"letters-{batch_id}.{kind}"
    response = send_file(files[kind], as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"  # holds clear codes
    return response


@bp.post("/staff/juries/<int:jury_id>/invitations/<int:batch_id>/sent")
@organiser_required
def mark_sent(jury_id: int, batch_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    found = _batch(jury, batch_id)
    form = MarkSentForm()
    if not form.validate_on_submit():
        return _batch_page(jury, found, form)
    try:
        services.mark_sent(found)
    except services.StillMaking:
        flash(_("The letters are still being made. Try again when they are ready."), "error")
    else:
        db.session.commit()
        flash(_("Marked as sent. The files with the codes are deleted."), "success")
    return redirect(url_for("invitations.batch", jury_id=jury.id, batch_id=batch_id))
