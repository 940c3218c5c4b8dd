"""Profiling: roles, the time column, frequency, targets and series ids."""

from __future__ import annotations

import datetime as dt

import polars as pl

from services.ingest import read_table
from services.profiling import profile_table
from tests.conftest import SAMPLES, TEST_DATA


def test_monthly_single_series() -> None:
    profile = profile_table(read_table(SAMPLES / "air_passengers.csv", ".csv").frame)
    assert profile.time_column == "month"
    assert profile.frequency is not None
    assert (profile.frequency.unit, profile.frequency.step) == ("month", 1)
    assert (profile.start, profile.end) == ("1949-01-01", "1960-12-01")
    assert profile.target_candidates == ["passengers"]
    assert profile.series_id_columns == []


def test_long_table_with_one_series_per_state() -> None:
    profile = profile_table(
        read_table(SAMPLES / "australian_accommodation.csv", ".csv").frame
    )
    roles = {c.name: c.role for c in profile.columns}
    assert roles["state"] == "categorical"
    assert profile.series_id_columns == ["state"]
    assert profile.frequency is not None and profile.frequency.unit == "quarter"
    assert profile.target_candidates == ["takings_m_aud", "occupancy_pct", "cpi"]


def test_daily_european_file_and_text_columns() -> None:
    profile = profile_table(read_table(TEST_DATA / "european_sales.csv", ".csv").frame)
    roles = {c.name: c.role for c in profile.columns}
    assert roles == {
        "Datum": "time",
        "Umsatz": "numeric",
        "Filiale": "constant",
        "Bemerkung": "constant",
    }
    assert profile.frequency is not None and profile.frequency.unit == "day"


def test_no_time_column_is_explained() -> None:
    profile = profile_table(read_table(TEST_DATA / "zip_codes.csv", ".csv").frame)
    assert profile.time_column is None
    assert profile.time_explanation and "dates" in profile.time_explanation
    assert "zip" not in profile.target_candidates


def test_gaps_are_reported() -> None:
    days = [dt.date(2024, 1, d) for d in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12)]
    profile = profile_table(pl.DataFrame({"day": days, "y": range(len(days))}))
    assert profile.frequency is not None and profile.frequency.unit == "day"
    assert any("1 period is missing" in issue.message for issue in profile.issues)
