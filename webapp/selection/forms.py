"""Forms of the selection pages: each button is a form of its own, for its CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A button that changes something (start, cancel): only the CSRF token."""


class RelaxedReplacementForm(FlaskForm):  # type: ignore[misc]
    """Draw the open seats with the relaxation the engine suggested (the job's id names it)."""

    job = HiddenField()
