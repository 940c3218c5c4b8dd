"""Baselines: naive, seasonal naive, drift, mean (statsforecast, with intervals)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from services.models.base import QUANTILES, Context, ModelSpec

MIN_POINTS = 4


def _statsforecast(name: str, seasonal: bool = False) -> Any:
    def build(_params: BaseModel, context: Context) -> Any:
        from darts.models import StatsForecastModel

        kwargs = {"season_length": context.season} if seasonal else {}
        # Darts asks 10 points of every statsforecast model; these need only a few.
        return StatsForecastModel(
            name, model_kwargs=kwargs, quantiles=QUANTILES, min_train_length=MIN_POINTS
        )

    return build


BASELINES = (
    ModelSpec(
        "naive",
        "Naive",
        "baseline",
        "Tomorrow is like today: repeats the last value.",
        _statsforecast("Naive"),
        complexity=0,
        min_history=MIN_POINTS,
    ),
    ModelSpec(
        "seasonal_naive",
        "Seasonal naive",
        "baseline",
        "Repeats the last season: next Monday is like last Monday.",
        _statsforecast("SeasonalNaive", seasonal=True),
        complexity=0,
        min_history=MIN_POINTS,
    ),
    ModelSpec(
        "drift",
        "Drift",
        "baseline",
        "Continues the straight line from the first to the last value.",
        _statsforecast("RandomWalkWithDrift"),
        complexity=0,
        min_history=MIN_POINTS,
    ),
    ModelSpec(
        "mean",
        "Mean",
        "baseline",
        "Forecasts the average of the history.",
        _statsforecast("HistoricAverage"),
        complexity=0,
        min_history=MIN_POINTS,
    ),
)
