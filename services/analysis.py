"""Understanding a series: seasons, decomposition, strength, stationarity, ACF/PACF.

The statistics are statsmodels' (STL, MSTL, seasonal_decompose, ADF, KPSS, ACF, PACF);
this module picks their settings, reads their results together and says what they mean
in plain words. Long series are analysed on their most recent window (said in
``notes``); ``window=None`` analyses everything (slow: run it as a job).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import polars as pl
from pydantic import BaseModel, Field
from scipy.stats import boxcox

# Imported here, once, not inside functions: threads of the web server importing the
# same large module at the same moment can see it half-initialised.
from statsmodels.tsa.seasonal import MSTL, STL, seasonal_decompose
from statsmodels.tsa.stattools import acf, adfuller, kpss, pacf

from services import calendar_grid, calendars, db, storage
from services.calendars import Frequency
from services.datasets import get_dataset, open_version
from services.errors import InvalidInputError, NotFoundError, SeriesTooShortError
from services.profiling import Profile

if TYPE_CHECKING:
    from services.job_kinds import JobContext

Verdict = Literal[
    "stationary", "trend-stationary", "difference-stationary", "inconclusive"
]
Method = Literal["stl", "additive", "multiplicative"]
WINDOW = 5000
ALPHA = 0.05
# Calendar seasons worth checking for each frequency, most natural first.
CALENDAR_SEASONS = {
    "second": [60],
    "minute": [60, 1440],
    "hour": [24, 168],
    "day": [7, 365],
    "business_day": [5],
    "week": [52],
    "month": [12],
    "quarter": [4],
    "year": [],
}
# Natural cycles, in seconds, for data every few minutes or hours (15-minute data has
# a daily season of 96 steps and a weekly one of 672).
CYCLES = {"hourly": 3600, "daily": 86400, "weekly": 604800}
# Longer seasons are found and named but not decomposed unless asked for: MSTL with a
# season of 672 (a week of 15-minute steps) takes 13 s on 5,000 points here.
LONGEST_DECOMPOSED = 400


class TestResult(BaseModel):
    """A test statistic and its p-value."""

    statistic: float
    pvalue: float


class Decomposition(BaseModel):
    """Trend, seasonal and remainder parts, aligned with ``time``."""

    method: str
    period: int | None
    time: list[str]
    observed: list[float]
    trend: list[float]
    seasonal: list[float]
    remainder: list[float]


class Analysis(BaseModel):
    """Everything the Explore page and the analysis endpoint report."""

    target: str
    series: str | None
    points: int
    analysed_points: int
    frequency: Frequency | None
    season_lengths: list[int]
    trend_strength: float | None = None
    seasonal_strength: float | None = None
    trend_direction: Literal["upward", "downward", "flat"] | None = None
    multiplicative: bool = False
    adf: TestResult | None = None
    kpss: TestResult | None = None
    # The same two tests allowing for a straight-line trend (read jointly with them).
    adf_trend: TestResult | None = None
    kpss_trend: TestResult | None = None
    stationarity: Verdict | None = None
    suggested_transform: Literal[
        "none", "log", "box-cox", "differencing", "seasonal differencing"
    ] = "none"
    acf: list[float] = Field(default_factory=list)
    pacf: list[float] = Field(default_factory=list)
    confidence_band: float | None = None
    summary: str
    explanation: str = ""
    notes: list[str] = Field(default_factory=list)
    decomposition: Decomposition | None = None


def series_values(
    frame: pl.DataFrame,
    time: str,
    target: str,
    series_columns: list[str],
    series: str | None,
    frequency: Frequency | None = None,
) -> pl.DataFrame:
    """One series (time, value), in time order, missing values interpolated.

    A time that appears twice (the hour repeated when the clocks go back) keeps the
    average of its values. With a ``frequency``, the times missing from its calendar
    are inserted (month ends for month-end data, weekdays for business days), so a
    season is always the same number of rows; see :func:`regular_series`.

    Raises
    ------
    InvalidInputError
        For an unknown column or series.

    """
    return regular_series(frame, time, target, series_columns, series, frequency)[0]


def regular_series(
    frame: pl.DataFrame,
    time: str,
    target: str,
    series_columns: list[str],
    series: str | None,
    frequency: Frequency | None = None,
) -> tuple[pl.DataFrame, pl.Series]:
    """:func:`series_values` and the times it inserted from the calendar.

    Nothing is inserted when the times do not follow ``frequency`` (a version cleaned
    to another frequency), or when more than
    :data:`~services.calendars.MAX_MISSING_SHARE` of the calendar would be made up.

    Raises
    ------
    InvalidInputError
        For an unknown column or series.

    """
    for name in (time, target):
        if name not in frame.columns:
            raise InvalidInputError(
                f"The dataset has no column “{name}”.", code="unknown_column"
            )
    if not frame.schema[target].is_numeric():
        raise InvalidInputError(
            f"“{target}” does not hold numbers.", code="invalid_target"
        )
    if series_columns:
        label = pl.concat_str(
            [pl.col(c).cast(pl.String) for c in series_columns], separator=" / "
        )
        frame = frame.with_columns(label.alias("_series"))
        names = frame["_series"].unique(maintain_order=True)
        chosen = series if series is not None else names[0]
        if chosen not in names.to_list():
            raise InvalidInputError(
                f"There is no series “{series}”.", code="unknown_series"
            )
        frame = frame.filter(pl.col("_series") == chosen)
    elif series is not None:
        raise InvalidInputError(
            f"There is no series “{series}”: this dataset holds one series only. "
            "Leave the series out.",
            code="unknown_series",
        )
    data = (
        frame.select(
            pl.col(time).alias("time"), pl.col(target).cast(pl.Float64).alias("value")
        )
        .drop_nulls("time")
        .sort("time")
        .group_by("time", maintain_order=True)
        .agg(pl.col("value").mean())
    )
    inserted = _missing_times(data, frequency)
    if inserted.len():
        data = pl.concat([data, inserted.to_frame()], how="diagonal").sort("time")
    filled = data.with_columns(
        pl.col("value")
        .interpolate()
        .fill_null(strategy="forward")
        .fill_null(strategy="backward")
    )
    return filled, inserted


def _missing_times(data: pl.DataFrame, frequency: Frequency | None) -> pl.Series:
    """The times of ``frequency``'s calendar that ``data`` lacks (none if off it)."""
    nothing = data["time"].clear()
    if frequency is None or data.height < 2:
        return nothing
    first, last = data["time"][0], data["time"][-1]
    step = (
        calendars.MONTHS[frequency.unit] * 30.44 * 86400
        if frequency.unit in calendars.MONTHS
        else calendars.SECONDS.get(frequency.unit, 86400)
    ) * frequency.step
    span = pl.Series([last - first]).dt.total_seconds()[0]
    if span / step > 2 * data.height:  # the calendar is much finer than the data
        return nothing
    spans = pl.DataFrame({"first": [first], "last": [last]})
    grid = calendar_grid.calendar_times(frequency, spans, "first", "last", "time")[
        "time"
    ]
    on_grid = data["time"].is_in(grid.implode())
    missing = grid.filter(~grid.is_in(data["time"].implode()))
    if (
        on_grid.mean() < calendars.REGULAR_SHARE  # type: ignore[operator]
        or missing.len() > calendars.MAX_MISSING_SHARE * grid.len()
    ):
        return nothing
    return missing


