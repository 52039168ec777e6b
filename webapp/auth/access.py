"""Role and record-level access.

The URL convention the permission matrix test relies on: every staff route lives under
``/staff/``; a route about one jury has ``<int:jury_id>`` in its URL and loads the jury with
:func:`jury_for_staff` before anything else; a route about one sitting has ``<int:sitting_id>``
and uses :func:`sitting_for_staff`; user and membership management lives under
``/staff/admin/`` and uses :func:`admin_required`.

- administrators: every jury, users and memberships;
- organisers: only the juries they are a member of;
- facilitators: only the sittings assigned to them; nothing of stage 1, replies or the pool.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from webapp.extensions import db
from webapp.models import Jury, JuryMembership, Role, Sitting, SittingAssignment, User

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Log in, then allow only ``roles`` (403 for other staff)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, login_required(wrapped))

    return decorate


admin_required = roles_required(Role.ADMINISTRATOR)
organiser_required = roles_required(Role.ADMINISTRATOR, Role.ORGANISER)
staff_required = roles_required(*Role)


def is_member(user: User, jury_id: int) -> bool:
    return (
        db.session.scalar(sa.select(JuryMembership.id).filter_by(jury_id=jury_id, user_id=user.id))
        is not None
    )


def can_manage_jury(user: User, jury_id: int) -> bool:
    """Administrators manage every jury; organisers the ones they are a member of."""
    if user.has_role(Role.ADMINISTRATOR):
        return True
    return user.has_role(Role.ORGANISER) and is_member(user, jury_id)


def jury_for_staff(jury_id: int) -> Jury:
    """The jury if the current user may manage it: 403 before 404, so that another
    jury's staff cannot learn which ids exist."""
    if not can_manage_jury(current_user, jury_id):
        abort(403)
    jury: Jury = db.get_or_404(Jury, jury_id)
    return jury


def sitting_for_staff(sitting_id: int) -> Sitting:
    """The sitting if the user manages its jury or is a facilitator assigned to it."""
    if current_user.has_role(Role.ADMINISTRATOR):
        found: Sitting = db.get_or_404(Sitting, sitting_id)
        return found
    sitting = db.session.get(Sitting, sitting_id)
    if sitting is not None and can_manage_jury(current_user, sitting.jury_id):
        return sitting
    assigned = db.session.scalar(
        sa.select(SittingAssignment.id).filter_by(sitting_id=sitting_id, user_id=current_user.id)
    )
    if assigned is None or sitting is None:
        abort(403)
    return sitting


def visible_juries(user: User) -> list[Jury]:
    """The juries a staff member manages, by name."""
    query = sa.select(Jury).order_by(Jury.name)
    if not user.has_role(Role.ADMINISTRATOR):
        if not user.has_role(Role.ORGANISER):
            return []
        query = query.join(JuryMembership).where(JuryMembership.user_id == user.id)
    return list(db.session.scalars(query))


def assigned_sittings(user: User) -> list[Sitting]:
    """The sittings a facilitator leads, by start."""
    return list(
        db.session.scalars(
            sa.select(Sitting)
            .join(SittingAssignment)
            .where(SittingAssignment.user_id == user.id)
            .order_by(Sitting.starts_at)
        )
    )
