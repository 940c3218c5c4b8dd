"""Profiling: roles, the time column, frequency, targets and series ids."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest import read_table
from services.profiling import ColumnsConfig, profile_table
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


def _shuffled(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    return frame.sample(fraction=1.0, shuffle=True, seed=seed)


@settings(max_examples=25, deadline=None)
@given(
    codes=st.sets(st.integers(min_value=1, max_value=10**6), min_size=2, max_size=8),
    times=st.integers(min_value=4, max_value=30),
    name=st.sampled_from(["outlet", "k", "Filiale"]),
    dropped=st.floats(min_value=0, max_value=0.1),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_an_integer_code_is_the_series_column_and_never_a_target(
    codes: set[int], times: int, name: str, dropped: float, seed: int
) -> None:
    rng = random.Random(seed)
    months = [dt.date(2020 + i // 12, i % 12 + 1, 1) for i in range(times)]
    rows = [(m, c) for m in months for c in sorted(codes)]
    rows = [rows[0], *(r for r in rows[1:] if rng.random() >= dropped)]
    frame = pl.DataFrame(
        {
            "month": [m for m, _ in rows],
            name: [c for _, c in rows],
            "sales": [rng.uniform(0, 1_000) for _ in rows],
            "units": [rng.randint(0, 10**6) for _ in rows],
        }
    )
    profile = profile_table(_shuffled(frame, seed))
    assert profile.series_id_columns == [name]
    assert profile.target_candidates == ["sales", "units"]
    roles = {c.name: (c.role, c.detected_role) for c in profile.columns}
    assert roles[name] == ("categorical", "categorical")
    assert not any("duplicate" in issue.message for issue in profile.issues)


@settings(max_examples=25, deadline=None)
@given(
    times=st.integers(min_value=3, max_value=60),
    low=st.integers(min_value=-5, max_value=1_000),
    width=st.integers(min_value=1, max_value=50),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_one_series_with_an_integer_column_stays_one_series(
    times: int, low: int, width: int, seed: int
) -> None:
    rng = random.Random(seed)
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(times)]
    counts = [low, low + width] + [rng.randint(low, low + width) for _ in days[2:]]
    frame = pl.DataFrame({"day": days, "count": counts})
    profile = profile_table(_shuffled(frame, seed))
    assert profile.series_id_columns == [] and profile.series_count == 1
    assert profile.target_candidates == ["count"]


def test_a_number_the_user_calls_a_number_is_not_taken_for_a_code() -> None:
    months = [dt.date(2023, m, 1) for m in range(1, 13)]
    frame = pl.DataFrame(
        {"month": months * 3, "outlet": [1] * 12 + [2] * 12 + [3] * 12, "y": range(36)}
    )
    assert profile_table(frame).series_id_columns == ["outlet"]
    told = profile_table(frame, config=ColumnsConfig(roles={"outlet": "numeric"}))
    assert told.series_id_columns == [] and "outlet" in told.target_candidates
    none = profile_table(frame, config=ColumnsConfig(series_id_columns=[]))
    assert none.target_candidates == ["outlet", "y"]


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


def test_typos_are_issues_three_by_name_then_counted() -> None:
    days = [dt.date(2021, 1, 1) + dt.timedelta(days=i) for i in range(1_000)]
    sales = [10_000.0 + (i % 7) * 300 for i in range(1_000)]
    for at in (100, 300, 500, 700, 900):
        sales[at] = 1_000_000.0
    profile = profile_table(pl.DataFrame({"day": days, "sales": sales}))
    messages = [i.message for i in profile.issues if i.severity == "warning"]
    assert len(messages) == 4
    assert messages[0].startswith("“sales” on 2021-04-11 is 1,000,000, about ")
    assert messages[3] == "2 more values in “sales” stand out the same way."
