"""Administrators manage staff accounts, jury memberships and sitting assignments."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from webapp.auth import bp, mfa, services
from webapp.auth.access import admin_required
from webapp.auth.forms import AssignmentForm, EditUserForm, MembershipForm, UserForm
from webapp.config import SITTING_FORMAT
from webapp.extensions import db
from webapp.models import Jury, JuryMembership, Role, Sitting, SittingAssignment, User


@bp.route("/staff/admin/users", methods=["GET", "POST"])
@admin_required
def users() -> str | Response:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data or "",
                name=form.name.data or "",
                role=Role(form.role.data),
                password=form.password.data or "",
            )
        except services.AccountError:
            form.email.errors = [_("There is already an account with this e-mail address.")]
        else:
            db.session.commit()
            flash(_("The account is made."), "success")
            return redirect(url_for("auth.user", user_id=user.id))
    everyone = db.session.scalars(sa.select(User).order_by(User.name)).all()
    return render_template("auth/users.html", users=everyone, form=form)


def _forms(user: User) -> tuple[EditUserForm, MembershipForm, AssignmentForm]:
    edit = EditUserForm(obj=user, prefix="user")
    member = MembershipForm(prefix="member")
    member.jury.choices = [SelectChoice(j.id, j.name) for j in db.session.scalars(sa.select(Jury))]
    assign = AssignmentForm(prefix="assign")
    assign.sitting.choices = [
        SelectChoice(
            s.id, f"{s.jury.name}: {format_datetime(s.starts_at, SITTING_FORMAT, rebase=False)}"
        )
        for s in db.session.scalars(sa.select(Sitting).order_by(Sitting.starts_at))
    ]
    return edit, member, assign


def _render_user(user: User, forms: tuple[EditUserForm, MembershipForm, AssignmentForm]) -> str:
    memberships = db.session.scalars(sa.select(JuryMembership).filter_by(user_id=user.id)).all()
    assignments = db.session.scalars(sa.select(SittingAssignment).filter_by(user_id=user.id)).all()
    edit, member, assign = forms
    return render_template(
        "auth/user.html",
        user=user,
        edit=edit,
        member=member,
        assign=assign,
        memberships=memberships,
        assignments=assignments,
    )


def _saved(user_id: int, message: str) -> Response:
    """Commit the change (one commit per request) and go back to the account's page."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("auth.user", user_id=user_id))


@bp.get("/staff/admin/users/<int:user_id>")
@admin_required
def user(user_id: int) -> str:
    account = db.get_or_404(User, user_id)
    return _render_user(account, _forms(account))


@bp.post("/staff/admin/users/<int:user_id>")
@admin_required
def edit_user(user_id: int) -> str | Response:
    account = db.get_or_404(User, user_id)
    forms = _forms(account)
    edit = forms[0]
    if not edit.validate_on_submit():
        return _render_user(account, forms)
    if account.id == current_user.id and (
        edit.role.data != Role.ADMINISTRATOR or not edit.active.data
    ):
        # Otherwise the last administrator could lock everybody out of user management.
        edit.role.errors = [_("You cannot take away your own administrator account.")]
        return _render_user(account, forms)
    services.update_user(
        account, name=edit.name.data or "", role=Role(edit.role.data), active=edit.active.data
    )
    return _saved(user_id, _("The account is saved."))


@bp.post("/staff/admin/users/<int:user_id>/memberships")
@admin_required
def add_membership(user_id: int) -> str | Response:
    account = db.get_or_404(User, user_id)
    forms = _forms(account)
    if not forms[1].validate_on_submit():
        return _render_user(account, forms)
    services.add_membership(user=account, jury_id=forms[1].jury.data)
    return _saved(user_id, _("The jury is added."))


@bp.post("/staff/admin/users/<int:user_id>/memberships/<int:jury_id>/remove")
@admin_required
def remove_membership(user_id: int, jury_id: int) -> Response:
    account = db.get_or_404(User, user_id)
    services.remove_membership(user=account, jury_id=jury_id)
    return _saved(user_id, _("The jury is removed."))


@bp.post("/staff/admin/users/<int:user_id>/sittings")
@admin_required
def assign_sitting(user_id: int) -> str | Response:
    account = db.get_or_404(User, user_id)
    forms = _forms(account)
    if not forms[2].validate_on_submit():
        return _render_user(account, forms)
    services.assign_sitting(user=account, sitting_id=forms[2].sitting.data)
    return _saved(user_id, _("The sitting is added."))


@bp.post("/staff/admin/users/<int:user_id>/sittings/<int:sitting_id>/remove")
@admin_required
def unassign_sitting(user_id: int, sitting_id: int) -> Response:
    account = db.get_or_404(User, user_id)
    services.unassign_sitting(user=account, sitting_id=sitting_id)
    return _saved(user_id, _("The sitting is removed."))


@bp.post("/staff/admin/users/<int:user_id>/second-factor/reset")
@admin_required
def reset_second_factor(user_id: int) -> Response:
    """For a lost phone: the person sets up a new second factor at their next login."""
    account = db.get_or_404(User, user_id)
    mfa.reset(account)
    db.session.commit()  # before the log line, which must not claim a reset that failed
    current_app.logger.info(
        "user %s reset the second factor of user %s", current_user.id, account.id
    )
    flash(
        _("The second step of the login is reset. It is set up again at the next login."), "success"
    )
    return redirect(url_for("auth.user", user_id=user_id))
