"""Every catalog entry fits a real series; backtests never peek; metrics by hand."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from services import backtest
from services.forecasting import forecast
from services.metrics import interval_metrics, point_metrics
from services.models import CATALOG
from services.profiling import Frequency
from services.selection import choose
from tests.conftest import SAMPLES

MONTHLY = Frequency(unit="month", step=1)
AIR = pl.read_csv(SAMPLES / "air_passengers.csv", try_parse_dates=True)


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_catalog_entry_forecasts_with_ordered_intervals(key: str) -> None:
    small = {"n_estimators": 20} if key == "lightgbm" else None
    result = forecast(
        AIR,
        "month",
        "passengers",
        6,
        MONTHLY,
        models=[{"key": key, "params": small}],
        folds=1,
    )
    assert result.model == key
    p = result.points
    assert p.height == 6
    assert (p["lower_95"] <= p["lower_80"]).all() and (
        p["lower_80"] <= p["forecast"]
    ).all()
    assert (p["forecast"] <= p["upper_80"]).all() and (
        p["upper_80"] <= p["upper_95"]
    ).all()
    assert result.leaderboard[0]["mase"] is not None
    spec = CATALOG[key]
    assert spec.name and spec.description and spec.schema()["type"] == "object"


def test_no_fold_sees_its_own_future() -> None:
    cuts = backtest.cutoffs(100, 10, 3)
    assert cuts == [70, 80, 90]
    result = forecast(
        AIR, "month", "passengers", 12, MONTHLY, models=[{"key": "naive"}], folds=3
    )
    folds = result.backtests
    assert folds is not None
    for fold in (1, 2, 3):
        part = folds.filter(pl.col("fold") == fold)
        first = part["time"].min()
        # a naive forecast repeats the last value it was trained on: the value just
        # before the fold, never one from inside it
        before = AIR.filter(pl.col("month") < first)["passengers"][-1]
        assert (part["forecast"] == before).all()
    assert backtest.fold_count(30, 12, 8) == 1


def test_metrics_by_hand() -> None:
    actual = np.array([10.0, 0.0, 30.0])
    predicted = np.array([12.0, 1.0, 24.0])
    history = np.array([5.0, 7.0, 6.0, 9.0])  # seasonal naive (m=1) errors: 2, 1, 3
    m = point_metrics(actual, predicted, history, 1)
    assert m["mae"] == pytest.approx(3.0)
    assert m["rmse"] == pytest.approx(np.sqrt((4 + 1 + 36) / 3))
    assert m["mase"] == pytest.approx(3.0 / 2.0)
    assert m["smape"] == pytest.approx((200 * 2 / 22 + 200 * 1 / 1 + 200 * 6 / 54) / 3)
    assert np.isnan(m["mape"])  # an actual of zero: MAPE is left out
    r = interval_metrics(
        actual, predicted - 1, predicted + 1, predicted - 2, predicted + 2, history, 1
    )
    assert r["coverage"] == pytest.approx(1 / 3)  # only 0 lies in its [0, 2]
    winkler = np.array([4 + 40 * 0, 4 + 40 * 0, 4 + 40 * 4])  # only 30 > 26
    assert r["msis"] == pytest.approx(winkler.mean() / 2.0)


def test_selection_prefers_the_simpler_model_on_a_near_tie() -> None:
    simple = backtest.ModelBacktest("simple", "S", 1, metrics={"mase": 1.009})
    complex_ = backtest.ModelBacktest("complex", "C", 4, metrics={"mase": 1.0})
    clearly = backtest.ModelBacktest("clearly", "B", 4, metrics={"mase": 0.9})
    assert choose([complex_, simple], "mase").key == "simple"
    assert choose([complex_, simple, clearly], "mase").key == "clearly"
