"""The transparent lottery (placeholder docstring, replaced below)."""

from sortition.transparent.lottery import (
    DEFAULT_PANELS,
    LotteryReport,
    ReplacementBasis,
    TransparentLottery,
    household_labels,
    round_to_panels,
    transparent_lottery,
)
from sortition.transparent.replacement import open_quotas, remaining_pool, replacement_lottery

__all__ = [
    "DEFAULT_PANELS",
    "LotteryReport",
    "ReplacementBasis",
    "TransparentLottery",
    "household_labels",
    "open_quotas",
    "remaining_pool",
    "replacement_lottery",
    "round_to_panels",
    "transparent_lottery",
]
