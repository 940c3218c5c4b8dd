"""The executive summary says what the numbers say, and its caveats."""

from __future__ import annotations

import dataclasses

import polars as pl

from services.reports.content import ReportData, assemble
from services.reports.narrative import direction, number, percent, summarise


def test_headline_gives_direction_and_size_of_the_change(single: ReportData) -> None:
    recent = single.history["value"].tail(12).mean()
    ahead = single.points["forecast"].mean()
    change = 100 * (ahead / recent - 1)  # type: ignore[operator]
    text = summarise(single)
    assert text.headline == (
        f"“sales” is expected to rise by about {percent(change)} over the next "
        "12 months."
    )
    assert f"average of {number(ahead)}" in text.paragraphs[0]  # type: ignore[arg-type]
    assert "to Dec 2024" in text.paragraphs[0]


def test_range_at_the_end_of_the_horizon(single: ReportData) -> None:
    last = single.points.tail(1).row(0, named=True)
    paragraph = summarise(single).paragraphs[1]
    for key in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95"):
        assert number(last[key]) in paragraph


def test_reliability_from_the_backtests(single: ReportData) -> None:
    text = summarise(single)
    assert text.reliability == "good"
    assert "Tested on 3 earlier stretches" in text.paragraphs[2]
    assert "38% less error than simply repeating the last season" in text.paragraphs[2]
    worse = [dict(single.leaderboard[0], mase=1.3, coverage=0.4), single.leaderboard[1]]
    weak = summarise(dataclasses.replace(single, leaderboard=worse))
    assert weak.reliability == "weak"
    assert any("too narrow" in c for c in weak.caveats)


def test_caveats_name_cleaning_short_history_and_recent_change(
    single: ReportData,
) -> None:
    caveats = summarise(single).caveats
    assert any(c.startswith("Outliers treated: 3 unusual values") for c in caveats)
    assert "2 periods are missing." in caveats
    assert not any("Short history" in c or "Recent change" in c for c in caveats)

    short = single.history.tail(20)
    assert any(
        "Short history: 20 points" in c
        for c in summarise(assemble(dataclasses.replace(single, history=short))).caveats
    )
    # The latest fold misses by far more than the earlier ones: a recent change.
    backtests = single.backtests.with_columns(  # type: ignore[union-attr]
        pl.when(pl.col("fold") == 3)
        .then(pl.col("actual") * 1.6)
        .otherwise(pl.col("forecast"))
        .alias("forecast")
    )
    changed = assemble(dataclasses.replace(single, backtests=backtests))
    assert any("Recent change" in c for c in summarise(changed).caveats)


def test_many_series_are_summed_and_counted(many: ReportData) -> None:
    text = summarise(many)
    assert text.headline.startswith("The total of sales over 9 series is expected to")
    total_end = many.points.filter(pl.col("time") == pl.col("time").max())
    assert number(total_end["forecast"].sum()) in text.paragraphs[1]
    assert "Of the 9 series, 9 are expected to rise" in text.paragraphs[2]
    assert any("add up the ranges of the series" in c for c in text.caveats)


def test_words_for_numbers() -> None:
    assert direction(1.5) == "stay about level"
    assert direction(-3) == "fall" and direction(3) == "rise"
    assert number(1234567.8) == "1,234,568" and number(None) == "–"
    assert percent(8.123, signed=True) == "+8.1%" and percent(12.6) == "13%"
