"""Machine learning on lags: LightGBM and linear regression, and LightGBM on shapes.

Calendar features (month, day of week, …) are Darts encoders, so they are known in the
future; the user's drivers are past or future covariates; intervals come from quantile
regression (LightGBM) or the backtest errors (linear). All are global: one model
learns from every series at once.

"LightGBM across series" (:class:`ShapeLightGbm`) is the member "automatic" adds when
the data holds many series: every window of history is divided by its own recent
level, so one model learns the shapes the series share whatever their sizes
(benchmarks/README.md, "A global LightGBM member").
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
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


class ShapeParams(BaseModel):
    """Gradient-boosted trees on scaled windows."""

    n_estimators: int = Field(300, ge=10, le=5000, description="Number of trees.")
    learning_rate: float = Field(0.05, gt=0, le=1)


# Rows learnt from at most: each series keeps its latest windows (a share of this).
MAX_ROWS = 200_000


def phase_of(ts: Any, season: int) -> int:
    """The position in the season of a series' first point (0 without a season).

    Dated series count calendar periods (months, quarters, days …) since 1970, so
    series that start in different months still agree on which point is a January;
    numbered ones count from 0.

    Examples
    --------
    >>> from darts import TimeSeries
    >>> import pandas as pd
    >>> times = pd.date_range("2021-03-01", periods=4, freq="MS")
    >>> phase_of(TimeSeries.from_times_and_values(times, [1.0, 2, 3, 4]), 12)
    2

    """
    if season < 2:
        return 0
    import pandas as pd

    index = ts.time_index
    if isinstance(index, pd.DatetimeIndex):
        try:
            return int(index[:1].to_period()[0].ordinal) % season
        except (ValueError, TypeError, AttributeError):
            return 0  # a rhythm pandas has no period for: count from the start
    return int(index[0]) % season


class ShapeLightGbm:
    """One LightGBM learnt from every series' windows, each scaled to its own level.

    Each training row is ``lags`` values and the value after them, all divided by the
    mean size of the row's last season, with the position in the season as a
    feature; the trees learn shapes, not levels, so large and small series teach
    one model. Forecasts are recursive, each step's inputs scaled the same way. The
    loss is the absolute error (what MASE counts). Darts scales whole series only,
    so the rows are built with NumPy and fitted by ``lightgbm`` (the library Darts
    wraps); the object answers ``fit`` and ``predict`` as a Darts model does.
    Forecasts are points: the ranges come from the backtests.
    """

    def __init__(self, params: ShapeParams, season: int, threads: int) -> None:
        self.params = params
        self.season = season if season > 1 else 1
        self.span = self.season if self.season > 1 else 4  # the level's window
        self.lags = 2 * self.span  # fewer when every series is short (see fit)
        self.input_chunk_length = self.lags  # what it reads, as Darts names it
        self.threads = threads
        self.model: Any = None

    def _level(self, rows: np.ndarray) -> np.ndarray:
        """Each row's mean size over its last ``span`` values (1 where that is 0)."""
        level = np.mean(np.abs(rows[:, -self.span :]), axis=1)
        return np.where(level > 0, level, 1.0)

    def fit(self, series: list[Any]) -> ShapeLightGbm:
        """Learn from every window of every series (the latest ones when many)."""
        import lightgbm
        from numpy.lib.stride_tricks import sliding_window_view

        from services.fitting import TooShortError

        longest = max(len(ts) for ts in series)
        if longest < 2:
            raise TooShortError("Needs at least 2 points to learn from.")
        # Two seasons of lags; when every series is that short (an early backtest
        # fold of whole years, say), one season, so that each still teaches it.
        if longest <= self.lags:
            self.lags = min(self.span, longest - 1)
        keep = max(self.lags, MAX_ROWS // max(1, len(series)))
        features, targets = [], []
        for ts in series:
            values = ts.values()[:, 0].astype(float)
            if len(values) <= self.lags:
                continue  # too short to teach; still forecast (see predict)
            rows = sliding_window_view(values, self.lags + 1)[-keep:]
            level = self._level(rows[:, : self.lags])
            first = phase_of(ts, self.season) + len(values) - len(rows)
            phase = (first + np.arange(len(rows))) % self.season
            scaled = rows[:, : self.lags] / level[:, None]
            features.append(np.column_stack([scaled, phase]))
            targets.append(rows[:, self.lags] / level)
        self.model = lightgbm.LGBMRegressor(
            n_estimators=self.params.n_estimators,
            learning_rate=self.params.learning_rate,
            num_leaves=31,
            objective="l1",
            random_state=19,
            n_jobs=self.threads,
            verbose=-1,
        )
        self.model.fit(np.concatenate(features), np.concatenate(targets))
        return self

    def predict(self, n: int, series: list[Any]) -> list[Any]:
        """``n`` steps of each series, recursively (short ones padded at the front)."""
        values = [ts.values()[:, 0].astype(float) for ts in series]
        recent = np.stack(
            [
                np.concatenate([np.full(max(0, self.lags - len(v)), v[0]), v])[
                    -self.lags :
                ]
                for v in values
            ]
        )
        position = np.array(
            [phase_of(ts, self.season) + len(ts) for ts in series], dtype=int
        )
        steps = []
        for step in range(n):
            level = self._level(recent)
            phase = (position + step) % self.season
            x = np.column_stack([recent / level[:, None], phase])
            value = self.model.predict(x) * level
            steps.append(value)
            recent = np.column_stack([recent[:, 1:], value])
        ahead = np.column_stack(steps)
        return [
            ts.append_values(ahead[i][:, None])[len(ts) :]
            for i, ts in enumerate(series)
        ]


def _shape_lightgbm(params: BaseModel, context: Context) -> Any:
    params = cast(ShapeParams, params)
    rows = context.length * context.series_count
    return ShapeLightGbm(params, context.season, 1 if rows < 50_000 else -1)


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
    ModelSpec(
        "global_lightgbm",
        "LightGBM across series",
        "machine learning",
        "Decision trees that learn the shapes your series share: each stretch of "
        "history is scaled to its own level, so large and small series teach one "
        "model.",
        _shape_lightgbm,
        ShapeParams,
        native_intervals=False,
        multi_series=True,
        scales_itself=True,
        complexity=5,
        min_history=12,
    ),
)
