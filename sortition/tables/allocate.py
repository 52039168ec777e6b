"""The entry point: :func:`allocate_tables` seats a jury at tables for every sitting."""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np

from sortition.errors import ImpossibleRules, RuleProblem
from sortition.tables.bound import repeat_lower_bound
from sortition.tables.build import History, build_problem
from sortition.tables.facilitators import facilitator_repeats, rotate_facilitators
from sortition.tables.fair import IntArray
from sortition.tables.measures import measure
from sortition.tables.model import Breakout, Member, Mixing, Rules, TablesReport, TablesResult
from sortition.tables.problem import REPEAT_WEIGHT, SPREAD_WEIGHT, Problem
from sortition.tables.rules import Unit, apart_name, check_rules, raise_if_any
from sortition.tables.search import SearchOutcome, TabuSearch
from sortition.tables.start import affine_start, greedy_start

Progress = Callable[[str, float | None], None]

DEFAULT_STEPS = 1500


def allocate_tables(
    members: Sequence[Member],
    *,
    sittings: int | Sequence[Collection[str]],
    tables: int | None = None,
    table_size: int | None = None,
    categories: Mapping[str, Mixing | str] | Sequence[str] = (),
    rules: Rules | None = None,
    history: History = (),
    facilitators: Sequence[str] = (),
    seed: int | None = None,
    steps: int = DEFAULT_STEPS,
    time_limit: float | None = None,
    progress: Progress | None = None,
) -> TablesResult:
    """Seat ``members`` at ``tables`` tables (or tables of at most ``table_size``) for every
    sitting.

    ``sittings``: how many sittings (everyone present), or for each sitting the ids present.
    ``categories``: the categories to mix, each ``"strict"`` (a list of names: all strict) or
    ``"soft"`` (mixed only where it costs no repeated meeting). ``rules`` are kept at every
    sitting; ``history`` lists the tables already held (sittings of tables of ids), whose
    meetings count as met. ``facilitators`` rotate over the tables.

    Priorities: every rule; table sizes as equal as possible; strict categories within their
    fair share at every table (as close as the numbers allow); fewest repeated meetings;
    soft categories; repeats spread over many pairs. The search takes at most ``steps``
    swaps (``seed`` makes it reproducible: None draws one, recorded in the report) and stops
    earlier when it reaches the lower bound, or at ``time_limit`` seconds with the best
    schedule found so far (``report.stopped_by_time`` then says so).
    ``progress(message, fraction or None)`` is called as it advances.

    Raises :class:`ImpossibleRules` naming each rule that cannot hold, and :class:`ValueError`
    for ids that are not members or a table count that is not positive.
    """
    started = time.perf_counter()
    rules = rules or Rules()
    seed = secrets.randbits(63) if seed is None else seed
    present = _present(members, sittings)
    count = _table_count(present, tables, table_size)
    ids = [m.id for m in members]
    raise_if_any(check_rules(rules, ids=ids, tables=count, present=present))
    modes = _modes(categories)
    problem, units = build_problem(
        members, present=present, tables=count, categories=modes, rules=rules, history=history
    )
    bound = repeat_lower_bound(problem)
    if progress is not None:
        progress(f"Tables: at least {bound} repeated meetings; searching", 0.0)
    outcome = _search(
        problem,
        units,
        bound,
        rng=np.random.default_rng(seed),
        steps=steps,
        time_limit=time_limit,
        progress=progress,
    )
    _check_apart(problem, outcome.assign, rules)
    _check_sizes(problem, outcome.assign)
    seating = _seating(problem, outcome.assign)
    plan = rotate_facilitators(seating, facilitators)
    features = {m.id: m.features for m in members}
    # pairs with members who have left the jury are no longer anyone's to meet
    known = [[[m for m in table if m in features] for table in sitting] for sitting in history]
    figures = measure(seating, features, categories=list(modes), history=known)
    report = TablesReport(
        repeated_pairs=figures.repeated_pairs,
        distinct_pairs=figures.distinct_pairs,
        meetings=figures.meetings,
        tables_off_share=figures.tables_off_share,
        off_share_by_category=figures.off_share_by_category,
        lower_bound=bound,
        facilitator_repeats=facilitator_repeats(seating, plan),
        seconds=time.perf_counter() - started,
        seed=seed,
        iterations=outcome.iterations,
        stopped_by_time=outcome.stopped_by_time,
    )
    breakouts = tuple(
        tuple(
            Breakout(t + 1, tuple(table), facilitator)
            for t, (table, facilitator) in enumerate(zip(sitting, chosen, strict=True))
        )
        for sitting, chosen in zip(seating, plan, strict=True)
    )
    if progress is not None:
        progress("Tables: done", 1.0)
    return TablesResult(breakouts, report)


