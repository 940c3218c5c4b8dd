"""Cleaning steps in sentences: every kind of step, planned and applied."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import polars as pl
import pytest

from services.calendars import Frequency
from services.cleaning import Layout, apply_recipe, parse_recipe
from services.cleaning_words import (
    STEP_TITLES,
    date_layout,
    describe,
    describe_changes,
    title,
)
from services.numbers import NumberStyle

MONTHLY = Frequency(unit="month", step=1)
QUARTERLY = Frequency(unit="quarter", step=1)
TECHNICAL = ("impute", "regularize", "resample", "deduplicate", "outliers", "_")


@pytest.mark.parametrize(
    ("step", "counts", "frequency", "expected"),
    [
        (
            {"op": "impute", "column": "sales", "method": "linear"},
            {"filled": 3},
            MONTHLY,
            "Filled 3 missing months of “sales” by linear interpolation.",
        ),
        (
            {"op": "impute", "column": "sales", "method": "seasonal"},
            {"filled": 1},
            None,
            "Filled 1 missing “sales” value with the same period one season earlier.",
        ),
        (
            {"op": "impute", "column": "sales", "method": "constant", "value": 0.0},
            {"filled": 2},
            Frequency(unit="minute", step=15),
            "Filled 2 missing “sales” values with the value 0.0.",
        ),
        (
            {"op": "impute", "column": "sales", "method": "linear", "max_gap": 2},
            {"filled": 0},
            MONTHLY,
            "No “sales” value was filled: none was missing (gaps of up to 2 months "
            "only).",
        ),
        (
            {"op": "impute", "column": "sales", "method": "drop"},
            {"rows_removed": 5},
            MONTHLY,
            "Removed 5 rows without a “sales” value.",
        ),
        (
            {"op": "regularize", "fill": "linear"},
            {"rows_added": 2, "filled": 2},
            MONTHLY,
            "Put the data on a regular monthly calendar (2 months added and filled "
            "by linear interpolation).",
        ),
        (
            {"op": "regularize", "frequency": {"unit": "day", "step": 1}, "fill": None},
            {"rows_added": 1},
            MONTHLY,
            "Put the data on a regular daily calendar (1 day added, left empty).",
        ),
        (
            {"op": "regularize", "fill": "linear"},
            {"rows_added": 0},
            QUARTERLY,
            "Checked the data against a regular quarterly calendar: no date was "
            "missing.",
        ),
        (
            {"op": "deduplicate", "keep": "sum"},
            {"rows_removed": 4},
            None,
            "Merged the rows that shared a date, adding up their values (4 rows "
            "fewer).",
        ),
        (
            {"op": "deduplicate", "keep": "first"},
            {"rows_removed": 0},
            None,
            "No date was repeated, so nothing was merged.",
        ),
        (
            {"op": "outliers", "column": "sales", "method": "hampel", "action": "clip"},
            {"clipped": 4, "flagged": 4},
            MONTHLY,
            "Capped 4 unusual “sales” values (far from their neighbours).",
        ),
        (
            {"op": "outliers", "column": "sales", "action": "interpolate"},
            {"filled": 1, "flagged": 1},
            MONTHLY,
            "Replaced 1 unusual “sales” value by linear interpolation (far outside "
            "the middle half of the values).",
        ),
        (
            {"op": "outliers", "column": "sales", "method": "zscore", "action": "flag"},
            {"flagged": 2},
            MONTHLY,
            "Marked 2 unusual “sales” values (many standard deviations from the "
            "average) in a new column “sales_outlier”.",
        ),
        (
            {"op": "outliers", "column": "sales", "method": "stl", "action": "clip"},
            {"flagged": 0},
            MONTHLY,
            "Found no unusual “sales” value (not explained by trend and season).",
        ),
        (
            {"op": "resample", "frequency": {"unit": "quarter", "step": 1}},
            {"rows_removed": 80},
            MONTHLY,
            "Changed the data to quarterly, adding up the values of each quarter "
            "(80 rows fewer).",
        ),
        (
            {"op": "resample", "frequency": {"unit": "week", "step": 1}, "agg": "max"},
            {"rows_removed": 0},
            None,
            "Changed the data to weekly, keeping the highest value of each week.",
        ),
        (
            {"op": "cast", "column": "units", "to": "integer"},
            {"unreadable": 3},
            None,
            "Read “units” as whole numbers (3 values could not be read and are "
            "missing).",
        ),
        (
            {"op": "parse_dates", "column": "day", "format": "%d/%m/%Y"},
            {},
            None,
            "Read “day” as dates written day/month/year.",
        ),
        (
            {"op": "rename", "column": "amt", "to": "sales"},
            {},
            None,
            "Renamed “amt” to “sales”.",
        ),
    ],
)
def test_an_applied_step_is_a_sentence_with_its_counts(
    step: dict[str, object],
    counts: dict[str, int],
    frequency: Frequency | None,
    expected: str,
) -> None:
    assert describe(step, counts, frequency) == expected


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            {"op": "impute", "column": "sales", "method": "rolling_mean", "window": 3},
            "Fill missing “sales” values with the average of the 3 values before.",
        ),
        (
            {"op": "impute", "column": "sales", "method": "drop"},
            "Remove the rows without a “sales” value.",
        ),
        (
            {"op": "regularize", "fill": "ffill"},
            "Put the data on a regular calendar at the data's own frequency, filling "
            "the added dates with the previous value.",
        ),
        (
            {"op": "deduplicate", "keep": "last"},
            "Merge the rows that share a date, keeping the last row.",
        ),
        (
            {"op": "outliers", "column": "sales", "action": "clip"},
            "Cap the unusual “sales” values (far outside the middle half of the "
            "values).",
        ),
        (
            {
                "op": "resample",
                "frequency": {"unit": "month", "step": 1},
                "agg": "mean",
            },
            "Change the data to monthly, averaging the values of each month.",
        ),
        (
            {"op": "cast", "column": "flag", "to": "boolean"},
            "Read “flag” as yes/no values.",
        ),
        (
            {"op": "parse_dates", "column": "t", "format": "%Y-%m-%d %H:%M"},
            "Read “t” as dates written year-month-day hour:minute.",
        ),
        ({"op": "rename", "column": "a", "to": "b"}, "Rename “a” to “b”."),
    ],
)
def test_a_planned_step_says_what_it_will_do(
    step: dict[str, object], expected: str
) -> None:
    assert describe(step) == expected


def test_every_kind_of_step_has_words_and_a_title_without_its_code() -> None:
    kinds = [
        {"op": "impute", "column": "x"},
        {"op": "regularize"},
        {"op": "deduplicate"},
        {"op": "outliers", "column": "x"},
        {"op": "resample", "frequency": {"unit": "month", "step": 1}},
        {"op": "cast", "column": "x", "to": "number"},
        {"op": "parse_dates", "column": "x", "format": "%Y"},
        {"op": "rename", "column": "x", "to": "y"},
    ]
    for step in kinds:
        parse_recipe([step])  # each is a valid step of the recipe
        for counts in (None, {"filled": 1, "rows_added": 1, "flagged": 1}):
            # Column names (quoted) are the user's; everything else is words.
            words = re.sub("“[^”]*”", "", describe(step, counts, MONTHLY))
            assert not any(code in words for code in TECHNICAL), words
        assert title(str(step["op"])) == STEP_TITLES[str(step["op"])]
    assert describe({"op": "something_new"}) == "Something new."


def test_a_recipe_applied_to_a_table_is_described_from_its_real_counts() -> None:
    months = [dt.date(2024, m, 1) for m in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12)]
    frame = pl.DataFrame(
        {"month": months, "sales": [10.0, None, 12, 13, 14, 500, 16, 17, 18, 19, 20]}
    )
    recipe = [
        {"op": "regularize", "fill": None},
        {"op": "impute", "column": "sales", "method": "linear"},
        {"op": "outliers", "column": "sales", "method": "hampel", "action": "clip"},
        {"op": "resample", "frequency": {"unit": "quarter", "step": 1}},
        {"op": "impute", "column": "sales", "method": "linear"},
    ]
    steps = parse_recipe(recipe)
    _out, changes = apply_recipe(frame, steps, Layout("month", [], MONTHLY))
    words = describe_changes(
        [s.model_dump() for s in steps],
        [dataclasses.asdict(c) for c in changes],
        MONTHLY,
    )
    assert words[0] == (
        "Put the data on a regular monthly calendar (1 month added, left empty)."
    )
    assert words[1] == "Filled 2 missing months of “sales” by linear interpolation."
    assert words[2].startswith("Capped 1 unusual “sales” value ")
    assert words[3] == (
        "Changed the data to quarterly, adding up the values of each quarter "
        "(8 rows fewer)."
    )
    # After the change of frequency, the data counts in quarters.
    assert words[4] == "No “sales” value was filled: none was missing."


def test_a_change_without_its_step_keeps_its_stored_words() -> None:
    changes = [{"step": 3, "description": "Did something."}]
    assert describe_changes([], changes) == ["Did something."]


def test_date_layouts_read_as_words() -> None:
    assert date_layout("%d.%m.%y") == "day.month.two-digit year"
    assert date_layout("%b %Y") == "month name year"


def test_a_planned_replacement_reads_in_order() -> None:
    step = {"op": "outliers", "column": "sales", "method": "hampel"}
    assert describe({**step, "action": "interpolate"}) == (
        "Replace the unusual “sales” values by linear interpolation (far from their "
        "neighbours)."
    )
    assert describe({**step, "action": "flag"}).startswith("Mark the unusual")
    gap = {"op": "impute", "column": "sales", "max_gap": 2.0}
    words = describe(gap, {"filled": 1}, MONTHLY)
    assert words.endswith("(gaps of up to 2 months only).")


def test_counts_are_written_in_the_reader_s_number_format() -> None:
    step = {"op": "impute", "column": "sales", "method": "linear"}
    recipe = [step, {"op": "regularize", "fill": None}]
    changes = [{"step": 1, "filled": 12_345}, {"step": 2, "rows_added": 2_000}]
    english = describe_changes(recipe, changes, MONTHLY)
    european = describe_changes(recipe, changes, MONTHLY, NumberStyle.POINT_COMMA)
    assert english[0].startswith("Filled 12,345 missing months")
    assert european[0].startswith("Filled 12.345 missing months")
    assert "(2.000 months added" in european[1]
    outliers = {"op": "outliers", "column": "sales", "action": "clip"}
    assert "Capped 1.500 unusual" in describe(
        outliers, {"flagged": 1_500}, None, NumberStyle.POINT_COMMA
    )


def test_newer_data_reads_as_added_not_as_a_code() -> None:
    # The recipe entry and change that services.appending stores for a newer file.
    added = {"op": "append", "file": "march.csv", "rows_added": 3, "values_revised": 1}
    assert describe(added, {"step": 1, "rows_added": 3}) == (
        "Newer data added from “march.csv” (3 rows added, 1 value updated)."
    )
    replaced = {"op": "replace", "file": "all.csv", "rows_removed": 2}
    assert describe(replaced, {"rows_added": 40, "rows_removed": 2}) == (
        "History replaced by the newer file “all.csv” (40 rows added, 2 rows of the "
        "old history removed)."
    )
    assert title("append") == "Add newer data"
    assert title("replace") == "Replace the history"
