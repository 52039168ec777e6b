"""Staff pages of a jury: create, edit, phases, targets."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp import lottery
from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.juries import bp, services, texts
from webapp.juries.forms import PHASE_LABELS, JuryForm, phase_form_class
from webapp.models import Gender, Jury, PhaseKind


def _details(form: JuryForm) -> services.JuryDetails:
    def lines(text: str | None) -> tuple[str, ...]:
        return tuple(line.strip() for line in (text or "").splitlines() if line.strip())

    mapping = {
        "gender": {g.value: form[f"gender_{g.value}"].data.strip() for g in Gender},
        "age_bands": [int(p) for p in form.age_bands.data.replace(" ", "").split(",") if p],
    }
    return services.JuryDetails(
        name=form.name.data or "",
        purpose=texts.texts_of(form, "purpose"),
        decision=texts.texts_of(form, "decision"),
        language=form.language.data or "en",
        panel_size=form.panel_size.data or 0,
        minimum_age=form.minimum_age.data or 0,
        reply_deadline=form.reply_deadline.data,
        retention_days=form.retention_days.data or 0,
        declarations=tuple(texts.list_of_texts(form, "declarations")),
        districts=lines(form.districts.data),
        category_mapping=mapping,
    )


def _fill(form: JuryForm, jury: Jury | None) -> None:
    mapping = lottery.category_mapping(jury.category_mapping if jury else {})
    form.age_bands.data = ",".join(map(str, mapping.age_bands))
    for gender in Gender:
        form[f"gender_{gender.value}"].data = mapping.gender[gender.value]
    if jury is None:
        form.panel_size.data, form.minimum_age.data, form.retention_days.data = 49, 16, 365
        form.language.data = str(get_locale() or "en")
        return
    texts.fill_texts(form, "purpose", jury.purpose)
    texts.fill_texts(form, "decision", jury.decision)
    texts.fill_lines(form, "declarations", jury.declarations)
    form.districts.data = "\n".join(jury.districts)


@bp.route("/staff/juries/new", methods=["GET", "POST"])
@organiser_required
def create() -> str | Response:
    form = JuryForm()
    if form.validate_on_submit():
        jury = services.create_jury(_details(form), creator=current_user)
        db.session.commit()
        flash(_("The jury is made. Now add its phases and sittings."), "success")
        return redirect(url_for("juries.overview", jury_id=jury.id))
    if not form.is_submitted():
        _fill(form, None)
    return render_template("juries/edit.html", form=form, jury=None)


@bp.get("/staff/juries/<int:jury_id>")
@organiser_required
def overview(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    return render_template(
        "juries/overview.html",
        jury=jury,
        phase_labels=PHASE_LABELS,
        targets=services.targets_of(jury),
    )


@bp.route("/staff/juries/<int:jury_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = JuryForm(obj=jury)
    if form.validate_on_submit():
        services.update_jury(jury, _details(form))
        db.session.commit()
        flash(_("The jury is saved."), "success")
        return redirect(url_for("juries.overview", jury_id=jury.id))
    if not form.is_submitted():
        _fill(form, jury)
    return render_template("juries/edit.html", form=form, jury=jury)


@bp.route("/staff/juries/<int:jury_id>/phases", methods=["GET", "POST"])
@organiser_required
def phases(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = phase_form_class()()
    if form.validate_on_submit():
        dates = {}
        for kind in PhaseKind:
            starts, ends = form[f"{kind.value}_starts"].data, form[f"{kind.value}_ends"].data
            dates[kind] = (starts, ends) if starts and ends else None
        services.set_phases(jury, dates)
        db.session.commit()
        flash(_("The phases are saved."), "success")
        return redirect(url_for("juries.overview", jury_id=jury.id))
    if not form.is_submitted():
        for phase in jury.phases:
            form[f"{phase.kind}_starts"].data = phase.starts_on
            form[f"{phase.kind}_ends"].data = phase.ends_on
    return render_template(
        "juries/phases.html", form=form, jury=jury, kinds=list(PhaseKind), labels=PHASE_LABELS
    )


@bp.route("/staff/juries/<int:jury_id>/targets", methods=["GET", "POST"])
@organiser_required
def targets(jury_id: int) -> Response:
    """The population targets moved to the census page (webapp/quotas)."""
    jury = jury_for_staff(jury_id)
    return redirect(url_for("quotas.census_page", jury_id=jury.id))