def _search(
    problem: Problem,
    units: list[list[Unit]],
    bound: int,
    *,
    rng: np.random.Generator,
    steps: int,
    time_limit: float | None,
    progress: Progress | None,
) -> SearchOutcome:
    """The tabu search from the affine plane where it fits, else from a greedy seating; it
    stops early when it reaches the lower bound."""
    start = affine_start(problem, rng=rng)
    if start is None:
        start = greedy_start(problem, units, rng=rng)
    search = TabuSearch(problem, start, rng=rng)
    deadline = None if time_limit is None else time.monotonic() + time_limit
    past = problem.history
    # the cost counts the history's own repeats and spread too
    offset = REPEAT_WEIGHT * np.maximum(past - 1.0, 0.0).sum() / 2.0
    offset += SPREAD_WEIGHT * (past * (past - 1.0)).sum() / 4.0
    target = float(offset) + bound + 1.0 - 1e-6

    def good_enough(state: TabuSearch) -> bool:
        # the square spread term is below 1 whenever the rest is at the bound
        return state.cost < target

    return search.run(
        iterations=steps, deadline=deadline, good_enough=good_enough, progress=progress
    )


def _present(
    members: Sequence[Member], sittings: int | Sequence[Collection[str]]
) -> list[list[str]]:
    ids = [m.id for m in members]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError("member ids appear twice: " + ", ".join(twice))
    if isinstance(sittings, int):
        if sittings < 1:
            raise ValueError("there must be at least one sitting")
        return [list(ids)] * sittings
    known = set(ids)
    for number, attending in enumerate(sittings, start=1):
        unknown = sorted(set(attending) - known)
        if unknown:
            raise ValueError(f"sitting {number}: not members: " + ", ".join(unknown))
    # member order, so that the result does not depend on the order of a set
    return [[i for i in ids if i in set(attending)] for attending in sittings]


def _table_count(present: list[list[str]], tables: int | None, size: int | None) -> int:
    if (tables is None) == (size is None):
        raise ValueError("give either the number of tables or the table size")
    if tables is not None:
        if tables < 1:
            raise ValueError("the number of tables must be at least 1")
        return tables
    assert size is not None
    if size < 1:
        raise ValueError("the table size must be at least 1")
    return max(1, math.ceil(max(len(p) for p in present) / size))


def _modes(categories: Mapping[str, Mixing | str] | Sequence[str]) -> dict[str, Mixing]:
    if isinstance(categories, Mapping):
        return {name: Mixing(mode) for name, mode in categories.items()}
    if isinstance(categories, str):  # one name, not its letters
        return {categories: Mixing.STRICT}
    return {name: Mixing.STRICT for name in categories}


def _seating(problem: Problem, assign: IntArray) -> list[list[list[str]]]:
    return [
        [
            [problem.ids[i] for i in np.flatnonzero(assign[s] == t).tolist()]
            for t in range(problem.tables)
        ]
        for s in range(problem.sittings)
    ]


def _check_apart(problem: Problem, assign: IntArray, rules: Rules) -> None:
    index = {pid: i for i, pid in enumerate(problem.ids)}
    problems = []
    for pair in rules.keep_apart:
        a, b = index[pair[0]], index[pair[1]]
        clash = [
            s + 1
            for s in range(problem.sittings)
            if assign[s, a] >= 0 and assign[s, a] == assign[s, b]
        ]
        if clash:
            where = ", ".join(str(s) for s in clash)
            reason = f"no seating found that keeps them apart (sitting {where})"
            problems.append(RuleProblem(apart_name(pair), reason))
    if problems:
        raise ImpossibleRules(problems)


def _check_sizes(problem: Problem, assign: IntArray) -> None:
    """The groups kept together and the fixed members may not pack into the table sizes
    (a bin-packing question the checks before the search do not settle)."""
    for s in range(problem.sittings):
        have = np.bincount(assign[s][assign[s] >= 0], minlength=problem.tables)
        if not np.array_equal(have, problem.sizes[s]):
            reason = (
                f"at sitting {s + 1} the groups kept together and the members fixed to tables "
                "do not fit into tables of equal size"
            )
            raise ImpossibleRules([RuleProblem("keep together and fixed", reason)])
