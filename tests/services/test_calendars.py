"""Calendars: each rhythm is recognised, named, and continued by the forecast."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from services import calendars
from services.forecasting import forecast
from services.ingest import read_table
from services.profiling import profile_table

FAST = [{"key": "naive"}, {"key": "seasonal_naive"}]


def _csv(tmp_path: Path, times: list[str], header: str = "date") -> Path:
    path = tmp_path / "data.csv"
    rows = [f"{t},{100 + (i % 12) * 3 + i * 0.5:.2f}" for i, t in enumerate(times)]
    path.write_text(f"{header},sales\n" + "\n".join(rows) + "\n")
    return path


def _dates(start: str, periods: int, freq: str, fmt: str = "%Y-%m-%d") -> list[str]:
    return [d.strftime(fmt) for d in pd.date_range(start, periods=periods, freq=freq)]


# name: (times as written, anchor code, the next three times as ISO text)
CASES = {
    "month start": (
        _dates("2019-01-01", 36, "MS"),
        "month_start",
        ["2022-01-01", "2022-02-01", "2022-03-01"],
    ),
    "month end, day first, leap year": (
        _dates("2021-01-31", 36, "ME", "%d.%m.%Y"),
        "month_end",
        ["2024-01-31", "2024-02-29", "2024-03-31"],
    ),
    "billing on the 15th": (
        [
            d.replace(day=15).isoformat()
            for d in pd.date_range("2019-01-01", periods=36, freq="MS").date
        ],
        "day_of_month_15",
        ["2022-01-15", "2022-02-15", "2022-03-15"],
    ),
    "quarter start": (
        _dates("2015-01-01", 24, "QS"),
        "quarter_start",
        ["2021-01-01", "2021-04-01", "2021-07-01"],
    ),
    "quarter end": (
        _dates("2015-03-31", 24, "QE"),
        "quarter_end",
        ["2021-03-31", "2021-06-30", "2021-09-30"],
    ),
    "fiscal year ending in June": (
        _dates("2010-06-30", 14, "YE-JUN"),
        "year_end_jun",
        ["2024-06-30", "2025-06-30", "2026-06-30"],
    ),
    "year end": (
        _dates("2010-12-31", 14, "YE"),
        "year_end",
        ["2024-12-31", "2025-12-31", "2026-12-31"],
    ),
    "year as 2023-01-01": (
        _dates("2010-01-01", 14, "YS"),
        "year_start",
        ["2024-01-01", "2025-01-01", "2026-01-01"],
    ),
    "week ending Sunday": (
        _dates("2022-01-02", 110, "W-SUN"),
        "week_ending_sun",
        ["2024-02-11", "2024-02-18", "2024-02-25"],
    ),
    "week ending Saturday": (
        _dates("2022-01-01", 110, "W-SAT"),
        "week_ending_sat",
        ["2024-02-10", "2024-02-17", "2024-02-24"],
    ),
    "week ending Friday": (
        _dates("2021-12-31", 110, "W-FRI"),
        "week_ending_fri",
        ["2024-02-09", "2024-02-16", "2024-02-23"],
    ),
    "ISO weeks": (
        [
            f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}"
            for d in pd.date_range("2022-01-03", periods=110, freq="W-MON")
        ],
        "week_starting_mon",
        ["2024-02-12", "2024-02-19", "2024-02-26"],
    ),
    "business days with a holiday": (
        [d for d in _dates("2024-01-01", 70, "B") if d != "2024-01-15"],
        "business_days",
        ["2024-04-08", "2024-04-09", "2024-04-10"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_calendar_is_named_and_continued(name: str, tmp_path: Path) -> None:
    times, code, following = CASES[name]
    read = read_table(_csv(tmp_path, times), ".csv")
    profile = profile_table(read.frame, read.notes)
    assert profile.frequency is not None and profile.frequency.anchor is not None
    assert profile.frequency.anchor.code == code
    assert profile.frequency.anchor.label  # words for people
    assert not [i for i in profile.issues if i.severity == "warning"]
    result = forecast(
        read.frame,
        profile.time_column or "",
        "sales",
        3,
        profile.frequency,
        models=FAST,
    )
    assert [t.isoformat()[:10] for t in result.points["time"]] == following
    assert result.backtests is not None
    observed = set(read.frame[profile.time_column or ""].cast(pl.Date).to_list())
    assert set(result.backtests["time"].cast(pl.Date).to_list()) <= observed


def test_a_bare_year_column_is_yearly(tmp_path: Path) -> None:
    path = _csv(tmp_path, [str(y) for y in range(2000, 2020)], header="year")
    frame = read_table(path, ".csv").frame
    profile = profile_table(frame)
    assert profile.frequency is not None and profile.frequency.unit == "year"
    result = forecast(frame, "year", "sales", 2, profile.frequency, models=FAST)
    assert result.points["time"].to_list() == [date(2020, 1, 1), date(2021, 1, 1)]


def test_daily_dates_with_utc_offsets_keep_their_local_dates(tmp_path: Path) -> None:
    stamps = pd.date_range("2024-03-20", periods=30, freq="D", tz="Europe/Berlin")
    read = read_table(_csv(tmp_path, [s.isoformat() for s in stamps]), ".csv")
    assert read.frame["date"].dtype == pl.Date
    assert read.frame["date"][11] == date(2024, 3, 31)  # the day the offset changes
    profile = profile_table(read.frame, read.notes)
    assert profile.frequency is not None and profile.frequency.unit == "day"
    assert "local dates were kept" in " ".join(i.message for i in profile.issues)


def test_hourly_times_with_utc_offsets_become_regular_utc(tmp_path: Path) -> None:
    stamps = pd.date_range("2024-03-30", periods=72, freq="h", tz="Europe/Berlin")
    read = read_table(_csv(tmp_path, [s.isoformat() for s in stamps]), ".csv")
    profile = profile_table(read.frame, read.notes)
    assert profile.frequency is not None and profile.frequency.unit == "hour"
    assert read.frame["date"][0] == datetime(2024, 3, 29, 23)
    assert not [i for i in profile.issues if "missing" in i.message]


def _local_hours(start: str, end: str) -> list[str]:
    """Wall-clock hours in Berlin, as a meter without time zones writes them."""
    hours = pd.date_range(start, end, freq="h", tz="Europe/Berlin").tz_localize(None)
    return [h.strftime("%Y-%m-%d %H:%M") for h in hours]


def test_the_hour_repeated_in_autumn_is_said_and_averaged(tmp_path: Path) -> None:
    times = _local_hours("2024-10-20", "2024-11-01")
    read = read_table(_csv(tmp_path, times), ".csv")
    profile = profile_table(read.frame, read.notes)
    assert profile.frequency is not None and profile.frequency.unit == "hour"
    [issue] = [i for i in profile.issues if "clock" in i.message]
    assert issue.severity == "info" and "2024-10-27" in issue.message
    result = forecast(read.frame, "date", "sales", 24, profile.frequency, models=FAST)
    assert result.points.height == 24
    assert any("averaged" in n and "2024-10-27" in n for n in result.notes)


def test_the_hour_missing_in_spring_is_filled_and_said(tmp_path: Path) -> None:
    times = _local_hours("2024-03-25", "2024-04-05")
    read = read_table(_csv(tmp_path, times), ".csv")
    profile = profile_table(read.frame, read.notes)
    result = forecast(read.frame, "date", "sales", 24, profile.frequency, models=FAST)
    assert any("2024-03-31 02:00" in n and "interpolation" in n for n in result.notes)


def test_other_repeated_times_stay_duplicates(tmp_path: Path) -> None:
    times = _dates("2024-01-01 12:00", 48, "h", "%Y-%m-%d %H:%M")
    times[30] = times[29]  # a noon-time repeat is no clock change
    frame = read_table(_csv(tmp_path, times), ".csv").frame
    profile = profile_table(frame)
    assert any("duplicate timestamps" in i.message for i in profile.issues)


def test_irregular_times_offer_the_fix(tmp_path: Path) -> None:
    days = [0, 1, 5, 6, 13, 20, 22, 31, 33, 40, 47, 49, 58, 60, 61, 70, 79, 81]
    times = [(date(2024, 1, 1) + pd.Timedelta(days=d)).isoformat() for d in days]
    frame = read_table(_csv(tmp_path, times), ".csv").frame
    profile = profile_table(frame)
    assert profile.frequency is None
    [issue] = [i for i in profile.issues if "irregular" in i.message]
    assert "Cleaning page" in issue.message and "weekly" in issue.message


@pytest.mark.parametrize(
    ("code", "label"),
    [("month_end", "month end"), ("week_ending_sun", "week ending Sunday")],
)
def test_anchor_codes_and_labels(code: str, label: str) -> None:
    freq = "ME" if code == "month_end" else "W-SUN"
    times = pl.Series(list(pd.date_range("2024-01-01", periods=8, freq=freq).date))
    frequency = calendars.detect_frequency(pl.DataFrame({"t": times}), "t", [])
    assert frequency is not None and frequency.anchor is not None
    assert (frequency.anchor.code, frequency.anchor.label) == (code, label)


def test_fiscal_periods_have_stable_codes_and_named_months() -> None:
    ends = pd.date_range("2023-04-30", periods=8, freq="QE-JAN")  # Apr, Jul, Oct, Jan
    frame = pl.DataFrame({"t": pl.Series(list(ends.date))})
    frequency = calendars.detect_frequency(frame, "t", [])
    assert frequency is not None and frequency.anchor is not None
    assert frequency.anchor.code == "quarter_end_jan"
    assert calendars.describe(frequency) == (
        "quarterly, at quarter end (January, April, July, October)"
    )
