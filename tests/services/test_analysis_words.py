"""The plain words of an analysis: the verdict and the suggested transform agree."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from services.analysis import Analysis, analyse
from services.analysis_words import VERDICTS, describe, explain, season_name
from services.calendars import Frequency
from tests.conftest import SAMPLES

TRANSFORMS = ("none", "log", "box-cox", "differencing", "seasonal differencing")
# The words that name each transform in an explanation.
NAMES = {
    "log": "log transform",
    "box-cox": "Box-Cox",
    "differencing": "differencing",
    "seasonal differencing": "seasonal differencing",
}


def _named(words: str) -> set[str]:
    """The transforms an explanation recommends by name."""
    named = {t for t, name in NAMES.items() if name in words}
    if "seasonal differencing" in named and words.count("differencing") == 1:
        named.discard("differencing")  # only inside "seasonal differencing"
    return named


def test_a_wandering_series_whose_swings_grow_is_not_told_to_difference() -> None:
    air = pl.read_csv(SAMPLES / "air_passengers.csv", try_parse_dates=True)
    result = analyse(air, "month", "passengers", Frequency(unit="month", step=1))
    assert result.suggested_transform == "log"
    assert result.stationarity == "difference-stationary"
    words = result.explanation
    assert _named(words) == {"log"}, words
    assert "like a random walk" in words and "grow with the level" in words
    assert "changes from one period to the next" not in words


@pytest.mark.parametrize(
    ("stationarity", "transform"),
    itertools.product([*VERDICTS, None], TRANSFORMS),
)
def test_the_explanation_recommends_only_the_suggested_transform(
    stationarity: str | None, transform: str
) -> None:
    words = explain(stationarity, transform)
    assert _named(words) == ({transform} - {"none"}), words
    if transform != "none":
        assert "as it is" not in words
        assert words.count("Suggested for the models") == 1


@pytest.mark.parametrize(
    ("frequency", "period", "words"),
    [
        (Frequency(unit="week", step=1), 52, "yearly"),
        (Frequency(unit="week", step=1), 12, "12-week"),
        (Frequency(unit="business_day", step=1), 5, "weekly"),
        (Frequency(unit="minute", step=15), 96, "daily"),
        (Frequency(unit="second", step=1), 60, "60-second"),
    ],
)
def test_seasons_are_named_for_the_frequency(
    frequency: Frequency, period: int, words: str
) -> None:
    assert season_name(period, frequency) == words


@pytest.mark.parametrize(
    ("direction", "strength", "headline", "said"),
    [
        ("flat", 0.1, "No repeating pattern, no clear trend.", "keeps a steady level"),
        (
            "flat",
            0.5,
            "No repeating pattern, moderate slow swings but no overall trend.",
            "varies around its slow swings",
        ),
        ("upward", 0.8, "No repeating pattern, strong upward trend.", "steady trend"),
    ],
)
def test_the_verdict_names_a_trend_only_when_the_headline_does(
    direction: str, strength: float, headline: str, said: str
) -> None:
    result = Analysis(
        target="sales",
        series=None,
        points=48,
        analysed_points=48,
        frequency=Frequency(unit="month", step=1),
        season_lengths=[],
        trend_strength=strength,
        trend_direction=direction,  # type: ignore[arg-type]
        stationarity="trend-stationary",
        summary="",
    )
    summary, explanation = describe(result)
    assert summary == headline
    assert said in explanation
    if direction == "flat":
        assert "trend" not in explanation, explanation
