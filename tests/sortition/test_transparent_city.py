"""The transparent lottery at a city's scale (1,500 volunteers, 21 districts, households):
the bar of issue 11 on a Madrid-like pool. Slow: LEXIMIN and the rounding program take tens
of seconds."""

from __future__ import annotations

import random

import pytest

from sortition.audit import commit, draw, make_bundle, verify_bundle
from sortition.transparent import transparent_lottery
from tests.sortition.instances import city_instance, is_valid

pytestmark = pytest.mark.slow


def test_a_city_pool_rounds_to_1000_panels_losing_at_most_001() -> None:
    pool, quotas, k = city_instance(random.Random(1), n=1500, k=49, districts=21)
    lottery = transparent_lottery(pool, quotas, k, seed=1, time_limit=300)
    report = lottery.report
    assert report.panels == 1000 and report.bound == pytest.approx(0.049)
    assert report.max_loss <= 0.01
    assert report.max_loss <= report.naive_loss + 1e-12
    assert report.zero_after == 0
    assert all(is_valid(pool, quotas, k, frozenset(panel)) for panel in lottery.panels)
    commitment = commit(lottery, randomness_source="five dice")
    assert verify_bundle(make_bundle(commitment, draw(commitment, "6 5 4 3 2"))).ok