def analyse(
    frame: pl.DataFrame,
    time: str,
    target: str,
    frequency: Frequency | None,
    series_columns: list[str] | None = None,
    series: str | None = None,
    method: Method = "stl",
    period: int | None = None,
    window: int | None = WINDOW,
    transform: str | None = None,
    on_progress: Callable[[float, str], None] | None = None,
) -> Analysis:
    """Analyse one series of ``target``.

    Parameters
    ----------
    period
        The season length to decompose with; the strongest detected one by default.
    window
        Analyse only the most recent ``window`` points (``None``: all of them).
    transform
        Re-run everything on the series after ``log``, ``box-cox``, ``differencing``
        or ``seasonal differencing`` to see its effect.

    Raises
    ------
    SeriesTooShortError
        With fewer than 8 points: nothing can be said.

    """
    series_columns = series_columns or []
    data, inserted = regular_series(
        frame, time, target, series_columns, series, frequency
    )
    label = series
    if series_columns and series is None:  # the first series, as series_values chose
        first = frame.select(
            pl.concat_str(
                [pl.col(c).cast(pl.String) for c in series_columns], separator=" / "
            )
        )
        label = str(first.to_series()[0])
    total = data.height
    notes = (
        [_inserted_note(frequency, inserted)] if frequency and inserted.len() else []
    )
    if window is not None and total > window:
        data = data.tail(window)
        notes.append(
            f"Analysed the most recent {window:,} of {total:,} points, so the "
            "page answers quickly; run the full analysis for all of them."
        )
    values = data["value"].to_numpy().astype(float)
    if transform and transform != "none":
        values, data = _transformed(values, data, transform, frequency, notes)
    if len(values) < 8 or not np.isfinite(values).all():
        raise SeriesTooShortError(
            f"“{target}” has only {len(values)} usable points; "
            "the analysis needs at least 8."
        )
    report = on_progress or (lambda _f, _m: None)
    report(0.05, "Looking for repeating patterns")
    seasons = season_lengths(values, frequency)
    # The strongest season that decomposes quickly, unless one is asked for.
    quick = [s for s in seasons if s <= LONGEST_DECOMPOSED] or seasons
    period = period or (quick[0] if quick else None)
    result = Analysis(
        target=target,
        series=label,
        points=total,
        analysed_points=len(values),
        frequency=frequency,
        season_lengths=seasons,
        summary="",
        notes=notes,
    )
    report(0.15, "Splitting trend, pattern and the rest")
    _decompose(result, data, values, method, period)
    report(0.55, "Testing stationarity")
    _stationarity(result, values)
    report(0.9, "Measuring autocorrelation")
    _autocorrelation(result, values, period)
    trend = np.asarray(result.decomposition.trend) if result.decomposition else values
    result.multiplicative = _is_multiplicative(values, trend, period)
    result.suggested_transform = _suggest(result)
    result.summary, result.explanation = describe(result)
    return result


