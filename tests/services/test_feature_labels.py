"""Feature and column names as people read them (services.features.label)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from services.calendars import Frequency
from services.features import build_features, label

MONTHLY = Frequency(unit="month", step=1)
DAILY = Frequency(unit="day", step=1)
WORKDAYS = Frequency(unit="business_day", step=1)
HOURLY = Frequency(unit="hour", step=1)
QUARTERLY = Frequency(unit="quarter", step=1)


@pytest.mark.parametrize(
    ("name", "frequency", "expected"),
    [
        ("sales_lag_12", MONTHLY, "sales 12 months earlier"),
        ("lag_1", Frequency(unit="day", step=1), "passengers 1 day earlier"),
        ("lag_5", WORKDAYS, "passengers 5 business days earlier"),
        ("lag_4", Frequency(unit="minute", step=15), "passengers 60 minutes earlier"),
        ("lag_3", None, "passengers 3 steps earlier"),
        ("rolling_std_12", MONTHLY, "12-month rolling spread of passengers"),
        ("rolling_mean_7", DAILY, "7-day rolling average of passengers"),
        ("rolling_min_4", QUARTERLY, "4-quarter rolling low of passengers"),
        ("rolling_max_2", None, "2-step rolling high of passengers"),
        ("load_rolling_max_24", HOURLY, "24-hour rolling high of load"),
        ("month", MONTHLY, "month of year"),
        ("day_of_week", None, "day of the week"),
        ("week_of_year", None, "week of year"),
        ("quarter", None, "quarter of year"),
        ("hour", None, "hour of day"),
        ("holiday", None, "public holiday"),
        ("holidays", Frequency(unit="week", step=1), "public holidays in the week"),
        ("time", MONTHLY, "date"),
        ("value", MONTHLY, "passengers"),
        ("sales_outlier", MONTHLY, "sales marked unusual"),
        ("store", MONTHLY, "store"),
    ],
)
def test_label(name: str, frequency: Frequency | None, expected: str) -> None:
    assert label(name, frequency, target="passengers") == expected


def test_a_users_own_column_keeps_its_name() -> None:
    assert label("month", MONTHLY, user_column=True) == "month"
    assert label("price_lag_1", MONTHLY, user_column=True) == "price 1 month earlier"


def test_every_feature_built_has_a_label_in_words() -> None:
    days = pl.DataFrame(
        {
            "time": [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(40)],
            "value": [float(i % 7) for i in range(40)],
        }
    )
    daily = Frequency(unit="day", step=1)
    built = build_features(days, daily, windows=[7], country="FR")
    for name in built.columns:
        words = label(name, daily, target="visits")
        assert "_" not in words and words != name, name
