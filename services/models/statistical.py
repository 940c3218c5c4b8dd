"""Statistical models (statsforecast through Darts): ETS, ARIMA, Theta, CES, MFLES."""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, Field

from services.models.base import QUANTILES, Context, ModelSpec

# ETS, Theta and CES fit from 8 points (Darts asks 10 of every statsforecast model).
SHORT = 8


class EtsParams(BaseModel):
    """Exponential smoothing: error, trend and season chosen automatically."""

    damped: bool | None = Field(None, description="Damp the trend (None: try both).")


class ArimaParams(BaseModel):
    """ARIMA orders searched automatically within these bounds."""

    max_p: int = Field(5, ge=0, le=10, description="Largest autoregressive order.")
    max_q: int = Field(5, ge=0, le=10, description="Largest moving-average order.")
    seasonal: bool = Field(True, description="Also search seasonal orders.")


def _ets(params: BaseModel, context: Context) -> Any:
    from darts.models import AutoETS

    params = cast(EtsParams, params)
    return AutoETS(
        season_length=context.season,
        damped=params.damped,
        quantiles=QUANTILES,
        min_train_length=SHORT,
    )


def _arima(params: BaseModel, context: Context) -> Any:
    from darts.models import AutoARIMA

    params = cast(ArimaParams, params)
    # R's auto.arima rule: approximate the likelihood during the order search on long
    # or finely seasonal series (about 5× faster on 200 monthly points).
    approximate = context.length > 150 or context.season > 12
    return AutoARIMA(
        season_length=context.season,
        approximation=approximate,
        max_p=params.max_p,
        max_q=params.max_q,
        seasonal=params.seasonal,
        quantiles=QUANTILES,
    )


def _simple(class_name: str, **extra: Any) -> Any:
    def build(_params: BaseModel, context: Context) -> Any:
        import darts.models

        return getattr(darts.models, class_name)(
            season_length=context.season,
            quantiles=QUANTILES,
            min_train_length=SHORT,
            **extra,
        )

    return build


def _dotm(_params: BaseModel, context: Context) -> Any:
    from darts.models import StatsForecastModel

    return StatsForecastModel(
        model="DynamicOptimizedTheta",
        model_kwargs={"season_length": context.season},
        quantiles=QUANTILES,
        min_train_length=SHORT,
    )


def _mfles(_params: BaseModel, context: Context) -> Any:
    from darts.models import AutoMFLES

    # MFLES tunes itself on its own hold-out of one season; its intervals would need
    # statsforecast's conformal set-up, so the backtests provide them instead.
    return AutoMFLES(
        season_length=context.season,
        test_size=max(2, context.season),
        quantiles=QUANTILES,
    )


STATISTICAL = (
    ModelSpec(
        "auto_ets",
        "AutoETS (exponential smoothing)",
        "statistical",
        "Weighs recent values more, with a trend and a season if they help.",
        _ets,
        EtsParams,
        complexity=2,
        min_history=SHORT,
    ),
    ModelSpec(
        "auto_theta",
        "AutoTheta",
        "statistical",
        "A smoothed line plus the season; strong in forecasting competitions.",
        _simple("AutoTheta"),
        complexity=2,
        min_history=SHORT,
    ),
    ModelSpec(
        "dynamic_theta",
        "Dynamic Optimized Theta",
        "statistical",
        "A Theta line whose slope and level adapt as new values come in.",
        _dotm,
        complexity=2,
        min_history=SHORT,
    ),
    ModelSpec(
        "auto_ces",
        "AutoCES (complex smoothing)",
        "statistical",
        "Exponential smoothing that can follow changing cycles.",
        _simple("AutoCES"),
        complexity=3,
        min_history=SHORT,
    ),
    ModelSpec(
        "auto_arima",
        "AutoARIMA",
        "statistical",
        "Explains each value from recent values and recent errors.",
        _arima,
        ArimaParams,
        complexity=4,
        min_history=12,
    ),
    ModelSpec(
        "auto_mfles",
        "AutoMFLES (several seasons)",
        "statistical",
        "Handles several repeating patterns at once, e.g. daily and weekly.",
        _mfles,
        complexity=4,
        min_history=12,
        native_intervals=False,
    ),
)
