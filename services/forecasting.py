"""Forecasting: the better of seasonal naive and AutoETS on a holdout, then forecast.

The model comparison issue grows this into a catalog with backtests; the result shape
(points with 80% and 95% intervals, per series) stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from services.errors import InvalidInputError, SeriesTooShortError
from services.profiling import SEASON_LENGTH, Frequency, pandas_frequency

log = logging.getLogger(__name__)

QUANTILES = [0.025, 0.1, 0.5, 0.9, 0.975]
POINT_COLUMNS = [
    "series",
    "time",
    "forecast",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
]
MAX_HORIZON = 1000
ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class Candidate:
    """A model the automatic choice considers."""

    key: str
    name: str
    build: Callable[[int], Any]


def _seasonal_naive(season: int) -> Any:
    from darts.models import StatsForecastModel

    return StatsForecastModel(
        "SeasonalNaive", model_kwargs={"season_length": season}, quantiles=QUANTILES
    )


def _auto_ets(season: int) -> Any:
    from darts.models import AutoETS

    return AutoETS(season_length=season, quantiles=QUANTILES)


CANDIDATES = (
    Candidate("seasonal_naive", "Seasonal naive", _seasonal_naive),
    Candidate("auto_ets", "AutoETS (exponential smoothing)", _auto_ets),
)


@dataclass
class ForecastResult:
    """The chosen model, its holdout scores and the forecast points."""

    model: str
    model_name: str
    points: pl.DataFrame
    holdout: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _series_label(key: tuple[Any, ...]) -> str:
    return " / ".join(str(part) for part in key)


def split_series(
    frame: pl.DataFrame, time_column: str, target: str, series_columns: list[str]
) -> dict[str | None, pl.DataFrame]:
    """One frame (time, target) per series, sorted, without trailing empty targets.

    Raises
    ------
    InvalidInputError
        When a series has the same time twice, or no values at all.

    """
    for name in (time_column, target, *series_columns):
        if name not in frame.columns:
            raise InvalidInputError(f"The dataset has no column “{name}”.")
    if not frame[target].dtype.is_numeric():
        raise InvalidInputError(
            f"“{target}” does not hold numbers; choose a numeric column to forecast."
        )
    groups: dict[str | None, pl.DataFrame] = {}
    if series_columns:
        parts = frame.partition_by(series_columns, as_dict=True, maintain_order=True)
        items = sorted(
            ((_series_label(k), v) for k, v in parts.items()), key=lambda kv: kv[0]
        )
    else:
        items = [(None, frame)]  # type: ignore[list-item]
    for label, part in items:
        data = (
            part.select(
                pl.col(time_column).alias("time"),
                pl.col(target).cast(pl.Float64).alias("value"),
            )
            .drop_nulls("time")
            .sort("time")
        )
        observed = data["value"].is_not_null()
        if not observed.any():
            raise InvalidInputError(
                f"“{target}” has no values" + (f" for {label}." if label else ".")
            )
        data = data.head(int(observed.arg_true().max()) + 1)  # type: ignore[arg-type]
        if data["time"].is_duplicated().any():
            where = f" in series {label}" if label else ""
            raise InvalidInputError(
                f"Some times appear more than once{where}. Remove the duplicates, or "
                "tell the app which column identifies each series.",
                code="duplicate_timestamps",
            )
        groups[label] = data
    return groups


def _to_darts(data: pl.DataFrame, frequency: Frequency) -> Any:
    from darts import TimeSeries
    from darts.utils.missing_values import fill_missing_values

    freq = pandas_frequency(frequency)
    if frequency.unit == "week":
        weekday = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"][
            data["time"][0].weekday()
        ]
        freq = f"{frequency.step if frequency.step != 1 else ''}W-{weekday}"
    series = TimeSeries.from_dataframe(
        data.to_pandas(),
        time_col="time",
        value_cols="value",
        freq=freq,
        fill_missing_dates=True,
    )
    if np.isnan(series.values()).any():
        series = fill_missing_values(series)
    return series


def forecast(
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    horizon: int,
    frequency: Frequency | None,
    series_columns: list[str] | None = None,
    on_progress: ProgressFn | None = None,
    transform: str | None = None,
) -> ForecastResult:
    """Forecast ``target`` ``horizon`` steps ahead with 80% and 95% intervals.

    Seasonal naive and AutoETS are scored on a holdout of the last ``horizon`` points
    (MASE, averaged over series); the better one is refit on all history.

    Parameters
    ----------
    frequency
        The spacing of the time column; ``None`` (irregular data) is refused.
    on_progress
        Called with (fraction done, message); it may raise to stop the work.

    Raises
    ------
    SeriesTooShortError
        When a series has too little history for a holdout of ``horizon`` points.
    InvalidInputError
        For an irregular time column, an unknown column or a bad horizon.

    """
    from darts.metrics import mae, mase

    report = on_progress or (lambda _f, _m: None)
    if not 1 <= horizon <= MAX_HORIZON:
        raise InvalidInputError(f"Choose a horizon between 1 and {MAX_HORIZON} steps.")
    if frequency is None:
        raise InvalidInputError(
            "The time column is not regular, so the app cannot tell "
            "what “next step” means. Resample the data first.",
            code="irregular_time",
        )
    groups = split_series(frame, time_column, target, series_columns or [])
    season = SEASON_LENGTH[frequency.unit] if frequency.step == 1 else 1
    series = {label: _to_darts(data, frequency) for label, data in groups.items()}
    notes = []
    for label, s in series.items():
        if len(s) < horizon + 8:
            where = f" for {label}" if label else ""
            raise SeriesTooShortError(
                f"There are only {len(s)} points{where}: too few to check a forecast "
                f"of {horizon} steps. Choose a shorter horizon (at most "
                f"{max(1, len(s) - 8)}), or use more history."
            )
        if len(s) != len(groups[label]):
            notes.append(
                f"Missing periods{' in ' + label if label else ''} were filled "
                "by interpolation."
            )
    steps = len(CANDIDATES) * len(series) + len(series)
    done = 0
    scores: dict[str, dict[str, list[float]]] = {
        c.key: {"mase": [], "mae": []} for c in CANDIDATES
    }
    failed: set[str] = set()
    for candidate in CANDIDATES:
        for label, s in series.items():
            report(
                done / steps,
                f"Checking {candidate.name}" + (f" on {label}" if label else ""),
            )
            train, test = s[:-horizon], s[-horizon:]
            m = season if len(train) >= 2 * season else 1
            try:
                median = _median(
                    _fit_predict(candidate.build(m), train, horizon, transform)
                )
                scores[candidate.key]["mae"].append(float(mae(test, median)))
                scores[candidate.key]["mase"].append(
                    float(mase(test, median, train, m=m))
                )
            except Exception as exc:  # one failing model never fails the run
                log.warning("%s failed on %s: %s", candidate.key, label, exc)
                failed.add(candidate.key)
            done += 1
    usable = [c for c in CANDIDATES if c.key not in failed]
    if not usable:
        raise InvalidInputError(
            "No model could be fitted to this series. Check that "
            "it holds enough regular values.",
            code="no_model_fits",
        )
    holdout = {
        c.key: {k: float(np.nanmean(v)) for k, v in scores[c.key].items()}
        for c in usable
    }
    best = min(
        usable,
        key=lambda c: (
            np.nan_to_num(holdout[c.key]["mase"], nan=np.inf),
            CANDIDATES.index(c),
        ),
    )
    frames = []
    for label, s in series.items():
        report(
            done / steps,
            f"Forecasting with {best.name}" + (f" for {label}" if label else ""),
        )
        m = season if len(s) >= 2 * season else 1
        frames.append(
            _points(
                _fit_predict(best.build(m), s, horizon, transform),
                label,
                groups[label]["time"].dtype,
            )
        )
        done += 1
    if transform in ("log", "box-cox"):
        notes.append(
            f"Models were fitted on the {transform} of the values; forecasts "
            "and errors are back in the data's own units."
        )
    elif transform and transform != "none":
        notes.append(
            f"The {transform} chosen on Explore is applied by the model "
            "comparison; these two models handle trend and season themselves."
        )
    report(1.0, "Done")
    return ForecastResult(best.key, best.name, pl.concat(frames), holdout, notes)


def _fit_predict(model: Any, train: Any, horizon: int, transform: str | None) -> Any:
    """Fit and predict quantiles, on log or Box-Cox values when asked.

    Both transforms are monotonic, so transforming the quantiles back keeps them
    quantiles of the forecast in the data's own units.
    """
    values = train.values()
    if transform in ("log", "box-cox") and (values > 0).all():
        from scipy.special import inv_boxcox
        from scipy.stats import boxcox

        lmbda = 0.0 if transform == "log" else float(boxcox(values.ravel())[1])
        model.fit(train.map(lambda x: boxcox(x, lmbda) if lmbda else np.log(x)))
        prediction = model.predict(horizon, predict_likelihood_parameters=True)
        return prediction.map(lambda y: inv_boxcox(y, lmbda))
    model.fit(train)
    return model.predict(horizon, predict_likelihood_parameters=True)


def _median(prediction: Any) -> Any:
    name = next(c for c in prediction.components if c.endswith("_q0.500"))
    return prediction[name]


def _points(
    prediction: Any, label: str | None, time_dtype: pl.DataType
) -> pl.DataFrame:
    values = prediction.values()
    names = list(prediction.components)
    column = {
        q: names.index(next(c for c in names if c.endswith(f"_q{q:.3f}")))
        for q in QUANTILES
    }
    times = pl.Series("time", prediction.time_index.to_numpy()).cast(time_dtype)
    return pl.DataFrame(
        {
            "series": pl.Series([label] * len(times), dtype=pl.String),
            "time": times,
            "forecast": values[:, column[0.5]],
            "lower_80": values[:, column[0.1]],
            "upper_80": values[:, column[0.9]],
            "lower_95": values[:, column[0.025]],
            "upper_95": values[:, column[0.975]],
        }
    )
