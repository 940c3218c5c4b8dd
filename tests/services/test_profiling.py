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


def test_long_table_whose_columns_are_named_like_summary_words() -> None:
    # Column names such as "first" or "len" once clashed with the profile's own
    # per-series summary and answered with an error.
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(30)]
    frame = pl.DataFrame(
        {"len": days * 2, "first": ["a"] * 30 + ["b"] * 30, "last": range(60)}
    )
    profile = profile_table(frame)
    assert profile.time_column == "len"
    assert profile.series_id_columns == ["first"]
    assert profile.series_count == 2
    assert profile.frequency is not None and profile.frequency.unit == "day"
    assert profile.target_candidates == ["last"]
    # …and a series column named "unique" (a name the series check once used).
    named = profile_table(frame.rename({"first": "unique", "len": "date"}))
    assert named.series_id_columns == ["unique"] and named.series_count == 2


def test_series_columns_found_among_several_candidates() -> None:
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(20)]
    frame = pl.DataFrame(
        {
            "day": days * 4,
            "region": ["north"] * 40 + ["south"] * 40,
            "store": (["A"] * 20 + ["B"] * 20) * 2,
            "y": range(80),
        }
    )
    profile = profile_table(frame)
    # Neither region nor store alone makes each day unique; the pair does.
    assert profile.series_id_columns == ["region", "store"]
    assert profile.series_count == 4
    assert not any("duplicate" in issue.message for issue in profile.issues)


def test_codes_named_as_codes_are_never_targets() -> None:
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(30)]
    frame = pl.DataFrame(
        {
            "day": days,
            "sku": [100234 + i % 4 for i in range(30)],
            "StoreNr": [7] * 15 + [9] * 15,
            "order_id": range(5001, 5031),
            "paid": [i % 7 for i in range(30)],
            "number": [i % 9 for i in range(30)],
            "units": [i % 5 for i in range(30)],
        }
    )
    profile = profile_table(frame)
    roles = {c.name: c.role for c in profile.columns}
    assert roles["sku"] == roles["StoreNr"] == "categorical"
    assert roles["order_id"] == "identifier"
    assert profile.target_candidates == ["paid", "number", "units"]


def test_free_comments_are_text_and_short_names_are_identifiers() -> None:
    n = 30
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(n)]
    frame = pl.DataFrame(
        {
            "day": days,
            "y": range(n),
            "comment": [
                f"Customer called about order {i}, wants it sooner" for i in range(n)
            ],
            "remark": [f"late delivery {i % 20}" for i in range(n)],
            "product": [f"Chair {i}" for i in range(n)],
            "code": [f"INV-{i:05d}" for i in range(n)],
            "shelf": [f"A{i % 13}" for i in range(n)],
            "link": [
                f'=HYPERLINK("https://x.example/{i}","order {i}")' for i in range(n)
            ],
        }
    )
    roles = {c.name: c.role for c in profile_table(frame).columns}
    assert roles["comment"] == roles["remark"] == "text"
    assert roles["product"] == roles["code"] == roles["link"] == "identifier"
    assert roles["shelf"] == "categorical"
