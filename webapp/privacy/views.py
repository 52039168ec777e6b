"""Erasure on request, for the staff of a jury: find the person by the reference of their
reply (and/or the public name under which they wrote proposals), see what will be erased,
confirm. The reference travels in POST bodies only, never in a URL; the record kept says who
erased in which jury and when, nothing about the resident."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import Jury, User
from webapp.models.privacy import Erasure
from webapp.privacy import bp, ledger
from webapp.privacy.services import ErasurePreview, erase_on_request, preview_erasure

log = logging.getLogger(__name__)


class FindForm(FlaskForm):  # type: ignore[misc]
    reference = StringField(
        _l("Reference of the reply"),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    author = StringField(
        _l("Name shown as author of proposals"),
        validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

    def validate(self, extra_validators: object = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.reference.data or "").strip() and not (self.author.data or "").strip():
            self.reference.errors = [_("Enter a reference, a name, or both.")]
            return False
        return True


class ConfirmForm(FlaskForm):  # type: ignore[misc]
    reference = HiddenField(validators=[Length(max=40)])
    author = HiddenField(validators=[Length(max=200)])
    confirmed = BooleanField(
        _l("I have checked that this is the person who asked for the erasure"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


def _labels() -> dict[str, str]:
    return {
        "name": _("Name"),
        "email": _("E-mail address"),
        "phone": _("Phone number"),
        "birth_year": _("Year of birth"),
        "support": _("Support needs"),
        "availability": _("Answers about the sittings"),
        "address": _("Name and address on the letter"),
    }


def _history(jury: Jury) -> list[tuple[Erasure, str]]:
    rows = db.session.execute(
        sa.select(Erasure, User.name)
        .outerjoin(User, Erasure.user_id == User.id)
        .where(Erasure.jury_id == jury.id)
        .order_by(Erasure.created_at.desc(), Erasure.id.desc())
        .limit(50)
    ).all()
    return [(erasure, name or _("a former colleague")) for erasure, name in rows]


def _page(
    jury: Jury,
    find: FindForm,
    preview: ErasurePreview | None = None,
    confirm: ConfirmForm | None = None,
) -> str:
    return render_template(
        "privacy/erasure.html",
        jury=jury,
        form=find,
        preview=preview,
        confirm=confirm,
        history=_history(jury),
    )


@bp.route("/staff/juries/<int:jury_id>/erasure", methods=["GET", "POST"])
@organiser_required
def erasure(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    find = FindForm()
    if not find.validate_on_submit():
        return _page(jury, find)
    reference, author = (find.reference.data or "").strip(), (find.author.data or "").strip()
    preview = preview_erasure(jury, reference=reference, author=author, labels=_labels())
    confirm = ConfirmForm(formdata=None, reference=reference, author=author)
    return _page(jury, find, preview, confirm)


@bp.post("/staff/juries/<int:jury_id>/erasure/confirm")
@organiser_required
def erasure_confirm(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    confirm = ConfirmForm()
    reference, author = (confirm.reference.data or "").strip(), (confirm.author.data or "").strip()
    preview = preview_erasure(jury, reference=reference, author=author, labels=_labels())
    if not confirm.validate_on_submit():
        find = FindForm(formdata=None, reference=reference, author=author)
        return _page(jury, find, preview, confirm)
    if preview.empty or (preview.already_erased and not preview.proposals):
        flash(_("Nothing was found to erase."), "info")
        return redirect(url_for(".erasure", jury_id=jury.id))
    record = erase_on_request(jury, reference=reference, author=author, user=current_user)
    try:
        db.session.commit()
    except ledger.LedgerError as exc:
        db.session.rollback()
        log.error("erasure on request in jury %s refused: %s", jury.id, exc)  # paths only
        flash(
            _(
                "Nothing was erased: the erasure ledger on the server is an older copy. "
                "Ask the administrator to put its newest copy back, then try again."
            ),
            "error",
        )
        return redirect(url_for(".erasure", jury_id=jury.id))
    # Ids and counts only: never the reference or a name in the logs.
    log.info(
        "erasure on request %s in jury %s by user %s: %d replies, %d proposals",
        record.id,
        jury.id,
        current_user.id,
        record.replies,
        record.proposals,
    )
    flash(_("The personal data is erased."), "success")
    return redirect(url_for(".erasure", jury_id=jury.id))
