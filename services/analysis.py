"""Understanding a series: the analysis Explore shows, assembled from its parts.

The statistics are statsmodels' (STL, MSTL, seasonal_decompose, ADF, KPSS, ACF, PACF),
each in its own module: :mod:`services.series_input` gets the series out of a table,
:mod:`services.seasonality` finds its seasons, :mod:`services.decomposition` splits
it, :mod:`services.stationarity` tests its level and :mod:`services.analysis_words`
says what it all means in plain words. Long series are analysed on their most recent
window (said in ``notes``); ``window=None`` analyses everything (slow: run it as a
job, see :mod:`services.stored_analyses`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import polars as pl
from pydantic import BaseModel, Field
from scipy.stats import boxcox

from services import calendars
from services.analysis_words import describe
from services.calendars import Frequency
from services.datasets import open_version
from services.decomposition import LONGEST_DECOMPOSED, Decomposition, Method, decompose
from services.errors import InvalidInputError, SeriesTooShortError
from services.seasonality import autocorrelations, is_multiplicative, season_lengths
from services.series_input import (
    analysable_target,
    inserted_note,
    regular_series,
    series_label,
)
from services.stationarity import TestResult, Verdict, check_stationarity

WINDOW = 5000


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
    label = series_label(frame, series_columns, series)
    total = data.height
    notes = [inserted_note(frequency, inserted)] if frequency and inserted.len() else []
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
    parts = decompose(data, values, method, period, seasons)
    result.decomposition = parts.decomposition
    result.trend_strength = parts.trend_strength
    result.seasonal_strength = parts.seasonal_strength
    result.trend_direction = parts.trend_direction
    result.notes.extend([parts.note] if parts.note else [])
    report(0.55, "Testing stationarity")
    tests = check_stationarity(values)
    result.adf, result.kpss = tests.adf, tests.kpss
    result.adf_trend, result.kpss_trend = tests.adf_trend, tests.kpss_trend
    result.stationarity = tests.verdict
    result.notes.extend(tests.notes)
    report(0.9, "Measuring autocorrelation")
    result.acf, result.pacf, result.confidence_band = autocorrelations(values, period)
    trend = np.asarray(result.decomposition.trend)
    result.multiplicative = is_multiplicative(values, trend, period)
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


def _suggest(result: Analysis) -> Any:
    if result.multiplicative:
        return "log"
    if result.stationarity == "difference-stationary":
        strong_season = (result.seasonal_strength or 0) > 0.6
        return "seasonal differencing" if strong_season else "differencing"
    return "none"


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
    profile, target = analysable_target(user_id, dataset_id, target)
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
