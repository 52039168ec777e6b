"""Tables for every sitting: every table mixed, and members meeting as many others as the
mathematics allows.

:func:`allocate_tables` seats a jury at tables for a series of sittings (rules, absences and
the tables already held included) and reports how far the schedule is from perfect;
:func:`measure` computes the same figures for any schedule.
"""

from sortition.errors import ImpossibleRules, RuleProblem
from sortition.tables.allocate import allocate_tables
from sortition.tables.measures import Measures, measure
from sortition.tables.model import Breakout, Member, Mixing, Rules, TablesReport, TablesResult

__all__ = [
    "Breakout",
    "ImpossibleRules",
    "Measures",
    "Member",
    "Mixing",
    "RuleProblem",
    "Rules",
    "TablesReport",
    "TablesResult",
    "allocate_tables",
    "measure",
]
