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

from services import db, storage
from services.datasets import get_dataset, open_version
from services.errors import InvalidInputError, NotFoundError, SeriesTooShortError
from services.profiling import SEASON_LENGTH, Frequency, Profile

if TYPE_CHECKING:
    from services.runner import JobContext

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
) -> pl.DataFrame:
    """One series (time, value), in time order, missing values interpolated.

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
    data = (
        frame.select(
            pl.col(time).alias("time"), pl.col(target).cast(pl.Float64).alias("value")
        )
        .drop_nulls("time")
        .sort("time")
        .unique("time", keep="first", maintain_order=True)
    )
    return data.with_columns(
        pl.col("value")
        .interpolate()
        .fill_null(strategy="forward")
        .fill_null(strategy="backward")
    )


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
    data = series_values(frame, time, target, series_columns, series)
    label = series
    if series_columns and series is None:  # the first series, as series_values chose
        first = frame.select(
            pl.concat_str(
                [pl.col(c).cast(pl.String) for c in series_columns], separator=" / "
            )
        )
        label = str(first.to_series()[0])
    total = data.height
    notes = []
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
    period = period or (seasons[0] if seasons else None)
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
    if transform == "log":
        out = np.log(values)
    elif transform == "box-cox":
        out, _lmbda = boxcox(values)
    else:
        lag = (
            1
            if transform == "differencing"
            else (SEASON_LENGTH[frequency.unit] if frequency else 1)
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
    calendar = (
        CALENDAR_SEASONS.get(frequency.unit, [])
        if frequency and frequency.step == 1
        else []
    )
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
    """The detected seasons with room for two full cycles, shortest first."""
    return sorted(s for s in result.season_lengths if len(values) >= 2 * s + 1)


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
    if lags < 2:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result.acf = acf(values, nlags=lags, fft=True).tolist()
        result.pacf = pacf(values, nlags=lags, method="ywm").tolist()
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


def _degree(value: float | None) -> str:
    if value is None:
        return "no"
    return "strong" if value >= 0.64 else "moderate" if value >= 0.3 else "weak"


def describe(result: Analysis) -> tuple[str, str]:
    """The headline sentence and a plain explanation of the stationarity verdict."""
    parts = []
    if result.seasonal_strength is not None and result.season_lengths:
        period = result.season_lengths[0]
        unit = result.frequency.unit if result.frequency else ""
        name = WORDS.get(period, f"{period}-step")
        if unit in ("month", "quarter", "week") and period in (12, 4, 52):
            name = "yearly"
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
        explanation += f" Suggested for the models: {result.suggested_transform}."
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
