"""Numbers, percentages and moments in the page's language (Babel, through Flask-Babel): the
Jinja filters ``number``, ``percent`` and ``moment``. Templates use these, never Python's own
formatting, so that Dutch and Spanish pages read "20.000" and "13,9%" where English pages read
"20,000" and "13.9%". Flask-Babel's own ``datetimeformat`` and ``dateformat`` stay available.
"""

from __future__ import annotations

import re
from datetime import datetime

from babel.numbers import format_percent
from flask import Blueprint
from flask_babel import format_date, format_decimal, format_time, get_locale

bp = Blueprint("formats", __name__)

MISSING = "–"  # an en dash where there is no figure


@bp.app_template_filter("number")
def number(value: float | None, digits: int = 0) -> str:
    """``20.000`` (nl, es) or ``20,000`` (en); ``digits`` decimals at most."""
    if value is None:
        return MISSING
    return str(format_decimal(round(value, digits) if digits else value))


@bp.app_template_filter("percent")
def percent(value: float | None, digits: int = 1) -> str:
    """A value in percent (13.94) as ``13,9%`` (nl), ``13,9 %`` (es) or ``13.9%`` (en)."""
    if value is None:
        return MISSING
    locale = get_locale()
    pattern = locale.percent_formats[None].pattern if locale else "#,##0%"
    if digits:
        # The locale's pattern with decimals: "#,##0%" becomes "#,##0.0%".
        pattern = re.sub(r"0(?=[^0#]*$)", "0." + "0" * digits, pattern, count=1)
    return format_percent(value / 100, pattern, locale=locale)


@bp.app_template_filter("moment")
def moment(value: datetime | None) -> str:
    """A stored moment (naive UTC) in the user's time zone, with the month as a word, so
    that it cannot be misread: ``12 mrt 2026, 07:54`` or ``Mar 12, 2026, 7:54 AM``."""
    if value is None:
        return MISSING
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"
