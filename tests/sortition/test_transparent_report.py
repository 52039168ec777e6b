"""The transparent lottery's report and checks (sortition/transparent/lottery.py), the
details a mutation run showed untested: every figure of the report, its dictionary form,
panel numbers at both ends, the progress line, household labels and the check of every
panel."""

from __future__ import annotations

import random

import pytest

from sortition.errors import InvalidPanel
from sortition.model import Person, Pool, Quota, Quotas
from sortition.transparent import transparent_lottery
from sortition.transparent.lottery import LotteryReport, _check, household_labels
from sortition.transparent.rounding import Method
from tests.sortition.instances import random_instance


def test_the_report_holds_every_figure() -> None:
    pool, quotas, k = random_instance(random.Random(3), n=30, k=6, households=3)
    said: list[tuple[str, object]] = []
    lottery = transparent_lottery(
        pool, quotas, k, panels=40, seed=11, progress=lambda text, done: said.append((text, done))
    )
    report = lottery.report
    before, after = lottery.before, lottery.after
    assert (lottery.pool, lottery.quotas, lottery.k) == (pool, quotas, k)
    assert (report.panels, report.k, report.n) == (40, k, len(pool))
    assert report.min_before == pytest.approx(min(before.values()))
    assert report.min_after == pytest.approx(min(after.values()))
    assert report.zero_after == sum(1 for p in pool.ids if after[p] == 0 and before[p] > 0)
    assert report.max_loss == pytest.approx(max(0.0, *(before[p] - after[p] for p in pool.ids)))
    assert 0 <= report.lower_bound <= report.max_loss + 1e-9
    assert 0 <= report.seconds < 120
    assert report.method in {m.value for m in Method}
    assert report.seed == 11 == report.selection.seed
    assert ("Rounding to 40 panels", None) in said
    data = report.as_dict()
    assert set(data) == set(LotteryReport.__slots__)
    assert data["selection"] == report.selection.as_dict()
    assert {key: data[key] for key in ("panels", "k", "n", "seed")} == {
        "panels": 40,
        "k": k,
        "n": len(pool),
        "seed": 11,
    }
    assert lottery.panel(1) == lottery.panels[0] and lottery.panel(40) == lottery.panels[-1]
    for number in (0, 41):
        with pytest.raises(ValueError, match=f"panel number {number} is not between 1 and 40"):
            lottery.panel(number)


def test_no_panels_is_refused_by_name() -> None:
    pool, quotas, k = random_instance(random.Random(3), n=12, k=3, households=0)
    with pytest.raises(ValueError, match=r"^the number of panels must be at least 1, not 0$"):
        transparent_lottery(pool, quotas, k, panels=0)


def _pool() -> Pool:
    return Pool(
        (
            Person("a", {"g": "f"}, "home 1"),
            Person("b", {"g": "m"}, None),
            Person("c", {"g": "m"}, "home 2"),
            Person("d", {"g": "f"}, "home 1"),
            Person("e", {"g": "f"}, "home 2"),
        )
    )


def test_households_are_labelled_in_pool_order() -> None:
    assert household_labels(_pool()) == {"a": "H1", "b": None, "c": "H2", "d": "H1", "e": "H2"}


def test_every_panel_is_checked_and_the_bad_one_named() -> None:
    quotas = Quotas((Quota("g", "f", 1, 1), Quota("g", "m", 1, 1)))
    _check(_pool(), quotas, 2, (("a", "b"), ("b", "e")))  # fine: nothing raised
    with pytest.raises(InvalidPanel) as caught:
        _check(_pool(), quotas, 2, (("a", "b"), ("a", "d", "x")))
    message = str(caught.value)
    assert message.startswith("panel 2 of the transparent lottery: 3 seats, not 2; ")
    assert "not in the pool: x" in message


def test_those_left_out_by_few_panels_are_counted() -> None:
    # Two panels of 6 from 30 volunteers: at least 18 who had a chance have none after.
    pool, quotas, k = random_instance(random.Random(3), n=30, k=6, households=3)
    lottery = transparent_lottery(pool, quotas, k, panels=2, seed=11)
    before, after = lottery.before, lottery.after
    left_out = [p for p in pool.ids if after[p] == 0 and before[p] > 0]
    assert len(left_out) >= 18
    assert lottery.report.zero_after == len(left_out)
