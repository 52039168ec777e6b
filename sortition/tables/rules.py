"""Checking the table rules before any search, and the units they make.

A *unit* is a set of members who sit together at a sitting: a keep-together group (groups that
share a member merge) or a single member, with the table it is fixed to, if any. Every rule
that cannot hold is reported at once, named as the organiser wrote it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sortition.errors import ImpossibleRules, RuleProblem
from sortition.tables.model import Rules


@dataclass(frozen=True, slots=True)
class Unit:
    members: tuple[str, ...]
    table: int | None  # 0-based table index, None: any table


def apart_name(pair: tuple[str, str]) -> str:
    return f"keep apart {pair[0]}, {pair[1]}"


def together_name(group: Sequence[str]) -> str:
    return "keep together " + ", ".join(group)


def fixed_name(member: str, table: int) -> str:
    return f"{member} fixed to table {table}"


def check_rules(
    rules: Rules, *, ids: Collection[str], tables: int, present: Sequence[Collection[str]]
) -> list[RuleProblem]:
    """Every reason the rules cannot hold at the sittings with ``present[s]`` attending."""
    problems: list[RuleProblem] = []
    known = set(ids)
    for pair in rules.keep_apart:
        problems += [
            RuleProblem(apart_name(pair), f"{m} is not a jury member")
            for m in pair
            if m not in known
        ]
        if pair[0] == pair[1]:
            problems.append(RuleProblem(apart_name(pair), "names the same member twice"))
    for group in rules.keep_together:
        problems += [
            RuleProblem(together_name(group), f"{m} is not a jury member")
            for m in group
            if m not in known
        ]
    seen: dict[str, int] = {}
    for member, table in rules.fixed:
        name = fixed_name(member, table)
        if member not in known:
            problems.append(RuleProblem(name, f"{member} is not a jury member"))
        if not 1 <= table <= tables:
            problems.append(RuleProblem(name, f"the tables are numbered 1 to {tables}"))
        if seen.get(member, table) != table:
            problems.append(RuleProblem(name, f"{member} is also fixed to table {seen[member]}"))
        seen[member] = table
    if any("not a jury member" in p.reason or "numbered" in p.reason for p in problems):
        return problems  # the checks below need known members and tables
    return problems + _conflicts(rules, seen, tables, present)


def _conflicts(
    rules: Rules, fixed: dict[str, int], tables: int, present: Sequence[Collection[str]]
) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    groups = merged_groups(rules.keep_together, None)
    group_of = {m: g for g in groups for m in g}
    for pair in rules.keep_apart:
        a, b = pair
        if a in group_of and b in group_of[a]:
            problems.append(RuleProblem(apart_name(pair), "they must also be kept together"))
        elif a in fixed and fixed.get(b) == fixed[a]:
            problems.append(RuleProblem(apart_name(pair), f"both are fixed to table {fixed[a]}"))
    for group in groups:
        at = sorted({fixed[m] for m in group if m in fixed})
        if len(at) > 1:
            listing = ", ".join(str(t) for t in at)
            reason = f"its members are fixed to different tables ({listing})"
            problems.append(RuleProblem(together_name(group), reason))
        elif crowded := _too_many(group, tables, present, "members together, but"):
            problems.append(RuleProblem(together_name(group), crowded))
    load: dict[int, set[str]] = {}
    for member, table in fixed.items():
        load.setdefault(table, set()).update(group_of.get(member, (member,)))
    for table, members in sorted(load.items()):
        if crowded := _too_many(tuple(members), tables, present, "members must sit there, but"):
            problems.append(RuleProblem(f"table {table}", crowded))
    return problems


def _too_many(
    members: Sequence[str], tables: int, present: Sequence[Collection[str]], what: str
) -> str | None:
    """Why ``members`` do not fit at one table at some sitting, or None."""
    for s, attending in enumerate(present, start=1):
        here = [m for m in members if m in attending]
        seats = -(-len(attending) // tables)
        if len(here) > seats:
            where = "" if len(here) == len(members) else f" of them attend sitting {s} and"
            if where:
                return f"{len(here)}{where} no table seats more than {seats} there"
            return f"{len(here)} {what} no table seats more than {seats}"
    return None


def raise_if_any(problems: Sequence[RuleProblem]) -> None:
    if problems:
        raise ImpossibleRules(problems)


def merged_groups(
    groups: Sequence[Sequence[str]], present: Collection[str] | None
) -> list[tuple[str, ...]]:
    """Keep-together groups with those sharing a member merged, restricted to ``present``
    (None: everyone); groups of one are left out."""
    parent: dict[str, str] = {}

    def root(m: str) -> str:
        while parent.setdefault(m, m) != m:
            m = parent[m]
        return m

    for group in groups:
        for other in group[1:]:
            parent[root(other)] = root(group[0])
    merged: dict[str, list[str]] = {}
    for m in parent:
        if present is None or m in present:
            merged.setdefault(root(m), []).append(m)
    return [tuple(g) for g in merged.values() if len(g) > 1]


def sitting_units(rules: Rules, present: Collection[str]) -> list[Unit]:
    """The pinned units of one sitting: groups of two or more present members, and members
    fixed to a table; table indices are 0-based."""
    fixed = rules.fixed_table()
    units: list[Unit] = []
    grouped: set[str] = set()
    for group in merged_groups(rules.keep_together, present):
        tables = {fixed[m] for m in group if m in fixed}
        units.append(Unit(group, tables.pop() - 1 if tables else None))
        grouped.update(group)
    for member, table in fixed.items():
        if member in present and member not in grouped:
            units.append(Unit((member,), table - 1))
    return units
