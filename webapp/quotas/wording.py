"""The engine's findings in the page's language: a quota problem (``{code, params, message}``,
from :class:`sortition.errors.QuotaProblem` through the bridge) and why a volunteer can be on
no panel. The library's English ``message`` is the fallback for a code this module does not
know (shown marked as English)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape

from webapp import lottery


def _(text: str, **variables: object) -> str:
    return str(gettext(text, **variables))


def _group(labels: Mapping[str, str], category: object, value: object) -> str:
    return f"{labels.get(str(category), str(category))} {value}"


def _int(params: Mapping[str, Any], name: str) -> int:
    try:
        return int(params.get(name, 0))
    except (TypeError, ValueError):
        return 0


def problem_text(problem: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """One quota problem as a sentence in the page's language."""
    code = str(problem.get("code", ""))
    params = problem.get("params")
    p: Mapping[str, Any] = params if isinstance(params, Mapping) else {}
    category = labels.get(str(p.get("category", "")), str(p.get("category", "")))
    if code == "panel_size":
        return _("The jury needs at least 1 seat, not %(k)d.", k=_int(p, "k"))
    if code == "household_seats":
        return _(
            "At most %(n)d volunteers can sit together (volunteers who share an address are "
            "never both drawn), fewer than the %(k)d seats.",
            n=_int(p, "seats"),
            k=_int(p, "k"),
        )
    if code == "minimums_above_panel":
        return _(
            "%(category)s: the minimums add up to %(n)d, more than the %(k)d seats.",
            category=category,
            n=_int(p, "total"),
            k=_int(p, "k"),
        )
    if code == "maximums_below_panel":
        return _(
            "%(category)s: the maximums add up to %(n)d, fewer than the %(k)d seats.",
            category=category,
            n=_int(p, "total"),
            k=_int(p, "k"),
        )
    if code == "minimum_above_pool":
        return _(
            "%(group)s: minimum %(min)d, but only %(n)d such volunteers can sit together.",
            group=_group(labels, p.get("category"), p.get("value")),
            min=_int(p, "min"),
            n=_int(p, "available"),
        )
    if code == "members_above_maximum":
        return _(
            "%(group)s: the members who keep their seats are %(n)d already, above the "
            "maximum of %(max)d.",
            group=_group(labels, p.get("category"), p.get("value")),
            n=_int(p, "held"),
            max=_int(p, "max"),
        )
    if code == "no_panel":
        return _("No jury meets every quota.")
    return str(problem.get("message", ""))


def problem_html(problem: Mapping[str, Any], labels: Mapping[str, str]) -> Markup:
    """:func:`problem_text` escaped; the English fallback marked ``lang="en"``."""
    text = problem_text(problem, labels)
    if str(problem.get("code", "")) in KNOWN:
        return escape(text)
    return Markup('<span lang="en">{}</span>').format(text)


KNOWN = {
    "panel_size",
    "household_seats",
    "minimums_above_panel",
    "maximums_below_panel",
    "minimum_above_pool",
    "members_above_maximum",
    "no_panel",
}


def problems_html(problems: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> list[Markup]:
    return [problem_html(p, labels) for p in problems]


def why_text(u: lottery.quotas.Unplaceable, labels: Mapping[str, str]) -> str:
    """Why a volunteer can be on no panel, in the page's language."""
    Why = lottery.quotas.Why
    category = labels.get(u.category or "", u.category or "")
    if u.why == Why.NO_QUOTA:
        return _(
            "%(category)s: their group %(value)s has no quota.", category=category, value=u.value
        )
    if u.why == Why.CLOSED:
        return _(
            "%(category)s: the maximum of their group %(value)s is 0.",
            category=category,
            value=u.value,
        )
    if u.why == Why.NO_PANEL_HOUSEHOLD:
        return _(
            "No jury that meets every quota has room for them beside the volunteers they share "
            "an address with."
        )
    return _("No panel that meets every quota has room for someone with their answers.")
