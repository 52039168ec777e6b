"""The transparent lottery (placeholder docstring, replaced below)."""

from sortition.transparent.lottery import (
    DEFAULT_PANELS,
    LotteryReport,
    TransparentLottery,
    household_labels,
    round_to_panels,
    transparent_lottery,
)

__all__ = [
    "DEFAULT_PANELS",
    "LotteryReport",
    "TransparentLottery",
    "household_labels",
    "round_to_panels",
    "transparent_lottery",
]
