"""Cleaning steps on small series with known answers, and their properties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.cleaning import Layout, apply_recipe, parse_recipe
from services.errors import InvalidInputError
from services.outliers import DEFAULT_SENSITIVITY, detect
from services.profiling import Frequency, profile_table

DAILY = Layout("day", [], Frequency(unit="day", step=1))


def _days(n: int) -> list[dt.date]:
    return [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(n)]


def _weekly_pattern(n: int = 56) -> pl.DataFrame:
    pattern = [100.0, 120, 140, 130, 150, 60, 40]
    return pl.DataFrame({"day": _days(n), "y": [pattern[i % 7] for i in range(n)]})


def _run(
    frame: pl.DataFrame, steps: list[dict[str, Any]], layout: Layout = DAILY
) -> tuple[pl.DataFrame, Any]:
    return apply_recipe(frame, parse_recipe(steps), layout)


@pytest.mark.parametrize("method", ["iqr", "zscore", "hampel", "stl"])
def test_every_detector_finds_a_known_spike(method: str) -> None:
    frame = _weekly_pattern()
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 30)
        .then(900.0)
        .otherwise(pl.col("y"))
        .alias("y")
    )
    found = detect(frame, "y", [], method, DEFAULT_SENSITIVITY[method], season=7)
    assert found["outlier"][30]
    assert found["outlier"].sum() <= 3


def test_seasonal_fill_repeats_last_season() -> None:
    frame = _weekly_pattern().with_columns(
        pl.when(pl.int_range(pl.len()).is_in([20, 21]))
        .then(None)
        .otherwise(pl.col("y"))
        .alias("y")
    )
    out, changes = _run(frame, [{"op": "impute", "column": "y", "method": "seasonal"}])
    assert out["y"].to_list() == _weekly_pattern()["y"].to_list()
    assert changes[0].filled == 2


def test_max_gap_leaves_long_gaps_alone() -> None:
    values = [1.0, None, 3.0, None, None, None, 7.0, 8.0]
    frame = pl.DataFrame({"day": _days(8), "y": values})
    out, changes = _run(
        frame, [{"op": "impute", "column": "y", "method": "linear", "max_gap": 2}]
    )
    assert out["y"].to_list() == [1.0, 2.0, 3.0, None, None, None, 7.0, 8.0]
    assert changes[0].filled == 1


def test_regularize_inserts_missing_days_per_series_and_fills() -> None:
    frame = pl.DataFrame(
        {
            "day": [d for d in _days(6) if d.day != 3] * 2,
            "store": ["a"] * 5 + ["b"] * 5,
            "y": [1.0, 2, 4, 5, 6, 10, 20, 40, 50, 60],
        }
    )
    layout = Layout("day", ["store"], Frequency(unit="day", step=1))
    out, changes = _run(frame, [{"op": "regularize", "fill": "linear"}], layout)
    assert out.height == 12 and changes[0].rows_added == 2
    filled = out.filter(pl.col("day") == dt.date(2024, 1, 3)).sort("store")["y"]
    assert filled.to_list() == [3.0, 30.0]


def test_deduplicate_sums_per_series() -> None:
    frame = pl.DataFrame({"day": _days(2) * 2, "y": [1.0, 2, 10, 20]})
    out, changes = _run(frame, [{"op": "deduplicate", "keep": "sum"}])
    assert out["y"].to_list() == [11.0, 22.0] and changes[0].rows_removed == 2


def test_outlier_actions_clip_and_interpolate() -> None:
    frame = pl.DataFrame(
        {"day": _days(9), "y": [10.0, 11, 10, 12, 500, 11, 10, 12, 11]}
    )
    clipped, change = _run(
        frame, [{"op": "outliers", "column": "y", "method": "iqr", "action": "clip"}]
    )
    assert clipped["y"][4] < 20 and change[0].clipped == 1
    replaced, _ = _run(
        frame,
        [{"op": "outliers", "column": "y", "method": "iqr", "action": "interpolate"}],
    )
    assert replaced["y"][4] == pytest.approx(11.5)
    flagged, _ = _run(frame, [{"op": "outliers", "column": "y", "method": "iqr"}])
    assert flagged["y_outlier"].to_list()[4] and flagged["y"][4] == 500


def test_resample_to_weeks_and_other_steps() -> None:
    out, _ = _run(
        _weekly_pattern(14),
        [
            {"op": "resample", "frequency": {"unit": "week", "step": 1}, "agg": "sum"},
            {"op": "rename", "column": "y", "to": "visits"},
            {"op": "cast", "column": "visits", "to": "integer"},
        ],
    )
    assert out.columns == ["day", "visits"] and out["visits"].to_list()[-1] == 740


@pytest.mark.parametrize(
    "steps,message",
    [
        ([{"op": "impute", "column": "nope"}], "no column"),
        ([{"op": "impute", "column": "y", "method": "magic"}], "step 1"),
        ([{"op": "outliers", "column": "y", "sensitivity": -1}], "sensitivity"),
        ([{"op": "explode"}], "op"),
        ([{"op": "impute", "column": "y", "method": "drop"}], "no rows"),
    ],
)
def test_invalid_steps_name_the_step_and_field(
    steps: list[dict[str, Any]], message: str
) -> None:
    frame = pl.DataFrame(
        {"day": _days(3), "y": [None, None, None]},
        schema={"day": pl.Date, "y": pl.Float64},
    )
    with pytest.raises(InvalidInputError, match=message):
        _run(frame, steps)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
        min_size=2,
        max_size=40,
    )
)
def test_linear_interpolation_stays_between_its_neighbours(
    values: list[float | None],
) -> None:
    frame = pl.DataFrame(
        {"day": _days(len(values)), "y": values},
        schema={"day": pl.Date, "y": pl.Float64},
    )
    out, _ = _run(frame, [{"op": "impute", "column": "y", "method": "linear"}])
    known = [i for i, v in enumerate(values) if v is not None]
    for i, v in enumerate(values):
        if v is None and out["y"][i] is not None:
            left = max(k for k in known if k < i)
            right = min(k for k in known if k > i)
            low, high = sorted((values[left], values[right]))  # type: ignore[type-var]
            assert low - 1e-6 <= out["y"][i] <= high + 1e-6
    assert frame["y"].to_list() == values  # the input is untouched


# --- calendars: the steps keep the data's own calendar ------------------------------


def _times(start: str, periods: int, freq: str) -> list[Any]:
    """Times as pandas makes them: dates, or datetimes when they hold hours."""
    stamps = pd.date_range(start, periods=periods, freq=freq)
    if (stamps == stamps.normalize()).all():
        return list(stamps.date)
    return list(stamps.to_pydatetime())


def _local_hours(start: str, end: str) -> list[dt.datetime]:
    """Wall-clock hours in Berlin, as a meter without time zones writes them."""
    hours = pd.date_range(start, end, freq="h", tz="Europe/Berlin").tz_localize(None)
    return list(hours.to_pydatetime())


def _table(times: list[Any], keys: list[str] | None = None) -> pl.DataFrame:
    values = [100.0 + (i % 12) * 3 + i * 0.5 for i in range(len(times))]
    data: dict[str, Any] = {"date": times, "sales": values}
    if keys:
        data["store"] = keys
    return pl.DataFrame(data)


def _frequency(frame: pl.DataFrame) -> Frequency:
    frequency = profile_table(frame).frequency
    assert frequency is not None
    return frequency


def _fifteenths(periods: int) -> list[dt.date]:
    return [d.replace(day=15) for d in _times("2022-01-01", periods, "MS")]


# name: (every time of the calendar, the times left out of the table, anchor code)
REGULAR: dict[str, tuple[list[Any], list[Any], str | None]] = {
    # Starting on the 28th: Polars alone would step on to March 28, April 28, …
    "month end from February 28, February 29 missing": (
        _times("2023-02-28", 24, "ME"),
        [dt.date(2023, 4, 30), dt.date(2024, 2, 29)],
        "month_end",
    ),
    "billing on the 15th": (
        _fifteenths(24),
        [dt.date(2022, 3, 15), dt.date(2023, 2, 15)],
        "day_of_month_15",
    ),
    "quarter end from June 30": (
        _times("2018-06-30", 16, "QE"),
        [dt.date(2019, 6, 30)],
        "quarter_end",
    ),
    "fiscal quarters starting in February": (
        _times("2018-02-01", 16, "QS-FEB"),
        [dt.date(2019, 5, 1)],
        "quarter_start_feb",
    ),
    "fiscal year ending in June": (
        _times("2010-06-30", 12, "YE-JUN"),
        [dt.date(2014, 6, 30)],
        "year_end_jun",
    ),
    "week ending Sunday": (
        _times("2023-01-01", 60, "W-SUN"),
        [dt.date(2023, 3, 5), dt.date(2023, 12, 31)],
        "week_ending_sun",
    ),
    "ISO weeks": (
        _times("2023-01-02", 60, "W-MON"),
        [dt.date(2023, 2, 13)],
        "week_starting_mon",
    ),
    "business days": (
        _times("2024-01-01", 60, "B"),
        [dt.date(2024, 1, 15), dt.date(2024, 2, 19)],
        "business_days",
    ),
    "hourly, spring clock change": (
        _local_hours("2024-03-29", "2024-04-02"),  # has no 02:00 on March 31
        [dt.datetime(2024, 3, 31, 2)],
        None,
    ),
    "hourly, autumn clock change": (
        _local_hours("2024-10-25", "2024-10-29"),  # has 02:00 twice on October 27
        [],
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(REGULAR))
def test_regularize_inserts_the_missing_times_of_the_data_s_own_calendar(
    name: str,
) -> None:
    times, absent, code = REGULAR[name]
    if name.startswith("hourly, spring"):
        times = [*times, *absent]  # the meter's clock skips the hour; Polars does not
    frame = _table(times).filter(~pl.col("date").is_in(absent)).sort("date")
    frequency = _frequency(frame)
    assert (frequency.anchor.code if frequency.anchor else None) == code
    layout = Layout("date", [], frequency)
    out, [change] = _run(frame, [{"op": "regularize", "fill": "linear"}], layout)
    inserted = out.filter(~pl.col("date").is_in(frame["date"].implode()))["date"]
    assert inserted.to_list() == absent
    assert out.height == frame.height + len(absent) == out.unique().height
    assert change.rows_added == len(absent) and change.filled == len(absent)
    assert out["sales"].null_count() == 0
    assert _frequency(out) == frequency  # the new version's profile: same anchor
    if absent:
        assert str(absent[0])[:16] in change.description
    else:
        assert change.description.startswith("Nothing to insert")


def test_regularize_keeps_month_ends_for_series_that_start_on_the_30th_or_28th() -> (
    None
):
    # Polars steps "1mo" from April 30 to May 30 and from February 28 to March 28.
    april, february = _times("2023-04-30", 12, "ME"), _times("2023-02-28", 12, "ME")
    frame = _table([*april, *february], ["a"] * 12 + ["b"] * 12)
    absent = [(dt.date(2023, 6, 30), "a"), (dt.date(2023, 5, 31), "b")]
    frame = frame.filter(
        ~pl.struct("date", "store").is_in([{"date": d, "store": s} for d, s in absent])
    )
    layout = Layout("date", ["store"], _frequency(frame.filter(pl.col("store") == "a")))
    out, [change] = _run(frame, [{"op": "regularize", "fill": None}], layout)
    added = out.filter(pl.col("sales").is_null()).sort("store")
    assert added.select("date", "store").rows() == absent
    assert change.rows_added == 2 and out.height == 24


def test_regularize_at_the_data_s_unit_keeps_its_anchor_and_refuses_another() -> None:
    frame = _table(_times("2023-01-31", 12, "ME")).filter(
        pl.col("date") != dt.date(2023, 6, 30)
    )
    layout = Layout("date", [], _frequency(frame))
    monthly = {"unit": "month", "step": 1}
    out, _ = _run(frame, [{"op": "regularize", "frequency": monthly}], layout)
    assert dt.date(2023, 6, 30) in out["date"].to_list() and out.height == 12
    starts = {**monthly, "anchor": {"code": "month_start", "label": "month start"}}
    with pytest.raises(
        InvalidInputError, match=r"chosen calendar \(monthly, month start\)"
    ):
        _run(frame, [{"op": "regularize", "frequency": starts}], layout)


# name: (times, the new frequency, the first times it gives, anchor code after)
RESAMPLED: dict[str, tuple[list[Any], dict[str, Any], list[Any], str | None]] = {
    "month ends to quarters, dated at their ends": (
        _times("2023-01-31", 24, "ME"),
        {"unit": "quarter", "step": 1},
        [dt.date(2023, 3, 31), dt.date(2023, 6, 30), dt.date(2023, 9, 30)],
        "quarter_end",
    ),
    "month starts to quarters": (
        _times("2023-01-01", 24, "MS"),
        {"unit": "quarter", "step": 1},
        [dt.date(2023, 1, 1), dt.date(2023, 4, 1), dt.date(2023, 7, 1)],
        "quarter_start",
    ),
    "billing on the 15th to quarters": (
        _fifteenths(24),
        {"unit": "quarter", "step": 1},
        [dt.date(2022, 1, 15), dt.date(2022, 4, 15), dt.date(2022, 7, 15)],
        "day_of_month_15",
    ),
    "month ends to fiscal years ending in June": (
        _times("2021-07-31", 36, "ME"),
        {
            "unit": "year",
            "step": 1,
            "anchor": {"code": "year_end_jun", "label": "year end (June)"},
        },
        [dt.date(2022, 6, 30), dt.date(2023, 6, 30), dt.date(2024, 6, 30)],
        "year_end_jun",
    ),
    "weeks ending Sunday to months, dated at their ends": (
        _times("2023-01-01", 26, "W-SUN"),
        {"unit": "month", "step": 1},
        [dt.date(2023, 1, 31), dt.date(2023, 2, 28), dt.date(2023, 3, 31)],
        "month_end",
    ),
    "days to ISO weeks": (
        _times("2024-01-03", 60, "D"),
        {"unit": "week", "step": 1},
        [dt.date(2024, 1, 1), dt.date(2024, 1, 8), dt.date(2024, 1, 15)],
        "week_starting_mon",
    ),
    "days to weeks ending Sunday": (
        _times("2024-01-03", 60, "D"),
        {
            "unit": "week",
            "step": 1,
            "anchor": {"code": "week_ending_sun", "label": "week ending Sunday"},
        },
        [dt.date(2024, 1, 7), dt.date(2024, 1, 14), dt.date(2024, 1, 21)],
        "week_ending_sun",
    ),
    "business days to weeks": (
        _times("2024-01-01", 60, "B"),
        {"unit": "week", "step": 1},
        [dt.date(2024, 1, 1), dt.date(2024, 1, 8), dt.date(2024, 1, 15)],
        "week_starting_mon",
    ),
    "hours across the autumn clock change to days": (
        _local_hours("2024-10-25", "2024-10-29 23:00"),
        {"unit": "day", "step": 1},
        [dt.datetime(2024, 10, d) for d in (25, 26, 27)],
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(RESAMPLED))
def test_resample_dates_periods_in_the_data_s_convention(name: str) -> None:
    times, frequency, first, code = RESAMPLED[name]
    frame = _table(times)
    layout = Layout("date", [], _frequency(frame))
    out, [change] = _run(
        frame, [{"op": "resample", "frequency": frequency, "agg": "sum"}], layout
    )
    assert out["date"].head(3).to_list() == first
    assert out["sales"].sum() == pytest.approx(frame["sales"].sum())  # nothing lost
    after = _frequency(out)
    assert (after.unit, after.anchor.code if after.anchor else None) == (
        frequency["unit"],
        code,
    )
    assert "dated" in change.description


def test_resampling_month_ends_to_quarters_says_how_quarters_are_dated() -> None:
    frame = _table(_times("2023-01-31", 12, "ME"))
    _, [change] = _run(
        frame,
        [{"op": "resample", "frequency": {"unit": "quarter", "step": 1}}],
        Layout("date", [], _frequency(frame)),
    )
    assert change.description == (
        "Aggregated 12 rows into 4 (sum per quarter; each quarter is dated on its "
        "last day, as the data dates its rows)."
    )


def test_resampling_the_autumn_clock_change_adds_up_its_25_hours() -> None:
    frame = _table(_local_hours("2024-10-26", "2024-10-28 23:00")).with_columns(
        sales=pl.lit(1.0)
    )
    out, _ = _run(
        frame,
        [{"op": "resample", "frequency": {"unit": "day", "step": 1}}],
        Layout("date", [], _frequency(frame)),
    )
    assert out["sales"].to_list() == [24.0, 25.0, 24.0]


def test_seasonal_fill_takes_the_same_period_of_the_calendar_not_of_the_rows() -> None:
    # Month ends: February 29, 2024 is filled from February 28, 2023, even with a
    # month absent in between (counting 12 rows back would land on March 2023).
    times = _times("2022-01-31", 36, "ME")
    frame = pl.DataFrame(
        {"date": times, "sales": [float(t.month * 10 + t.year - 2022) for t in times]}
    ).filter(pl.col("date") != dt.date(2023, 7, 31))
    frame = frame.with_columns(
        pl.when(pl.col("date") == dt.date(2024, 2, 29))
        .then(None)
        .otherwise(pl.col("sales"))
        .alias("sales")
    )
    layout = Layout("date", [], _frequency(frame))
    out, _ = _run(
        frame, [{"op": "impute", "column": "sales", "method": "seasonal"}], layout
    )
    filled = out.filter(pl.col("date") == dt.date(2024, 2, 29))["sales"].item()
    assert filled == 21.0  # February 2023
    regular, _ = _run(frame, [{"op": "regularize", "fill": "seasonal"}], layout)
    assert regular.filter(pl.col("date") == dt.date(2023, 7, 31))["sales"].item() == 70


def test_seasonal_fill_of_business_days_uses_the_same_weekday_a_week_before() -> None:
    times = [d for d in _times("2024-01-01", 30, "B") if d != dt.date(2024, 1, 15)]
    values = [float(d.weekday() * 100 + d.day) for d in times]
    frame = pl.DataFrame({"date": times, "sales": values}).with_columns(
        pl.when(pl.col("date") == dt.date(2024, 1, 19))
        .then(None)
        .otherwise(pl.col("sales"))
        .alias("sales")
    )
    layout = Layout("date", [], _frequency(frame))
    out, _ = _run(
        frame, [{"op": "impute", "column": "sales", "method": "seasonal"}], layout
    )
    assert out.filter(pl.col("date") == dt.date(2024, 1, 19))["sales"].item() == 412.0


def test_later_steps_use_the_calendar_earlier_steps_made() -> None:
    ends = _times("2022-01-31", 24, "ME")
    frame = _table([d for d in ends if not (d.year == 2023 and 4 <= d.month <= 6)])
    steps = [
        {"op": "resample", "frequency": {"unit": "quarter", "step": 1}},
        {"op": "regularize", "fill": None},
    ]
    out, changes = _run(frame, steps, Layout("date", [], _frequency(frame)))
    assert out["date"].to_list() == _times("2022-03-31", 8, "QE")
    assert out.filter(pl.col("sales").is_null())["date"].to_list() == [
        dt.date(2023, 6, 30)
    ]
    assert changes[1].rows_added == 1
    # Dates read from text in the same recipe: their calendar is recognised.
    text = frame.with_columns(pl.col("date").dt.strftime("%d.%m.%Y"))
    with pytest.raises(InvalidInputError, match="does not hold dates"):
        _run(text, [{"op": "regularize"}], Layout("date", [], None))
    parsed, changes = _run(
        text,
        [{"op": "parse_dates", "column": "date", "format": "%d.%m.%Y"}, steps[1]],
        Layout("date", [], None),
    )
    assert changes[1].rows_added == 3 and "month end" in changes[1].description
