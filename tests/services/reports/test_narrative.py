"""The executive summary says what the numbers say, and its caveats."""

from __future__ import annotations

import dataclasses

import polars as pl

from services import analysis
from services.profiling import DataIssue
from services.reports.content import CleaningStep, ReportData, assemble
from services.reports.narrative import (
    NO_ISSUES,
    direction,
    findings,
    number,
    percent,
    summarise,
)
from tests.services.reports.conftest import seasonal_naive


def test_headline_says_what_it_compares(single: ReportData) -> None:
    recent = single.history["value"].tail(12).mean()
    ahead = single.points["forecast"].mean()
    change = 100 * (ahead / recent - 1)  # type: ignore[operator]
    text = summarise(single)
    assert text.change == (
        f"next 12 months vs the last 12 months: {percent(change, signed=True)}"
    )
    assert text.headline == f"“sales” is expected to rise ({text.change})."
    assert f"average of {number(ahead)}" in text.paragraphs[0]  # type: ignore[arg-type]
    assert "to Dec 2024" in text.paragraphs[0]
    assert text.trend_note is None


def test_a_repeat_of_last_year_on_a_trending_series_is_not_called_level(
    trending_naive: ReportData,
) -> None:
    text = summarise(trending_naive)
    assert text.change == "next 12 months vs the last 12 months: +0.0%"
    assert "stay about level" not in text.headline
    assert text.headline == (
        "“passengers”: Seasonal naive repeats the last 12 months, although the "
        "history has a strong upward trend "
        "(next 12 months vs the last 12 months: +0.0%)."
    )
    # The trend strength is Explore's number for the same series.
    explore = analysis.analyse(
        trending_naive.history, "time", "value", trending_naive.frequency
    )
    assert "strong upward trend" in explore.summary
    assert text.trend_note == (
        "Seasonal naive repeats the last 12 months, although the history has a strong "
        f"upward trend (trend strength {explore.trend_strength:.2f}, as Explore "
        "measures it). The backtests favoured it: it had the smallest error of the 2 "
        "models scored (MASE 0.95). If the trend goes on, the actual values will be "
        "higher than this forecast."
    )
    assert text.trend_note in text.paragraphs


def test_a_horizon_shorter_than_a_season_is_compared_with_a_year_earlier() -> None:
    data = seasonal_naive(horizon=6)
    text = summarise(data)
    # Jan–Jun 1961 against Jan–Jun 1960, not against Jul–Dec 1960.
    year_earlier = data.history.filter(
        pl.col("time").dt.year() == 1960, pl.col("time").dt.month() <= 6
    )["value"].mean()
    assert text.change == ("next 6 months vs the same 6 months a year earlier: +0.0%")
    assert (
        f"the average of the same 6 months a year earlier ({number(year_earlier)})"  # type: ignore[arg-type]
        in text.paragraphs[0]
    )


def test_a_model_the_backtests_did_not_favour_is_named_as_such(
    trending_naive: ReportData,
) -> None:
    board = [
        dict(trending_naive.leaderboard[0], mase=1.3),
        *trending_naive.leaderboard[1:],
    ]
    text = summarise(dataclasses.replace(trending_naive, leaderboard=board))
    assert text.trend_note is not None
    assert (
        "The backtests did not favour it: AutoETS (exponential smoothing) had a "
        "smaller error (MASE 1.08 against 1.3)." in text.trend_note
    )


def test_no_issues_only_when_the_upload_had_none_and_cleaning_changed_nothing(
    single: ReportData,
) -> None:
    untouched = dataclasses.replace(
        single,
        issues=[],
        cleaning=[CleaningStep(1, "impute", "Nothing to fill.", version=2)],
    )
    assert findings(untouched) == [NO_ISSUES]
    # The cleaned version shows no issue any more, but the upload listed one.
    cleaned = dataclasses.replace(
        untouched,
        upload_issues=[DataIssue(severity="warning", message="3 values are missing.")],
        cleaning=[CleaningStep(1, "impute", "Filled 3 missing values.", filled=3)],
    )
    assert findings(cleaned) == [
        "3 values are missing.",
        "Cleaning: Filled 3 missing values.",
    ]
    # Cleaning changed values although the upload listed nothing.
    assert findings(single) == [
        "Cleaning: Clipped 3 unusual values.",
        "Cleaning: Filled 2 missing values.",
        "After cleaning: 2 periods are missing.",
    ]


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
    assert (
        "Of the 9 series (next 12 months vs the last 12 months), 9 are expected to rise"
        in text.paragraphs[2]
    )
    assert any("add up the ranges of the series" in c for c in text.caveats)


def test_words_for_numbers() -> None:
    assert direction(1.5) == "stay about level"
    assert direction(-3) == "fall" and direction(3) == "rise"
    assert number(1234567.8) == "1,234,568" and number(None) == "—"
    assert percent(8.123, signed=True) == "+8.1%" and percent(12.6) == "13%"


def test_newer_data_is_listed_in_plain_words_not_as_cleaning(
    single: ReportData,
) -> None:
    from services.cleaning_words import describe_changes

    # What services.appending stores for a newer file, worded as the report does.
    recipe = [{"op": "append", "file": "march.csv", "rows_added": 3}]
    change = {"step": 1, "op": "append", "rows_added": 3}
    (sentence,) = describe_changes(recipe, [change])
    step = CleaningStep(1, "append", sentence, rows_added=3, version=2)
    added = dataclasses.replace(single, issues=[], cleaning=[step])
    assert findings(added) == ["Newer data added from “march.csv” (3 rows added)."]
    assert step.title == "Add newer data"
