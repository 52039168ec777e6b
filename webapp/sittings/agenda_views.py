"""Staff pages of a sitting's agenda (timed items) and of its documents for members."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth.access import organiser_required
from webapp.extensions import db
from webapp.juries import texts
from webapp.models import AgendaItem, AgendaKind, Jury, Sitting
from webapp.sittings import agenda, bp, documents, outcomes
from webapp.sittings.forms import AgendaItemForm, ConfirmActionForm, DocumentForm
from webapp.sittings.services import SittingProblem
from webapp.sittings.views import _jury_sitting


def _page(
    jury: Jury,
    sitting: Sitting,
    *,
    form: AgendaItemForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    if form is None:
        form = AgendaItemForm(formdata=None)
        form.starts.data = agenda.next_free(sitting).time()
        form.minutes.data = 30
    page = render_template(
        "sittings/agenda.html",
        jury=jury,
        sitting=sitting,
        form=form,
        document_form=document_form or DocumentForm(formdata=None),
        action_form=ConfirmActionForm(),
        kind_labels=agenda.KIND_LABELS,
        max_size=documents.size_text(int(current_app.config["MAX_DOCUMENT_BYTES"])),
    )
    return page, status


def _apply(form: AgendaItemForm, sitting: Sitting, item: AgendaItem | None) -> bool:
    """Add or change the item from the form; False with the problem on its field."""
    starts_at = agenda.at_time(sitting, form.starts.data.hour, form.starts.data.minute)
    values = {
        "kind": AgendaKind(form.kind.data),
        "starts_at": starts_at,
        "minutes": form.minutes.data,
        "title": texts.texts_of(form, "title"),
    }
    try:
        if item is None:
            agenda.add_item(sitting, **values)
        else:
            agenda.update_item(item, **values)
    except SittingProblem as problem:
        db.session.rollback()
        field = form.starts if problem.field == "starts_at" else form[problem.field]
        field.errors = [*field.errors, problem.message]
        return False
    db.session.commit()
    return True


@bp.route("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/agenda", methods=["GET", "POST"])
@organiser_required
def agenda_page(jury_id: int, sitting_id: int) -> tuple[str, int] | Response:
    jury, sitting = _jury_sitting(jury_id, sitting_id)
    form = AgendaItemForm()
    if not form.is_submitted():
        return _page(jury, sitting)
    if form.validate() and _apply(form, sitting, None):
        flash(_("The item is added to the agenda."), "success")
        return redirect(url_for("sittings.agenda_page", jury_id=jury.id, sitting_id=sitting.id))
    return _page(jury, sitting, form=form, status=400)


@bp.route(
    "/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/agenda/<int:item_id>",
    methods=["GET", "POST"],
)
@organiser_required
def edit_item(jury_id: int, sitting_id: int, item_id: int) -> tuple[str, int] | Response:
    jury, sitting = _jury_sitting(jury_id, sitting_id)
    item = agenda.sitting_item(sitting, item_id)
    if item is None:
        abort(404)
    form = AgendaItemForm(obj=item)
    if not form.is_submitted():
        form.starts.data = item.starts_at.time()
        texts.fill_texts(form, "title", item.title)
    elif form.validate() and _apply(form, sitting, item):
        flash(_("The agenda item is saved."), "success")
        return redirect(url_for("sittings.agenda_page", jury_id=jury.id, sitting_id=sitting.id))
    page = render_template(
        "sittings/agenda_item.html", jury=jury, sitting=sitting, item=item, form=form
    )
    return page, 400 if form.errors else 200


@bp.post("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/agenda/<int:item_id>/remove")
@organiser_required
def remove_item(jury_id: int, sitting_id: int, item_id: int) -> Response:
    jury, sitting = _jury_sitting(jury_id, sitting_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    if outcomes.item_has_outcomes(item_id) and agenda.sitting_item(sitting, item_id):
        flash(_("Tables recorded outcomes for this item, so it stays on the agenda."), "error")
        return redirect(url_for("sittings.agenda_page", jury_id=jury.id, sitting_id=sitting.id))
    if not agenda.remove_item(sitting, item_id):
        abort(404)
    db.session.commit()
    flash(_("The item is removed from the agenda."), "success")
    return redirect(url_for("sittings.agenda_page", jury_id=jury.id, sitting_id=sitting.id))


@bp.post("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/documents")
@organiser_required
def upload_document(jury_id: int, sitting_id: int) -> tuple[str, int] | Response:
    jury, sitting = _jury_sitting(jury_id, sitting_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            documents.save_document(
                sitting,
                upload.stream,
                filename=upload.filename or "",
                title=form.document_title.data or "",
            )
        except SittingProblem as problem:
            db.session.rollback()
            form.file.errors = [*form.file.errors, problem.message]
        else:
            db.session.commit()
            flash(_("The document is shared with the members."), "success")
            return redirect(url_for("sittings.agenda_page", jury_id=jury.id, sitting_id=sitting.id))
    return _page(jury, sitting, document_form=form, status=400)


@bp.post("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/documents/<int:document_id>/remove")
@organiser_required
def remove_document(jury_id: int, sitting_id: int, document_id: int) -> Response:
    jury, sitting = _jury_sitting(jury_id, sitting_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    path = documents.remove_document(sitting, document_id)
    if path is None:
        abort(404)
    db.session.commit()
    documents.delete_files([path])
    flash(_("The document is removed."), "success")
    return redirect(url_for("sittings.agenda_page", jury_id=jury.id, sitting_id=sitting.id))