def _transformed(
    values: np.ndarray,
    data: pl.DataFrame,
    transform: str,
    frequency: Frequency | None,
    notes: list[str],
) -> tuple[np.ndarray, pl.DataFrame]:
    if transform in ("log", "box-cox") and (values <= 0).any():
        raise InvalidInputError(
            "A log or Box-Cox transform needs values above zero.",
            code="invalid_transform",
        )
    if transform == "box-cox" and np.ptp(values) == 0:
        raise InvalidInputError(
            "A Box-Cox transform needs values that change.", code="invalid_transform"
        )
    if transform == "log":
        out = np.log(values)
    elif transform == "box-cox":
        out, _lmbda = boxcox(values)
    else:
        lag = (
            1
            if transform == "differencing"
            else (calendars.season_length(frequency) if frequency else 1)
        )
        out = values[lag:] - values[:-lag]
        data = data.slice(lag)
    notes.append(f"Shown after the {transform} transform.")
    return np.asarray(out, dtype=float), data


def season_lengths(values: np.ndarray, frequency: Frequency | None) -> list[int]:
    """Season lengths with a clear autocorrelation peak, strongest first.

    Candidates come from the calendar (7 for daily data, 24 and 168 for hourly…) and
    from the peaks of the autocorrelation function; a candidate counts when the ACF at
    its lag is a local peak above the 95% band.
    """
    n = len(values)
    calendar = calendar_seasons(frequency)
    max_lag = min(n // 2, max([*calendar, 60]) + 2)
    if max_lag < 4:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        correlation = acf(values, nlags=max_lag, fft=True)
    band = 1.96 / np.sqrt(n)
    peaks = [
        lag
        for lag in range(2, max_lag)
        if correlation[lag] > band
        and correlation[lag] >= correlation[lag - 1]
        and correlation[lag] >= correlation[lag + 1]
    ]
    found = {
        lag: correlation[lag]
        for lag in calendar
        if lag < max_lag and any(abs(lag - p) <= max(1, lag // 20) for p in peaks)
    }
    if not found and peaks:
        best = max(peaks, key=lambda lag: correlation[lag])
        if correlation[best] > 0.3:
            found[best] = correlation[best]
    return [lag for lag, _ in sorted(found.items(), key=lambda kv: -kv[1])]


def calendar_seasons(frequency: Frequency | None) -> list[int]:
    """The calendar's seasons worth checking, in steps, most natural first.

    24 and 168 for hourly data, 96 and 672 for data every 15 minutes, 12 for monthly
    data; none for every other month or week.
    """
    if frequency is None:
        return []
    if frequency.step == 1:
        return CALENDAR_SEASONS.get(frequency.unit, [])
    size = calendars.SECONDS.get(frequency.unit, 0) * frequency.step
    if not size or frequency.unit in ("day", "week"):
        return []
    # A cycle of a handful of steps (an hour of 15-minute steps) is noise, not a season.
    return [c // size for c in CYCLES.values() if c % size == 0 and c // size >= 6]


def _inserted_note(frequency: Frequency, times: pl.Series) -> str:
    """Say which missing times of the calendar were filled in for the analysis."""
    if times.dtype != pl.Date and calendars.at_midnight(times):
        times = times.cast(pl.Date)
    shown = ", ".join(str(t)[:16] for t in times.head(3).to_list()) + (
        f" and {times.len() - 3} more" if times.len() > 3 else ""
    )
    if frequency.unit == "business_day":
        return (
            f"{times.len()} weekday{'s' if times.len() > 1 else ''} without a row "
            f"({shown}; public holidays, most likely) "
            f"{'were' if times.len() > 1 else 'was'} bridged by interpolation, so "
            "each week has five days."
        )
    return (
        f"{calendars.step_name(frequency, times.len())} without a row ({shown}) "
        f"{'were' if times.len() > 1 else 'was'} filled in by interpolation, so "
        "each season has the same number of points."
    )


def _decompose(
    result: Analysis,
    data: pl.DataFrame,
    values: np.ndarray,
    method: Method,
    period: int | None,
) -> None:

    if period is None or len(values) < 2 * period + 1:
        if period is not None:
            result.notes.append(
                f"Too short for a season of {period}: the "
                "decomposition shows the trend only."
            )
        trend = (
            pl.Series(values)
            .rolling_mean(max(3, len(values) // 10), center=True, min_samples=1)
            .to_numpy()
        )
        seasonal = np.zeros_like(values)
        used = "trend only"
        period = None
    elif method == "stl" and len(several := _fitting_seasons(result, values)) > 1:
        fit = MSTL(values, periods=several).fit()
        trend, seasonal = fit.trend, np.asarray(fit.seasonal).sum(axis=1)
        used = "MSTL (" + " and ".join(str(p) for p in several) + ")"
    elif method == "stl":
        fit = STL(values, period=period, robust=True).fit()
        trend, seasonal = fit.trend, fit.seasonal
        used = "STL (robust)"
    else:
        if method == "multiplicative" and (values <= 0).any():
            raise InvalidInputError(
                "A multiplicative decomposition needs values above zero.",
                code="invalid_method",
            )
        fit = seasonal_decompose(
            values, model=method, period=period, extrapolate_trend="freq"
        )
        trend, seasonal = np.asarray(fit.trend), np.asarray(fit.seasonal)
        used = f"classical {method}"
    if method == "multiplicative" and period is not None:
        remainder = values / (trend * seasonal)
        trend_part, seasonal_part, rest = (
            np.log(trend),
            np.log(seasonal),
            np.log(remainder),
        )
    else:
        remainder = values - trend - seasonal
        trend_part, seasonal_part, rest = trend, seasonal, remainder
    result.trend_strength = _strength(rest, trend_part + rest)
    result.seasonal_strength = _strength(rest, seasonal_part + rest) if period else None
    slope = (trend[-1] - trend[0]) / max(1e-12, np.nanstd(values) or 1.0)
    result.trend_direction = (
        "flat"
        if abs(slope) < 0.5 or result.trend_strength < 0.3
        else "upward"
        if slope > 0
        else "downward"
    )
    times = [str(t) for t in data["time"].to_list()]
    result.decomposition = Decomposition(
        method=used,
        period=period,
        time=times,
        observed=values.tolist(),
        trend=np.asarray(trend, dtype=float).tolist(),
        seasonal=np.asarray(seasonal, dtype=float).tolist(),
        remainder=np.asarray(remainder, dtype=float).tolist(),
    )


def _fitting_seasons(result: Analysis, values: np.ndarray) -> list[int]:
    """The detected seasons with room for two full cycles, shortest first.

    Seasons longer than :data:`LONGEST_DECOMPOSED` are left to a chosen period.
    """
    return sorted(
        s
        for s in result.season_lengths
        if len(values) >= 2 * s + 1 and s <= LONGEST_DECOMPOSED
    )


def _strength(remainder: np.ndarray, component_plus_remainder: np.ndarray) -> float:
    """Wang, Smith & Hyndman (2006): 1 − Var(R) / Var(component + R), floored at 0."""
    total = float(np.nanvar(component_plus_remainder))
    if total <= 0:
        return 0.0
    return float(max(0.0, min(1.0, 1 - np.nanvar(remainder) / total)))


def _stationarity(result: Analysis, values: np.ndarray) -> None:

    if len(values) < 20:
        result.notes.append("Too short for stationarity tests (they need 20 points).")
        return
    if np.ptp(values) == 0:
        result.notes.append("The values never change, so there is nothing to test.")
        return
    long = len(values) > 2000
    with warnings.catch_warnings():  # KPSS warns when its p-value is off its table
        warnings.simplefilter("ignore")
        adf = {
            r: adfuller(
                values,
                regression=r,
                autolag=None if long else "AIC",
                maxlag=24 if long else None,
            )[:2]
            for r in ("c", "ct")
        }
        kp = {r: kpss(values, regression=r, nlags="auto")[:2] for r in ("c", "ct")}
    result.adf, result.adf_trend = (
        TestResult(statistic=float(adf[r][0]), pvalue=float(adf[r][1]))
        for r in ("c", "ct")
    )
    result.kpss, result.kpss_trend = (
        TestResult(statistic=float(kp[r][0]), pvalue=float(kp[r][1]))
        for r in ("c", "ct")
    )
    result.stationarity = read_jointly(
        adf["c"][1], kp["c"][1], adf["ct"][1], kp["ct"][1]
    )


def read_jointly(
    adf_p: float, kpss_p: float, adf_trend_p: float, kpss_trend_p: float
) -> Verdict:
    """ADF (null: a unit root) and KPSS (null: stationary) read together.

    Examples
    --------
    >>> read_jointly(0.01, 0.10, 0.01, 0.10)
    'stationary'
    >>> read_jointly(0.60, 0.01, 0.70, 0.01)
    'difference-stationary'

    """
    if adf_p < ALPHA and kpss_p >= ALPHA:
        return "stationary"
    if adf_trend_p < ALPHA and kpss_trend_p >= ALPHA:
        return "trend-stationary"
    if adf_p >= ALPHA and kpss_p < ALPHA:
        return "difference-stationary"
    return "inconclusive"


def _autocorrelation(result: Analysis, values: np.ndarray, period: int | None) -> None:

    lags = min(len(values) // 2 - 1, max(24, 2 * (period or 0) + 2), 200)
    if lags < 2 or np.ptp(values) == 0:  # a constant has no correlations
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result.acf = acf(values, nlags=lags, fft=True).tolist()
        # Levinson-Durbin on the biased autocovariances: the same values as Yule-Walker
        # ("ywm"), 100 times faster for 200 lags.
        result.pacf = pacf(values, nlags=lags, method="ldb").tolist()
    result.confidence_band = float(1.96 / np.sqrt(len(values)))


def _is_multiplicative(
    values: np.ndarray, trend: np.ndarray, period: int | None
) -> bool:
    """Whether the seasonal swings grow with the level (all values positive).

    Per full season: the level is the mean of the trend, the swing the spread of the
    values around the trend; a strong positive correlation means multiplicative.
    """
    if period is None or (values <= 0).any() or len(values) < 3 * period:
        return False
    seasons = len(values) // period
    tail = slice(len(values) - seasons * period, None)
    level = trend[tail].reshape(seasons, period).mean(axis=1)
    swing = (values[tail] - trend[tail]).reshape(seasons, period).std(axis=1)
    if np.std(level) == 0 or np.std(swing) == 0:
        return False
    return bool(np.corrcoef(level, swing)[0, 1] > 0.7)


def _suggest(result: Analysis) -> Any:
    if result.multiplicative:
        return "log"
    if result.stationarity == "difference-stationary":
        strong_season = (result.seasonal_strength or 0) > 0.6
        return "seasonal differencing" if strong_season else "differencing"
    return "none"


WORDS = {
    7: "weekly",
    24: "daily",
    168: "weekly",
    12: "yearly",
    4: "yearly",
    52: "yearly",
    365: "yearly",
    5: "weekly",
    60: "hourly",
    1440: "daily",
}
VERDICTS = {
    "stationary": "The series keeps a steady level and spread: models can use it as "
    "it is.",
    "trend-stationary": "The series follows a steady trend and varies around it: "
    "models that include a trend handle it well.",
    "difference-stationary": "The series wanders without returning to a level, like a "
    "random walk: models work better on its changes from one "
    "period to the next (differencing).",
    "inconclusive": "The two tests disagree, so the data do not settle whether the "
    "level is steady; look at the chart and compare models.",
}

# What each suggested transform means for the models, in words.
SUGGESTIONS = {
    "log": "Suggested for the models: a log transform, since the swings grow with "
    "the level (forecasts come back in your units).",
    "box-cox": "Suggested for the models: a Box-Cox transform, to even out swings "
    "that change with the level (forecasts come back in your units).",
    "differencing": "Suggested for the models: differencing, working on the change "
    "from one period to the next.",
    "seasonal differencing": "Suggested for the models: seasonal differencing, "
    "working on the change from the same period a season earlier.",
}


def _degree(value: float | None) -> str:
    if value is None:
        return "no"
    return "strong" if value >= 0.64 else "moderate" if value >= 0.3 else "weak"


# The season that a whole cycle of these units makes.
NATURAL = {
    "business_day": "weekly",
    "week": "yearly",
    "month": "yearly",
    "quarter": "yearly",
}


def season_name(period: int, frequency: Frequency | None) -> str:
    """A season in words: "yearly" for 12 months, "daily" for 96 × 15 minutes.

    A season that is no natural cycle is named by its length ("12-week").
    """
    if frequency is None:
        return WORDS.get(period, f"{period}-step")
    unit = frequency.unit
    if unit in NATURAL and period == calendars.season_length(frequency):
        return NATURAL[unit]
    if unit in ("second", "minute", "hour", "day"):
        seconds = period * frequency.step * calendars.SECONDS[unit]
        for word, size in {**CYCLES, "yearly": 365 * 86400}.items():
            if seconds == size:
                return word
    return f"{period}-{unit.replace('_', '-') if frequency.step == 1 else 'step'}"


def describe(result: Analysis) -> tuple[str, str]:
    """The headline sentence and a plain explanation of the stationarity verdict."""
    parts = []
    if result.seasonal_strength is not None and result.season_lengths:
        d = result.decomposition
        period = d.period if d and d.period else result.season_lengths[0]
        name = season_name(period, result.frequency)
        parts.append(f"{_degree(result.seasonal_strength).capitalize()} {name} pattern")
    else:
        parts.append("No repeating pattern")
    direction = result.trend_direction or "flat"
    if direction == "flat" and (result.trend_strength or 0) >= 0.3:
        # A strong trend component that ends where it began: the level swings.
        swings = _degree(result.trend_strength)
        parts.append(f"{swings} slow swings but no overall trend")
    elif direction == "flat":
        parts.append("no clear trend")
    else:
        parts.append(f"{_degree(result.trend_strength)} {direction} trend")
    explanation = VERDICTS.get(result.stationarity or "", "")
    if result.suggested_transform != "none":
        explanation += " " + SUGGESTIONS[result.suggested_transform]
    return ", ".join(parts) + ".", explanation.strip()


def _analysable(
    user_id: int, dataset_id: str, target: str | None
) -> tuple[Profile, str]:
    """The dataset's profile and the target to analyse (its chosen one by default)."""
    profile = get_dataset(user_id, dataset_id).profile
    target = target or profile.target
    if profile.time_column is None or target is None:
        raise InvalidInputError(
            "The dataset needs a time column and a column of numbers to analyse.",
            code="no_time_column",
        )
    return profile, target


def dataset_series(
    user_id: int, dataset_id: str, target: str | None = None, series: str | None = None
) -> tuple[pl.DataFrame, Frequency | None]:
    """One series of a dataset's target (time, value) and its frequency.

    Raises
    ------
    InvalidInputError
        When there is no time column or no numeric target.

    """
    profile, target = _analysable(user_id, dataset_id, target)
    frame = open_version(user_id, dataset_id)
    data = series_values(
        frame, profile.time_column or "", target, profile.series_id_columns, series
    )
    return data, profile.frequency


def analyse_dataset(
    user_id: int,
    dataset_id: str,
    target: str | None = None,
    version_id: str | None = None,
    series: str | None = None,
    method: Method = "stl",
    period: int | None = None,
    window: int | None = WINDOW,
    transform: str | None = None,
    on_progress: Callable[[float, str], None] | None = None,
) -> Analysis:
    """Analyse a dataset's target (its chosen one by default) with its column choices.

    Raises
    ------
    NotFoundError
        When the dataset or version is not the user's.
    InvalidInputError
        When there is no time column or no numeric target.

    """
    profile, target = _analysable(user_id, dataset_id, target)
    frame = open_version(user_id, dataset_id, version_id)
    return analyse(
        frame,
        profile.time_column or "",
        target,
        profile.frequency,
        profile.series_id_columns,
        series,
        method,
        period,
        window,
        transform,
        on_progress,
    )


def analysis_params(
    user_id: int, dataset_id: str, target: str | None = None, series: str | None = None
) -> dict[str, Any]:
    """Check a request for a full analysis and return the job's parameters.

    Raises
    ------
    NotFoundError
        When the dataset is not the user's.
    InvalidInputError
        When there is no time column or the target is not a column of numbers.

    """
    profile = get_dataset(user_id, dataset_id).profile
    target = target or profile.target
    if profile.time_column is None or target not in profile.target_candidates:
        raise InvalidInputError(
            "The dataset needs a time column and a column of numbers to analyse.",
            code="invalid_target",
        )
    return {"dataset_id": dataset_id, "target": target, "series": series}


def run_analysis_job(context: JobContext) -> str:
    """The ``analysis`` job: analyse the whole series and keep the result."""
    p = context.params
    result = analyse_dataset(
        context.user_id,
        p["dataset_id"],
        p.get("target"),
        None,
        p.get("series"),
        p.get("method", "stl"),
        p.get("period"),
        window=None,
        on_progress=context.progress,
    )
    analysis_id = db.new_id()
    storage.analysis_path(context.user_id, analysis_id).write_text(
        result.model_dump_json()
    )
    return analysis_id


def load_analysis(user_id: int, analysis_id: str) -> Analysis:
    """A stored full analysis of the user's.

    Raises
    ------
    NotFoundError
        When there is none with this id in the user's folder.

    """
    try:
        path = storage.analysis_path(user_id, analysis_id)
    except ValueError as exc:
        raise NotFoundError("This analysis does not exist.") from exc
    if not path.exists():
        raise NotFoundError("This analysis does not exist.")
    return Analysis.model_validate_json(path.read_text())
