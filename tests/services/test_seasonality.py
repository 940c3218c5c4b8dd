"""The seasons worth checking for each calendar."""

from __future__ import annotations

from services.profiling import Frequency
from services.seasonality import calendar_seasons


def test_data_every_15_minutes_is_checked_for_daily_and_weekly_seasons() -> None:
    assert calendar_seasons(Frequency(unit="minute", step=15)) == [96, 672]
    assert calendar_seasons(Frequency(unit="month", step=2)) == []
