"""The change a forecast says, measured like with like, and what stands behind it.

The forecast's average over the horizon is compared with the same stretch of the past:
the last as many periods when the horizon is made of whole seasons, else the same
periods whole seasons earlier (see :func:`services.reports.content.comparison_lag`).
A forecast that is a flat line or a repeat of the last season is recognised, and so is
a strong trend in the history (the trend strength Explore shows), so that the summary
never passes a copy of last year off as a forecast of "no change".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from services.reports.content import ReportData

LEVEL_BAND_PCT = 2.0  # a change within ±2% reads as "about level"
STRONG_TREND = 0.64  # Explore's "strong" trend (services.analysis): the same line
SAME = 1e-6  # relative difference below which two forecast values are the same
# The season of each frequency in words: six months are compared with the same six
# months "a year earlier".
SEASON_WORDS = {
    "second": "minute",
    "minute": "hour",
    "hour": "day",
    "day": "week",
    "business_day": "week",
    "week": "year",
    "month": "year",
    "quarter": "year",
}
COUNTS = {1: "a", 2: "two", 3: "three", 4: "four", 5: "five"}

Shape = Literal["flat", "repeat"]


@dataclass(frozen=True)
class Trend:
    """A strong trend the history has: its direction and strength (0 to 1)."""

    direction: Literal["upward", "downward"]
    strength: float


@dataclass(frozen=True)
class Change:
    """The forecast's level against the past it is compared with.

    ``future`` and ``past`` name the two stretches ("next 6 months", "the same 6
    months a year earlier"); ``pct`` is the change in percent (``None`` when the past
    average is zero or missing); ``shape`` says whether the forecast is a flat line or
    repeats the last season; ``trend`` is the history's strong trend, if it has one.
    """

    future: str
    past: str
    forecast_mean: float | None
    past_mean: float | None
    pct: float | None
    shape: Shape | None = None
    trend: Trend | None = None

    @property
    def compared(self) -> str:
        """What is compared: ``next 12 months vs the last 12 months``."""
        return f"{self.future} vs {self.past}"


def stretches(data: ReportData) -> tuple[str, str]:
    """The forecast's stretch and the past one it is compared with, in words.

    Examples
    --------
    ``("next 12 months", "the last 12 months")``, or for six months of monthly data
    ``("next 6 months", "the same 6 months a year earlier")``.

    """
    span = data.unit(data.horizon)
    available = data.series_history(data.main).height
    if data.lag > data.horizon and data.frequency is not None:
        seasons = data.lag // max(data.season, 1)
        name = SEASON_WORDS.get(data.frequency.unit, "season")
        count = COUNTS.get(seasons, str(seasons))
        if seasons == 1:
            ago = f"{'an' if name == 'hour' else 'a'} {name}"
        else:
            ago = f"{count} {name}s"
        return f"next {span}", f"the same {span} {ago} earlier"
    if available < data.horizon:
        return f"next {span}", f"the {data.unit(available)} of history"
    return f"next {span}", f"the last {span}"


def shape(data: ReportData) -> Shape | None:
    """``flat`` for a constant forecast, ``repeat`` for a copy of the last season."""
    future = data.series_points(data.main)["forecast"].to_numpy().astype(float)
    past = data.series_history(data.main)["value"].to_numpy().astype(float)
    if len(future) == 0 or not np.isfinite(future).all():
        return None
    scale = max(float(np.nanmean(np.abs(past))) if len(past) else 0.0, 1e-12)
    if float(np.ptp(future)) <= SAME * scale:
        return "flat"
    season = data.season
    if season > 1 and len(past) >= season:
        copy = np.resize(past[-season:], len(future))  # the last season, over and over
        if np.allclose(future, copy, rtol=SAME, atol=SAME * scale):
            return "repeat"
    return None


def strong_trend(data: ReportData) -> Trend | None:
    """The history's trend when Explore would call it strong (else ``None``)."""
    result = data.history_analysis()
    if result is None or result.trend_strength is None:
        return None
    if result.trend_direction not in ("upward", "downward"):
        return None
    if result.trend_strength < STRONG_TREND:
        return None
    return Trend(result.trend_direction, result.trend_strength)


def measure(data: ReportData) -> Change:
    """The change over the horizon of the main series (the total with several).

    The history's trend is looked for (an analysis, as on Explore) only when the
    forecast shows no change of its own: a flat line, a repeat of the last season, or
    a level within ``LEVEL_BAND_PCT`` percent of the past.
    """
    future, past = stretches(data)
    history = data.series_history(data.main)["value"]
    forecast = data.series_points(data.main)["forecast"]
    forecast_mean = _mean(forecast.to_numpy())
    past_mean = (
        _mean(history.tail(data.lag).head(data.horizon).to_numpy())
        if history.len() >= data.lag
        else _mean(history.to_numpy())
    )
    # Against the size of the past level, so that a loss that shrinks (from -100 to
    # -50) reads as a rise, not as a fall of 50%.
    pct = (
        100 * (forecast_mean - past_mean) / abs(past_mean)
        if forecast_mean is not None and past_mean
        else None
    )
    form = shape(data)
    level = pct is not None and abs(pct) <= LEVEL_BAND_PCT
    trend = strong_trend(data) if form is not None or level else None
    return Change(future, past, forecast_mean, past_mean, pct, form, trend)


def _mean(values: np.ndarray) -> float | None:
    values = values.astype(float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else None
