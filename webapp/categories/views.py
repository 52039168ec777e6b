"""Staff pages of a jury's categories: the list, a new category, editing, removing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.categories import bp, services
from webapp.categories.forms import BLANK_OPTIONS, LANGUAGE_NAMES, CategoryForm
from webapp.extensions import db
from webapp.models import Category, Jury


@bp.get("/staff/juries/<int:jury_id>/categories")
@organiser_required
def index(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    own = services.own_categories(jury)
    return render_template(
        "categories/index.html",
        jury=jury,
        own=own,
        counts={c.id: sum(services.answer_counts(c).values()) for c in own},
    )


@bp.route("/staff/juries/<int:jury_id>/categories/new", methods=["GET", "POST"])
@organiser_required
def create(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = CategoryForm(taken=services.keys_in_use(jury))
    if form.validate_on_submit():
        category = services.save_category(jury, form.to_text())
        db.session.commit()
        flash(_("The category is saved. Now enter its population shares."), "success")
        return redirect(
            url_for("quotas.census_page", jury_id=jury.id, _anchor=f"cat-{category.key}")
        )
    return _page(form, jury, None)


@bp.route("/staff/juries/<int:jury_id>/categories/<int:category_id>", methods=["GET", "POST"])
@organiser_required
def edit(jury_id: int, category_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    category = _category(jury, category_id)
    form = CategoryForm(
        taken=services.keys_in_use(jury, besides=category),
        answered=services.answer_counts(category),
    )
    if form.validate_on_submit():
        old_key = category.key
        services.save_category(jury, form.to_text(), category)
        services.renamed_shares(old_key, category.key, jury)
        db.session.commit()
        flash(_("The category is saved."), "success")
        return redirect(url_for(".index", jury_id=jury.id))
    if not form.is_submitted():
        _fill(form, category)
    return _page(form, jury, category)


@bp.post("/staff/juries/<int:jury_id>/categories/<int:category_id>/delete")
@organiser_required
def delete(jury_id: int, category_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    category = _category(jury, category_id)
    if FlaskForm().validate_on_submit():
        services.delete_category(category)
        db.session.commit()
        flash(_("The category, its answers and its population shares are removed."), "success")
    return redirect(url_for(".index", jury_id=jury.id))


def _category(jury: Jury, category_id: int) -> Category:
    category = services.own_category(jury, category_id)
    if category is None:
        abort(404)
    return category


def _fill(form: CategoryForm, category: Category) -> None:
    form.key.data = category.key
    for lang in LANGUAGE_NAMES:
        form[f"name_{lang}"].data = category.name.get(lang, "")
        form[f"question_{lang}"].data = category.question.get(lang, "")
    while len(form.options.entries) < len(category.options) + BLANK_OPTIONS:
        form.options.append_entry()
    for entry, option in zip(form.options.entries, category.options, strict=False):
        entry.form.key.data = option["key"]
        entry.form.value.data = option["value"]
        for lang in LANGUAGE_NAMES:
            entry.form[f"label_{lang}"].data = option["label"].get(lang, "")


def _page(form: CategoryForm, jury: Jury, category: Category | None) -> str:
    counts = services.answer_counts(category) if category else {}
    return render_template(
        "categories/edit.html",
        form=form,
        jury=jury,
        category=category,
        answers=sum(counts.values()),
        delete_form=FlaskForm(),
        languages=LANGUAGE_NAMES,
    )
