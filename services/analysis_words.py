"""An analysis in plain words: the headline, the verdict and the suggested transform.

Everything a person reads on Explore (and in the report's summary of the history) is
written here, from the numbers :func:`services.analysis.analyse` found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services import calendars
from services.calendars import Frequency
from services.seasonality import CYCLES

if TYPE_CHECKING:
    from services.analysis import Analysis

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
    "random walk: models work better on how it changes than on its level.",
    "inconclusive": "The two tests disagree, so the data do not settle whether the "
    "level is steady; look at the chart and compare models.",
    # Trend-stationary by the tests while the headline finds no overall trend (see
    # :func:`verdict`): it comes back to its slow swings, not to a trend.
    "swinging": "The series varies around its slow swings and comes back to them: "
    "models that follow a changing level handle it well.",
}

# The verdict alone, without its advice: the suggested transform gives the advice
# when it is not the verdict's own (the swings come first, see :func:`explain`).
FINDINGS = {
    "stationary": "The series keeps a steady level",
    "trend-stationary": "The series follows a steady trend and varies around it",
    "difference-stationary": "The series wanders without returning to a level, like a "
    "random walk",
    "inconclusive": "The two tests disagree, so the data do not settle whether the "
    "level is steady",
    "swinging": "The series varies around its slow swings and comes back to them",
}
# Transforms for swings that change with the level, said after the finding.
EVENING_OUT = {
    "log": (
        "The swings of the series grow with the level.",
        "Suggested for the models: a log transform, which evens them out (forecasts "
        "come back in your units).",
    ),
    "box-cox": (
        "The swings of the series change with the level.",
        "Suggested for the models: a Box-Cox transform, which evens them out "
        "(forecasts come back in your units).",
    ),
}
# A log or Box-Cox transform leaves a wandering level wandering: say who handles it.
STILL_WANDERING = (
    "Models such as ARIMA then difference the series themselves to follow its "
    "wandering level."
)
DIFFERENCING = ("differencing", "seasonal differencing")

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


# The trend strength from which a flat trend reads as slow swings of the level.
SWINGS = 0.3


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
    if direction == "flat" and (result.trend_strength or 0) >= SWINGS:
        # A strong trend component that ends where it began: the level swings.
        swings = _degree(result.trend_strength)
        parts.append(f"{swings} slow swings but no overall trend")
    elif direction == "flat":
        parts.append("no clear trend")
    else:
        parts.append(f"{_degree(result.trend_strength)} {direction} trend")
    stationarity = verdict(result.stationarity, direction, result.trend_strength or 0.0)
    return ", ".join(parts) + ".", explain(stationarity, result.suggested_transform)


def verdict(
    stationarity: str | None, direction: str, trend_strength: float
) -> str | None:
    """The stationarity verdict worded by the headline's trend (one source of truth).

    The tests call a series "trend-stationary" when it varies around a deterministic
    path, which may be flat; the headline's trend comes from the decomposition. When
    the headline finds no overall trend, the verdict says so too: a steady level
    ("stationary") or, when the level swings slowly, ``swinging``.

    Examples
    --------
    >>> verdict("trend-stationary", "flat", 0.1)
    'stationary'
    >>> verdict("trend-stationary", "upward", 0.8)
    'trend-stationary'

    """
    if stationarity != "trend-stationary" or direction != "flat":
        return stationarity
    return "swinging" if trend_strength >= SWINGS else "stationary"


def explain(stationarity: str | None, transform: str) -> str:
    """The stationarity verdict and the suggested transform, in words that agree.

    The verdict's own advice ("use it as it is", "work on its changes") is given only
    when the transform suggested follows from it; otherwise the finding is said
    without advice and the transform's reason follows.

    Examples
    --------
    >>> explain("stationary", "none")
    'The series keeps a steady level and spread: models can use it as it is.'
    >>> "as it is" in explain("stationary", "log")
    False

    """
    if stationarity not in VERDICTS:  # too short or constant: not tested
        return SUGGESTIONS.get(transform, "")
    if transform == "none":
        return VERDICTS[stationarity]
    if transform in EVENING_OUT:
        swings, advice = EVENING_OUT[transform]
        words = f"{FINDINGS[stationarity]}. {swings} {advice}"
        if stationarity == "difference-stationary":
            words += " " + STILL_WANDERING
        return words
    if transform in DIFFERENCING and stationarity == "difference-stationary":
        return f"{VERDICTS[stationarity]} {SUGGESTIONS[transform]}"
    return f"{FINDINGS[stationarity]}. {SUGGESTIONS[transform]}"
