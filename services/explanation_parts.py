"""A forecast split into level, trend and season, each said in one plain sentence.

The history and the forecast are decomposed together with statsmodels' robust STL
(the season length of the data's frequency), so the parts describe the forecast the
user sees, whichever statistical model made it. Without a season (or with fewer than
two seasons of values) the trend is STL's without a seasonal part: a straight line
fitted by statsmodels' OLS over history and forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from services.calendars import Frequency
from services.numbers import DEFAULT_STYLE, NumberStyle, format_number, format_percent

# A trend smaller than this share of the level per step reads as flat.
FLAT_SHARE = 0.001
# A season whose largest swing is under this share of the level reads as none.
NO_SEASON_SHARE = 0.01
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Part:
    """One part of the forecast: ``level``, ``trend`` or ``season``.

    ``value`` is the level (in the data's units), the trend per step, or the season's
    highest point as a percentage above the level; ``sentence`` says it in words.
    """

    name: str
    value: float | None
    sentence: str


def per_step(frequency: Frequency | None) -> str:
    """How the data's step reads after a number: "a month", "each step".

    Examples
    --------
    >>> per_step(Frequency(unit="month", step=1)), per_step(None)
    ('a month', 'each step')

    """
    if frequency is None or frequency.step != 1:
        return "each step"
    unit = frequency.unit.replace("_", " ")
    return f"an {unit}" if unit[0] in "aeiou" or unit == "hour" else f"a {unit}"


def position_name(moment: Any, frequency: Frequency | None, season: int) -> str:
    """Which point of the season ``moment`` is, in words: "December", "Monday".

    Examples
    --------
    >>> position_name(date(2024, 12, 1), Frequency(unit="month", step=1), 12)
    'December'

    """
    unit = frequency.unit if frequency else ""
    if isinstance(moment, datetime | date):
        if unit == "month" and season == 12:
            return moment.strftime("%B")
        if unit == "quarter":
            return f"the {_ordinal((moment.month - 1) // 3 + 1)} quarter"
        if unit in ("day", "business_day") and season in (5, 7):
            return _DAYS[moment.weekday()]
        if unit == "week":
            return f"week {moment.isocalendar()[1]}"
        if unit == "hour" and isinstance(moment, datetime):
            return f"{moment.hour:02d}:00"
        if unit == "day" and season in (365, 366):
            return moment.strftime("%B %d").replace(" 0", " ")
    return "one point of the season"


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth"}.get(n, f"{n}th")


def split(
    history: np.ndarray,
    forecast: np.ndarray,
    times: list[Any],
    season: int,
    frequency: Frequency | None,
    style: NumberStyle = DEFAULT_STYLE,
) -> list[Part]:
    """The forecast's level, trend and season, each with one sentence.

    Parameters
    ----------
    history, forecast
        The series' values (regular, no gaps) and its forecast that follows them.
    times
        The times of the forecast's steps (to name the season's high and low points).
    season
        The season length in steps (1: none).

    Examples
    --------
    >>> months = [date(2025, m, 1) for m in range(1, 13)]
    >>> values = 100 + np.arange(48.0)
    >>> [p.name for p in split(values[:36], values[36:], months, 12, None)]
    ['level', 'trend', 'season']

    """
    whole = np.concatenate([history, forecast]).astype(float)
    h = len(forecast)
    trend, seasonal = _decompose(whole, season)
    level = float(np.mean(trend[-h:]))
    slope = float((trend[-1] - trend[-h]) / (h - 1)) if h > 1 else 0.0
    step = per_step(frequency)
    parts = [
        Part(
            "level",
            level,
            f"The level is about {format_number(_round(level), style)} {step} over "
            "the forecast.",
        ),
        _trend(slope, level, step, style),
    ]
    parts.append(_season(seasonal, times, level, season, frequency, style))
    return parts


def _round(value: float) -> float:
    """Three significant digits: a sentence says "about", not every digit."""
    if value == 0 or not np.isfinite(value):
        return value
    return float(round(value, 2 - int(np.floor(np.log10(abs(value))))))


def _decompose(values: np.ndarray, season: int) -> tuple[np.ndarray, np.ndarray]:
    """Trend and seasonal parts (robust STL), or an OLS line and no season."""
    if season >= 2 and len(values) >= 2 * season + 1:
        from statsmodels.tsa.seasonal import STL

        fitted = STL(values, period=season, robust=True).fit()
        return np.asarray(fitted.trend), np.asarray(fitted.seasonal)
    import statsmodels.api as sm

    steps = sm.add_constant(np.arange(len(values), dtype=float))
    line = sm.OLS(values, steps).fit().fittedvalues
    return np.asarray(line), np.zeros_like(values)


def _trend(slope: float, level: float, step: str, style: NumberStyle) -> Part:
    if abs(slope) <= FLAT_SHARE * abs(level) or slope == 0:
        return Part(
            "trend", 0.0, "The trend is flat: it adds almost nothing over time."
        )
    verb = "adds" if slope > 0 else "takes away"
    return Part(
        "trend",
        slope,
        f"The trend {verb} about {format_number(_round(abs(slope)), style)} {step}.",
    )


def _season(
    seasonal: np.ndarray,
    times: list[Any],
    level: float,
    season: int,
    frequency: Frequency | None,
    style: NumberStyle,
) -> Part:
    h = len(times)
    ahead = seasonal[-h:]
    swing = float(np.max(ahead) - np.min(ahead)) if h else 0.0
    if season < 2 or level == 0 or swing <= NO_SEASON_SHARE * abs(level):
        return Part("season", None, "Season: no repeating pattern moves the forecast.")
    high, low = int(np.argmax(ahead)), int(np.argmin(ahead))
    above = 100 * float(ahead[high]) / abs(level)
    below = 100 * float(-ahead[low]) / abs(level)
    high_name = position_name(times[high], frequency, season)
    low_name = position_name(times[low], frequency, season)
    if high_name == "one point of the season":
        return Part(
            "season",
            above,
            f"Season: the forecast swings by about {format_percent(above, style)} "
            "above and below the level as the season repeats.",
        )
    return Part(
        "season",
        above,
        f"Season: {high_name} is highest, {_against_level(above, style)}; "
        f"{low_name} is lowest, {_against_level(-below, style)}.",
    )


def _against_level(percent: float, style: NumberStyle) -> str:
    """Where a season's point lies against the level, in words: never "-8% above"."""
    if percent < 0:
        return f"about {format_percent(-percent, style)} below the level"
    return f"about {format_percent(percent, style)} above the level"
