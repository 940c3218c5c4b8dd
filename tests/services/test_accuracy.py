"""How a forecast did: hand-computed errors on two series, and every verdict."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from services.accuracy import (
    BETTER_MASE_RATIO,
    COVERAGE_80_FLOOR,
    COVERAGE_MIN_POINTS,
    WORSE_MASE_RATIO,
    Scores,
    backtest_mase,
    measure,
    verdict,
)
from services.forecasts import ForecastInfo
from services.numbers import NumberStyle

MONTHS = [dt.date(2026, m, 1) for m in range(1, 8)]
# Four months of history per series, then three forecast steps.
HISTORY = {"A": [10.0, 12.0, 11.0, 13.0], "B": [100.0, 100.0, 104.0, 100.0]}
FORECAST = {"A": [14.0, 15.0, 16.0], "B": [100.0, 102.0, 104.0]}
ACTUAL = {"A": [13.0, 15.0, 18.0], "B": [104.0, 100.0, 104.0]}
# Half-widths of the 80% and 95% ranges around the forecast.
WIDTH = {"A": (1.5, 3.0), "B": (3.0, 5.0)}


def _points(width: dict[str, tuple[float, float]] = WIDTH) -> pl.DataFrame:
    rows = []
    for label, values in FORECAST.items():
        w80, w95 = width[label]
        for time, f in zip(MONTHS[4:], values, strict=True):
            rows.append((label, time, f, f - w80, f + w80, f - w95, f + w95))
    return pl.DataFrame(
        rows,
        schema=[
            "series",
            "time",
            "forecast",
            "lower_80",
            "upper_80",
            "lower_95",
            "upper_95",
        ],
        orient="row",
    )


def _table(values: dict[str, list[float]], months: list[dt.date]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (label, t, v)
            for label, vs in values.items()
            for t, v in zip(months, vs, strict=False)
        ],
        schema=["series", "time", "value"],
        orient="row",
    )


MADE_FROM = _table(HISTORY, MONTHS[:4])
NOW = pl.concat(
    [MADE_FROM, _table(ACTUAL, MONTHS[4:])]
)  # the data after the next three months were added


def test_errors_per_series_and_overall_match_the_hand_computed_values() -> None:
    result = measure("f", _points(), NOW, MADE_FROM, 1, 0.6)
    a, b = (s.scores for s in result.series)
    assert [s.series for s in result.series] == ["A", "B"]
    # A: errors (forecast - actual) 1, 0, -2; seasonal naive scale mean(2, 1, 2) = 5/3
    assert a.n == 3 and a.mae == pytest.approx(1.0)
    assert a.mase == pytest.approx(1.0 / (5 / 3))
    assert a.bias == pytest.approx(-1 / 3)
    assert a.smape == pytest.approx(200 * (1 / 27 + 0 + 2 / 34) / 3)
    assert a.coverage_80 == pytest.approx(2 / 3)  # 18 is above 16 + 1.5
    assert a.coverage_95 == 1.0
    # B: errors -4, 2, 0; scale mean(0, 4, 4) = 8/3
    assert b.n == 3 and b.mae == pytest.approx(2.0)
    assert b.mase == pytest.approx(0.75)
    assert b.bias == pytest.approx(-2 / 3)
    assert b.coverage_80 == pytest.approx(2 / 3) and b.coverage_95 == 1.0
    # Overall: every step pooled, except MASE (the mean over series).
    o = result.overall
    assert o.n == 6
    assert o.mae == pytest.approx(9 / 6)
    assert o.mase == pytest.approx((0.6 + 0.75) / 2)
    assert o.bias == pytest.approx(-0.5)
    assert o.smape == pytest.approx(200 * (1 / 27 + 2 / 34 + 4 / 204 + 2 / 202) / 6)
    assert o.coverage_80 == pytest.approx(4 / 6) and o.coverage_95 == 1.0
    assert result.points.height == 6
    assert result.points["actual"].to_list() == [*ACTUAL["A"], *ACTUAL["B"]]
    assert result.verdict.code == "as_expected"  # 0.675 against 0.6
    assert "0.68" in result.verdict.message and "0.60" in result.verdict.message
    assert "4 of the 6 actual values" in result.verdict.message
    german = measure("f", _points(), NOW, MADE_FROM, 1, 0.6, NumberStyle.POINT_COMMA)
    assert "0,68" in german.verdict.message and "0,60" in german.verdict.message


def test_mase_is_scaled_by_the_seasonal_naive_error_of_the_history() -> None:
    # With a season of 2: A's scale is mean(|11 - 10|, |13 - 12|) = 1.
    result = measure("f", _points(), NOW, MADE_FROM, 2, 0.6)
    assert result.series[0].scores.mase == pytest.approx(1.0)


def test_partial_actuals_count_only_the_steps_that_have_one() -> None:
    now = pl.concat(
        [MADE_FROM, _table({"A": ACTUAL["A"][:2], "B": ACTUAL["B"][:1]}, MONTHS[4:])]
    )
    result = measure("f", _points(), now, MADE_FROM, 1, 0.6)
    a, b = (s.scores for s in result.series)
    assert (a.n, b.n, result.overall.n) == (2, 1, 3)
    assert a.mae == pytest.approx(0.5) and a.mase == pytest.approx(0.5 / (5 / 3))
    assert b.mae == pytest.approx(4.0) and b.mase == pytest.approx(1.5)
    assert result.overall.mase == pytest.approx((0.3 + 1.5) / 2)
    assert result.points.height == 6  # every step, without an actual where none yet
    assert result.points["actual"].null_count() == 3


def test_no_actuals_yet() -> None:
    result = measure("f", _points(), MADE_FROM, MADE_FROM, 1, 0.6)
    assert result.overall == Scores(0)
    assert [s.scores.n for s in result.series] == [0, 0]
    assert result.series[0].scores.mase is None
    assert result.points["actual"].null_count() == 6
    assert result.verdict.code == "no_actuals_yet"
    assert "no actual value yet" in result.verdict.message


def test_a_single_series_without_a_label_is_matched() -> None:
    points = _points().filter(pl.col("series") == "A")
    points = points.with_columns(pl.lit(None, dtype=pl.String).alias("series"))
    made_from = MADE_FROM.filter(pl.col("series") == "A").with_columns(
        pl.lit(None, dtype=pl.String).alias("series")
    )
    now = NOW.filter(pl.col("series") == "A").with_columns(
        pl.lit(None, dtype=pl.String).alias("series")
    )
    result = measure("f", points, now, made_from, 1, 0.6)
    assert [s.series for s in result.series] == [None]
    assert result.overall.n == 3 and result.overall.mase == pytest.approx(0.6)


def test_realised_mase_clearly_above_the_backtests_is_worse() -> None:
    # 0.675 realised: above 1.5 × 0.4 = 0.6.
    result = measure("f", _points(), NOW, MADE_FROM, 1, 0.4)
    assert result.verdict.code == "worse_than_backtests"
    assert "more than 1.5 times" in result.verdict.message
    # Just below the threshold it is as expected.
    just = measure("f", _points(), NOW, MADE_FROM, 1, 0.675 / WORSE_MASE_RATIO + 0.01)
    assert just.verdict.code == "as_expected"


def test_realised_mase_clearly_below_the_backtests_is_better() -> None:
    result = measure("f", _points(), NOW, MADE_FROM, 1, 1.2)
    assert result.verdict.code == "better_than_backtests"
    assert "two thirds" in result.verdict.message
    just = measure("f", _points(), NOW, MADE_FROM, 1, 0.675 / BETTER_MASE_RATIO - 0.01)
    assert just.verdict.code == "as_expected"


def test_an_80_range_that_misses_most_actuals_is_worse() -> None:
    narrow = {"A": (0.1, 0.2), "B": (0.1, 0.2)}  # only the exact hits are inside
    result = measure("f", _points(narrow), NOW, MADE_FROM, 1, 0.6)
    assert result.overall.coverage_80 == pytest.approx(2 / 6)
    assert 2 / 6 < COVERAGE_80_FLOOR
    assert result.overall.n >= COVERAGE_MIN_POINTS
    assert result.verdict.code == "worse_than_backtests"
    assert "only 2 of the 6 actual values" in result.verdict.message
    assert "far below 80%" in result.verdict.message


def test_coverage_is_not_judged_on_a_handful_of_values() -> None:
    few = Scores(COVERAGE_MIN_POINTS - 1, mase=0.6, coverage_80=0.0)
    assert verdict(few, 0.6).code == "as_expected"
    enough = Scores(COVERAGE_MIN_POINTS, mase=0.6, coverage_80=0.4)
    assert verdict(enough, 0.6).code == "worse_than_backtests"


def test_without_backtests_only_the_range_is_judged() -> None:
    result = measure("f", _points(), NOW, MADE_FROM, 1, None)
    assert result.verdict.code == "as_expected"
    assert "no scaled error" in result.verdict.message


def test_the_verdict_compares_the_series_that_have_actuals() -> None:
    now = pl.concat([MADE_FROM, _table({"A": ACTUAL["A"]}, MONTHS[4:])])
    per_series = {"A": 0.2, "B": 2.0}
    result = measure(
        "f", _points(), now, MADE_FROM, 1, 1.1, series_backtest_mase=per_series
    )
    assert [s.backtest_mase for s in result.series] == [0.2, 2.0]
    assert result.backtest_mase == 0.2  # only A has actuals: 0.6 against 0.2
    assert result.verdict.code == "worse_than_backtests"
    overall_only = measure("f", _points(), now, MADE_FROM, 1, 1.1)
    assert overall_only.backtest_mase == 1.1
    assert overall_only.verdict.code == "better_than_backtests"


def _info(model: str, metrics: dict[str, Any]) -> ForecastInfo:
    return ForecastInfo(
        "f",
        "d",
        "v",
        "sales",
        3,
        model,
        model,
        "month",
        ["store"],
        metrics,
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def test_the_backtests_mase_is_the_forecasting_models() -> None:
    metrics = {
        "leaderboard": [
            {"model": "auto_ets", "mase": 0.5},
            {"model": "naive", "mase": 0.9},
        ],
        "series_leaderboards": {
            "A": [{"model": "auto_ets", "mase": 0.4}, {"model": "naive", "mase": 0.8}],
            "B": [{"model": "naive", "mase": 0.7}, {"model": "auto_ets", "mase": 0.6}],
        },
    }
    assert backtest_mase(_info("naive", metrics)) == (0.9, {"A": 0.8, "B": 0.7})
    # A model per series: each series' best row, and their mean.
    overall, by_series = backtest_mase(_info("per_series", metrics))
    assert by_series == {"A": 0.4, "B": 0.7} and overall == pytest.approx(0.55)
    failed = {"leaderboard": [{"model": "naive", "mase": None, "error": "x"}]}
    assert backtest_mase(_info("naive", failed)) == (None, {})
