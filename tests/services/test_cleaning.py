"""Cleaning steps on small series with known answers, and their properties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.cleaning import Layout, apply_recipe, parse_recipe
from services.errors import InvalidInputError
from services.outliers import DEFAULT_SENSITIVITY, detect
from services.profiling import Frequency

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
