"""The weighted combination of "automatic" and the calibration of its ranges."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from services import backtest, final_forecast, selection
from services.backtest import ModelBacktest, SeriesBacktest
from services.forecasting import forecast
from services.profiling import Frequency
from services.selection import Plan

MONTHLY = Frequency(unit="month", step=1)


def _quantiles(points: list[float]) -> np.ndarray:
    """A forecast with 80% range ±1 and 95% range ±2 around each point."""
    p = np.asarray(points, dtype=float)[:, None]
    return p + np.array([-2.0, -1.0, 0.0, 1.0, 2.0])


def _member(key: str, folds: list[list[float]]) -> ModelBacktest:
    """A member tested on one series (history 0, 1, 2, …; folds of two steps)."""
    tested = SeriesBacktest(
        actuals=[np.array([4.0, 5.0]), np.array([6.0, 7.0])],
        forecasts=[_quantiles(f) for f in folds],
        histories=[np.arange(4.0), np.arange(6.0)],
    )
    return ModelBacktest(key, key, 2, per_series={None: tested})


def test_inverse_error_weights_by_hand() -> None:
    # 1/1 : 1/2 : 1/4 = 4/7 : 2/7 : 1/7
    assert backtest.inverse_error_weights([1.0, 2.0, 4.0]) == pytest.approx(
        [4 / 7, 2 / 7, 1 / 7]
    )
    # halfway to equal: 0.5 · 1/2 + 0.5 · (3/4, 1/4)
    assert backtest.inverse_error_weights([1.0, 3.0], shrink=0.5) == pytest.approx(
        [0.625, 0.375]
    )
    # squared: 1 : 1/4
    assert backtest.inverse_error_weights([1.0, 2.0], power=2.0) == pytest.approx(
        [0.8, 0.2]
    )
    # a member without a score counts as the worst
    assert backtest.inverse_error_weights([1.0, float("nan")]) == pytest.approx(
        [0.5, 0.5]
    )


def test_each_fold_is_weighted_by_the_folds_before_it_only() -> None:
    # The naive scale of 0, 1, 2, … is 1, so MASE is the mean absolute error: A misses
    # by 1 on both folds, B by 2.
    a = _member("a", [[3.0, 4.0], [5.0, 6.0]])
    b = _member("b", [[2.0, 3.0], [4.0, 5.0]])
    combined = backtest.ensemble("C", "c", [a, b], season=1, shrink=0.5, power=1.0)
    first, second = combined.per_series[None].forecasts
    # Fold 1: nothing before it, equal weights.
    assert first[:, 2] == pytest.approx([2.5, 3.5])
    # Fold 2: fold 1's errors 1 and 2 → 2/3 and 1/3, halfway to equal: 7/12 and 5/12.
    assert second[:, 2] == pytest.approx(
        [5 * 7 / 12 + 4 * 5 / 12, 6 * 7 / 12 + 5 * 5 / 12]
    )
    assert second[:, 3] == pytest.approx(second[:, 2] + 1)  # ranges averaged too
    # The final forecast weighs by both folds (errors still 1 and 2).
    assert combined.weights[None] == pytest.approx([7 / 12, 5 / 12])
    plan = Plan.of(combined, None)
    assert plan.keys == ["a", "b"] and plan.weights == pytest.approx([7 / 12, 5 / 12])
    final = final_forecast._combine(plan, [_quantiles([10.0]), _quantiles([22.0])])
    assert final[0, 2] == pytest.approx(10 * 7 / 12 + 22 * 5 / 12)


def test_a_point_member_is_averaged_with_its_conformal_ranges() -> None:
    # A forecasts with ranges of ±1 (80%) and ±2 (95%); B forecasts points only and
    # misses by 2 at every step, so its conformal 80% width is 2 and its 95% one
    # 2 · 1.53 (never less than normal errors' ratio). Averaged as bare points it
    # would halve the ranges; it joins with those widths instead, in every fold and
    # in the final forecast alike.
    a = _member("a", [[3.0, 4.0], [5.0, 6.0]])
    b = _member("b", [[2.0, 3.0], [4.0, 5.0]])
    for fold in b.per_series[None].forecasts:
        fold[:] = fold[:, 2:3]  # points: every quantile column the point
    b.conformal = True
    combined = backtest.ensemble("C", "c", [a, b], season=1, shrink=0.5, power=1.0)
    first = combined.per_series[None].forecasts[0]  # equal weights
    assert first[:, 3] - first[:, 2] == pytest.approx([1.5, 1.5])
    w95 = 2 * backtest.WIDER_95
    assert first[:, 4] - first[:, 2] == pytest.approx([(2 + w95) / 2] * 2)
    plan = Plan.of(combined, None)
    assert plan.member_widths == {"b": ([2.0, 2.0], [w95, w95])}
    point = np.full((1, 5), 22.0)
    final = final_forecast._combine(plan, [_quantiles([10.0]), point])
    wa, wb = plan.weights or []
    assert final[0, 3] - final[0, 2] == pytest.approx(wa * 1 + wb * 2)


def test_a_member_untested_on_a_series_gets_no_weight_there() -> None:
    a = _member("a", [[3.0, 4.0], [5.0, 6.0]])
    b = _member("b", [[2.0, 3.0], [4.0, 5.0]])
    c = ModelBacktest("c", "c", 4)  # too short for it: no backtests on this series
    combined = backtest.ensemble("C", "c", [a, c, b], season=1)
    assert combined.weights[None][1] == 0
    assert Plan.of(combined, None).keys == ["a", "b"]


def test_ranges_stretch_to_what_the_backtests_showed() -> None:
    # Ranges of ±1 (80%) and ±2 (95%); the actuals miss by 1, 2, 3, 4 and 6.
    fold = _quantiles([10.0] * 5)
    actual = np.array([11.0, 8.0, 13.0, 6.0, 16.0])
    # In range units: 1, 2, 3, 4, 6 (80%) and 0.5, 1, 1.5, 2, 3 (95%); the conformal
    # quantile of 5 values at 83% is the 5th (⌈6 · 0.83⌉ = 5) and at 96.5% their
    # largest (the 6th is past the end); the 95% range stretches at least as much as
    # the 80% one.
    assert backtest.stretch_factors([fold], [actual]) == (6.0, 6.0)
    final = backtest.calibrate(_quantiles([100.0]), [fold], [actual])
    assert final[0].tolist() == [88.0, 94.0, 100.0, 106.0, 112.0]
    # At the nominal levels too: the 95% quantile alone (3) is raised to the 80% one.
    assert backtest.stretch_factors([fold], [actual], (0.8, 0.95)) == (6.0, 6.0)


def test_a_range_that_was_right_is_kept() -> None:
    fold = _quantiles([10.0] * 9)
    # eight misses well inside the 80% range and one just inside the 95% range
    actual = 10 + np.array([0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 1.9])
    k80, k95 = backtest.stretch_factors([fold], [actual], (0.8, 0.95))
    assert k80 == pytest.approx(0.8) and k95 == pytest.approx(0.95)


def test_backtests_that_hit_every_value_keep_half_the_range() -> None:
    fold = _quantiles([10.0] * 6)
    assert backtest.stretch_factors([fold], [np.full(6, 10.0)]) == (0.5, 0.5)


def _monthly(values: np.ndarray, name: str) -> pl.DataFrame:
    months = [dt.date(2020 + i // 12, i % 12 + 1, 1) for i in range(len(values))]
    return pl.DataFrame({"month": months, "shop": name, "sales": values})


def test_a_series_shorter_than_two_seasons_gets_a_forecast_with_ranges() -> None:
    rng = np.random.default_rng(3)
    short = 100 + rng.normal(0, 3, 10)
    result = forecast(_monthly(short, "a"), "month", "sales", 6, MONTHLY)
    points = result.points
    assert points.height == 6
    assert (points["lower_95"] <= points["lower_80"]).all()
    assert (points["lower_80"] < points["upper_80"]).all()
    assert (points["upper_80"] <= points["upper_95"]).all()
    assert (points["forecast"] - 100).abs().max() < 15  # near the level of the data


def test_a_short_series_among_long_ones_is_combined_from_the_models_that_fit() -> None:
    rng = np.random.default_rng(5)
    season = 20 * np.sin(2 * np.pi * np.arange(60) / 12)
    long = 200 + season + rng.normal(0, 4, 60)
    short = 80 + season[:10] + rng.normal(0, 4, 10)  # too short for AutoARIMA
    table = pl.concat([_monthly(long, "long"), _monthly(short, "short")])
    result = forecast(table, "month", "sales", 6, MONTHLY, ["shop"])
    assert result.model == "combination"
    plans = {label: plan for label, plan in result.recipe["plans"]}
    assert "auto_arima" in plans["long"]["keys"]
    assert "auto_arima" not in plans["short"]["keys"]
    assert len(plans["short"]["keys"]) >= 2
    assert sum(plans["short"]["weights"]) == pytest.approx(1.0)
    assert result.points.filter(pl.col("series") == "short").height == 6


def test_the_note_on_a_kept_combination_says_it_is_over_all_series() -> None:
    tested = {"a": SeriesBacktest(), "b": SeriesBacktest()}
    ces = ModelBacktest("auto_ces", "AutoCES", 2, dict(tested), {"mase": 0.9})
    combined = ModelBacktest(
        "combination", "Combination", 6, dict(tested), {"mase": 1.0}, members=["x"]
    )
    notes: list[str] = []
    chosen = selection.overall([ces, combined], ["a", "b"], "mase", combined, notes)
    assert chosen is combined
    assert notes[0].startswith("Over all series, AutoCES scored better")
    one: list[str] = []
    selection.overall([ces, combined], ["a"], "mase", combined, one)
    assert one[0].startswith("AutoCES scored better")
