"""What a report gathers: the per-series summary compares like with like."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from services import versions
from services.reports import content
from services.reports.content import ReportData, assemble, comparison_lag
from tests.conftest import TEST_DATA, make_dataset


def test_comparison_lag_uses_whole_seasons() -> None:
    assert [comparison_lag(12, h, 48) for h in (12, 6, 18, 24)] == [12, 12, 24, 24]
    assert comparison_lag(1, 5, 48) == 5  # no season: the last as many points
    assert comparison_lag(12, 6, 10) == 6  # too short for a year: the last 6


def test_each_series_is_compared_with_the_same_months_a_year_earlier(
    many: ReportData,
) -> None:
    points = many.points.group_by("series", maintain_order=True).head(6)
    half = assemble(dataclasses.replace(many, horizon=6, points=points), False)
    assert half.lag == 12
    for row in half.summary.iter_rows(named=True):
        past = half.history.filter(
            pl.col("series") == row["series"],
            pl.col("time").dt.year() == 2023,  # the forecast is Jan–Jun 2024
            pl.col("time").dt.month() <= 6,
        )["value"]
        assert row["past_mean"] == pytest.approx(past.mean())
        assert row["change_pct"] == pytest.approx(
            100 * (row["forecast_mean"] / row["past_mean"] - 1)
        )


def test_cleaning_steps_are_told_in_words_from_the_versions(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    first = versions.create_version(
        owner, info.id, None, [{"op": "regularize", "fill": "linear"}]
    )
    versions.create_version(
        owner,
        info.id,
        None,
        [{"op": "outliers", "column": "sales", "method": "iqr", "action": "clip"}],
    )
    chain = versions.list_versions(owner, info.id)
    steps = content._cleaning(chain)
    added = first.changes[0]["rows_added"]
    assert [(s.version, s.title) for s in steps] == [
        (2, "Insert missing dates"),
        (3, "Treat unusual values"),
    ]
    assert steps[0].description == (  # gaps.csv is daily, with days missing
        f"Put the data on a regular daily calendar ({added} days added and filled "
        "by linear interpolation)."
    )
    assert steps[1].description.startswith("Found no unusual “sales” value")
    assert steps[1].op == "outliers"  # the code stays for the narrative's counts
