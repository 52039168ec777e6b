"""Feasibility, the details a mutation run showed untested: every arithmetic finding is
reported with its words, and the reasons name every category involved."""

from __future__ import annotations

from sortition.feasibility import check_feasibility, quick_checks
from sortition.model import Person, Pool, Quota, Quotas


def test_the_arithmetic_findings_are_all_reported_in_words() -> None:
    pool = Pool(tuple(Person(f"p{i}", {"g": "f" if i % 2 else "m"}, None) for i in range(6)))
    quotas = Quotas((Quota("g", "f", 3, 3), Quota("g", "m", 3, 3)))
    assert [str(p) for p in quick_checks(pool, quotas, 4)] == [
        "g: the minimums add up to 6, more than the panel of 4"
    ]
    assert [str(p) for p in quick_checks(pool, quotas, 8)] == [
        "at most 6 volunteers can sit together (one per household), fewer than the panel of 8",
        "g: the maximums add up to 6, less than the panel of 8",
    ]


def test_the_reasons_name_every_category() -> None:
    quotas = Quotas(
        (
            Quota("g", "f", 0, 2),
            Quota("g", "m", 0, 0),
            Quota("a", "young", 0, 0),
            Quota("a", "old", 0, 2),
        )
    )
    pool = Pool(
        (
            Person("ok1", {"g": "f", "a": "old"}, None),
            Person("ok2", {"g": "f", "a": "old"}, None),
            Person("closed", {"g": "m", "a": "young"}, None),
            Person("unknown", {"g": "x", "a": "middle"}, None),
        )
    )
    report = check_feasibility(pool, quotas, 2)
    reasons = {u.person_id: u.reason for u in report.unselectable}
    assert reasons == {
        "closed": "the maximum is 0 for g m, a young",
        "unknown": "no quota for their value of g, a",
    }
