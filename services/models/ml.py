"""Machine learning on lags with calendar covariates: LightGBM and linear regression.

Calendar features (month, day of week, …) are Darts encoders, so they are known in the
future; the user's drivers are past or future covariates; intervals come from quantile
regression (LightGBM) or the backtest errors (linear). Both are global: one model
learns from every series at once.
"""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, Field

from services.models.base import QUANTILES, Context, ModelSpec


class LagParams(BaseModel):
    """How far back the model looks."""

    lags: int | None = Field(
        None, ge=1, le=400, description="Past values used (default: two seasons)."
    )


class LightGbmParams(LagParams):
    """Gradient-boosted trees on lags."""

    n_estimators: int = Field(200, ge=10, le=5000, description="Number of trees.")
    learning_rate: float = Field(0.05, gt=0, le=1)


def _encoders() -> dict[str, Any]:
    return {
        "datetime_attribute": {"future": ["month", "dayofweek"]},
        "transformer": None,
    }


def _lags(params: LagParams, context: Context) -> int:
    """The lags asked for, or two seasons (at most half the history, to learn from)."""
    return params.lags or min(max(4, 2 * context.season), max(2, context.length // 2))


def _covariate_lags(params: LagParams, context: Context) -> dict[str, Any]:
    """Past drivers enter through their recent values; known-future ones as they are."""
    lags: dict[str, Any] = {"lags_future_covariates": [0]}  # calendar, future drivers
    if context.past_covariates:
        # Past drivers are unknown beyond the history, so the model forecasts every
        # step of the horizon directly instead of feeding its own forecasts back.
        lags["lags_past_covariates"] = min(_lags(params, context), 12)
        lags["output_chunk_length"] = context.horizon
    return lags


def _lightgbm(params: BaseModel, context: Context) -> Any:
    from darts.models import LightGBMModel

    params = cast(LightGbmParams, params)
    return LightGBMModel(
        lags=_lags(params, context),
        **_covariate_lags(params, context),
        add_encoders=_encoders(),
        likelihood="quantile",
        quantiles=QUANTILES,
        n_estimators=params.n_estimators,
        learning_rate=params.learning_rate,
        verbose=-1,
        random_state=42,
        # Threads only pay on large tables; on small ones they wait on each other
        # (and on the other workers of the job).
        n_jobs=1 if context.length * context.series_count < 50_000 else -1,
    )


def _linear(params: BaseModel, context: Context) -> Any:
    from darts.models import LinearRegressionModel

    params = cast(LagParams, params)
    return LinearRegressionModel(
        lags=_lags(params, context),
        **_covariate_lags(params, context),
        add_encoders=_encoders(),
    )


MACHINE_LEARNING = (
    ModelSpec(
        "lightgbm",
        "LightGBM on lags",
        "machine learning",
        "Decision trees that learn from recent values and the calendar.",
        _lightgbm,
        LightGbmParams,
        sampled=True,
        multi_series=True,
        covariates=True,
        complexity=5,
        min_history=30,
    ),
    ModelSpec(
        "linear_regression",
        "Linear regression on lags",
        "machine learning",
        "A weighted sum of recent values and calendar effects.",
        _linear,
        LagParams,
        native_intervals=False,
        multi_series=True,
        covariates=True,
        complexity=3,
        min_history=30,
    ),
)
