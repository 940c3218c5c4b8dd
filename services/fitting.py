"""Fitting one model and forecasting: transforms fitted and undone, drivers passed.

A series goes to a model with its transform (Darts' invertible transformers, undone on
every forecast quantile) and its drivers; the model answers five quantiles per step
(native, sampled, or a point to be widened by the backtests' conformal intervals).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.models.base import QUANTILES, Context, ModelSpec

# A fold trains on at least this many points and tests at least MIN_TEST of them;
# shorter histories are forecast without backtests (their accuracy is not measured).
MIN_TRAIN = 8
MIN_TEST = 2


@dataclass(frozen=True)
class Setup:
    """What every model of one comparison shares.

    How many steps ahead, the season length, and how many backtest folds when a series
    has no fold plan of its own (none for the final fits).
    """

    horizon: int
    season: int
    folds: int = 0


@dataclass
class SeriesData:
    """One series to forecast: its history and the user's drivers, as Darts series.

    ``past`` drivers are known up to the end of the history; ``future`` ones also for
    the forecast horizon (the rows after the last target value). ``transform`` is
    fitted before each model (see :func:`pipeline`). ``cuts`` are where its backtest
    folds start and ``test`` how many steps each tests (see :func:`plan_folds`).
    """

    ts: Any
    past: Any | None = None
    future: Any | None = None
    transform: str | None = None
    cuts: list[int] = field(default_factory=list)
    test: int = 0

    def until(self, cut: int, horizon: int) -> SeriesData:
        """What a fold ending at ``cut`` may see (and the fold's future drivers)."""
        start = self.ts.start_time()
        end = self.ts.time_index[cut - 1]
        return SeriesData(
            self.ts[:cut],
            None if self.past is None else self.past.slice(start, end),
            None
            if self.future is None
            else self.future[: self.future.get_index_at_point(end) + 1 + horizon],
            self.transform,
        )


def context_for(
    spec: ModelSpec,
    season: int,
    data: list[SeriesData],
    horizon: int,
    say: Callable[[str], None] | None = None,
) -> Context:
    """What a model fitted on ``data`` is built for."""
    length = min(len(d.ts) for d in data)
    # A model that scales its own windows pads the short series: the long ones
    # teach it the season.
    seen = max(len(d.ts) for d in data) if spec.scales_itself else length
    takes = spec.covariates
    return Context(
        season if seen >= 2 * season else 1,
        length=length,
        past_covariates=takes and data[0].past is not None,
        future_covariates=takes and data[0].future is not None,
        series_count=len(data),
        horizon=horizon,
        say=say,
    )


TRANSFORMS = (
    "none",
    "log",
    "box-cox",
    "differencing",
    "seasonal differencing",
    "scale",
)


def transform_for(
    transform: str | None, values: np.ndarray, season: int
) -> tuple[str | None, str | None]:
    """The transform a series can take, and why another was skipped (else None).

    Examples
    --------
    >>> transform_for("log", np.array([3.0, 0.0, 5.0]), 1)
    (None, 'it holds zero or negative values')

    """
    if transform in (None, "none"):
        return None, None
    if transform in ("log", "box-cox") and not (values > 0).all():
        return None, "it holds zero or negative values"
    if transform == "box-cox" and np.ptp(values) == 0:
        return None, "its values never change"
    if transform == "seasonal differencing" and (
        season < 2 or len(values) < 2 * season + MIN_TEST
    ):
        return None, "it is too short for seasonal differencing"
    if transform == "differencing" and len(values) < MIN_TRAIN:
        return None, "it is too short for differencing"
    return transform, None


def pipeline(
    transform: str | None, ts: Any, season: int, scale: bool = False
) -> Any | None:
    """Darts' invertible transformers for ``transform``, or None for none.

    Log and Box-Cox need positive values (else they are skipped); seasonal
    differencing needs a season. With ``scale``, every series ends on the same 0–1
    scale, so a global model learns shapes rather than sizes.
    """
    from darts.dataprocessing import Pipeline
    from darts.dataprocessing.transformers import BoxCox, Diff, Scaler

    steps: list[Any] = []
    if transform in ("log", "box-cox") and (ts.values() > 0).all() and len(ts) > 2:
        steps.append(BoxCox(lmbda=0) if transform == "log" else BoxCox())
    elif transform == "differencing":
        steps.append(Diff(lags=1))
    elif transform == "seasonal differencing" and season > 1:
        steps.append(Diff(lags=season))
    if transform == "scale" or scale:
        steps.append(Scaler())
    return Pipeline(steps) if steps else None


def _undo(steps: Any, train: Any, values: np.ndarray) -> np.ndarray:
    """Forecast quantiles back in the data's units.

    Differencing is undone from the training data onward, so each quantile column is
    appended to the transformed history and inverted with it.
    """
    columns = []
    for j in range(values.shape[1]):
        whole = steps.inverse_transform(train.append_values(values[:, j : j + 1]))
        columns.append(whole.values()[-len(values) :, 0])
    return np.column_stack(columns)


def fit_predict(
    spec: ModelSpec,
    params: dict[str, Any] | None,
    data: list[SeriesData],
    setup: Setup,
    say: Callable[[str], None] | None = None,
) -> tuple[list[np.ndarray], float, float]:
    """Fit one model on the series, forecast ``setup.horizon`` steps of each.

    Returns one (horizon × 5 quantiles) array per series and the fit and predict
    seconds. Local models get one series; global ones all of them at once, each
    series scaled to 0–1. The ``setup.transform`` (Darts' invertible transformers,
    see :func:`pipeline`) is fitted per series before the model and undone on its
    forecasts.
    """
    horizon = setup.horizon
    context = context_for(spec, setup.season, data, horizon, say)
    model = spec.model(params, context)
    together = spec.multi_series and len(data) > 1 and not spec.scales_itself
    steps = [pipeline(d.transform, d.ts, context.season, together) for d in data]
    trains = [
        d.ts if p is None else p.fit_transform(d.ts)
        for d, p in zip(data, steps, strict=True)
    ]
    covariates: dict[str, Any] = {}
    if context.past_covariates:
        covariates["past_covariates"] = [d.past for d in data]
    if context.future_covariates:
        covariates["future_covariates"] = [d.future for d in data]
    if not spec.multi_series:  # local models take one series, not a list
        covariates = {k: v[0] for k, v in covariates.items()}
    started = time.perf_counter()
    model.fit(trains if spec.multi_series else trains[0], **covariates)
    fitted = time.perf_counter()
    ask: dict[str, Any] = dict(covariates)
    if spec.multi_series:
        ask["series"] = trains
    if spec.sampled:
        ask["num_samples"] = 200
    elif spec.native_intervals:
        ask["predict_likelihood_parameters"] = True
    predicted = model.predict(horizon, **ask)
    outputs = []
    for forecast, train, step in zip(
        predicted if isinstance(predicted, list) else [predicted],
        trains,
        steps,
        strict=True,
    ):
        if spec.sampled:  # quantiles of 200 sample paths
            values = np.quantile(forecast.all_values()[:, 0, :], QUANTILES, axis=1).T
        else:
            values = forecast.values()
        if not spec.native_intervals:
            values = np.repeat(values[:, :1], len(QUANTILES), axis=1)
        outputs.append(values if step is None else _undo(step, train, values))
    return outputs, fitted - started, time.perf_counter() - fitted


class TooShortError(Exception):
    """A series is shorter than a model needs."""


def check_length(spec: ModelSpec, length: int, testing: bool) -> None:
    """Refuse a series shorter than the model needs (to fit, and to test it).

    Raises
    ------
    TooShortError
        With the sentence a user reads, e.g. "Needs at least 30 points; this series
        has 15."

    """
    if testing and length < spec.min_history + MIN_TEST:
        raise TooShortError(
            f"Needs at least {spec.min_history} points to fit and {MIN_TEST} more to "
            f"test it; this series has {length}."
        )
    if length < spec.min_history:
        raise TooShortError(
            f"Needs at least {spec.min_history} points; this series has {length}."
        )
