"""Preparing series: own start and end, gaps filled and said, tiny ones left out."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from services.errors import InvalidInputError, SeriesTooShortError
from services.forecasting import forecast
from services.preparation import prepare
from services.profiling import Frequency, profile_table

MONTHLY = Frequency(unit="month", step=1)


def _months(store: str, first: int, count: int) -> pl.DataFrame:
    months = [
        date(2020 + (first + i) // 12, (first + i) % 12 + 1, 1) for i in range(count)
    ]
    return pl.DataFrame(
        {
            "month": months,
            "store": [store] * count,
            "sales": [50.0 + 10 * ((first + i) % 12 == 11) + i for i in range(count)],
        }
    )


def test_series_that_end_on_different_dates_continue_from_their_own_end() -> None:
    frame = pl.concat([_months("A", 0, 40), _months("B", 6, 30)])  # B ends later
    result = forecast(
        frame, "month", "sales", 3, MONTHLY, ["store"], models=[{"key": "naive"}]
    )
    starts = {
        row["series"]: row["time"]
        for row in result.points.group_by("series")
        .agg(pl.col("time").min())
        .iter_rows(named=True)
    }
    assert starts == {"A": date(2023, 5, 1), "B": date(2023, 1, 1)}
    assert result.points.group_by("series").len()["len"].to_list() == [3, 3]


def test_a_series_too_short_for_any_model_is_left_out_with_a_note() -> None:
    frame = pl.concat([_months("A", 0, 36), _months("B", 0, 3)])
    prepared = prepare(frame, "month", "sales", ["store"], MONTHLY)
    assert list(prepared.series) == ["A"]
    assert "Series B was left out: it has 3 values" in " ".join(prepared.notes)


def test_gaps_are_filled_and_named_up_to_thirty_percent() -> None:
    frame = _months("A", 0, 36).filter(~pl.col("month").is_in([date(2021, 3, 1)]))
    prepared = prepare(frame.drop("store"), "month", "sales", [], MONTHLY)
    assert len(prepared.series[None]) == 36
    assert prepared.notes == [
        "1 month without a value (2021-03-01) was filled in by linear interpolation "
        "for the models."
    ]
    sparse = _months("A", 0, 36).drop("store").gather_every(2)  # half the months
    with pytest.raises(InvalidInputError) as caught:
        prepare(sparse, "month", "sales", [], MONTHLY)
    assert caught.value.code == "too_many_gaps"
    assert "Cleaning page" in caught.value.message


def test_leading_and_trailing_empty_values_are_not_history() -> None:
    frame = _months("A", 0, 30).drop("store")
    values = frame["sales"].to_list()
    values[:4] = [None] * 4
    values[-2:] = [None, None]
    prepared = prepare(
        frame.with_columns(sales=pl.Series(values)), "month", "sales", [], MONTHLY
    )
    assert len(prepared.series[None]) == 24
    assert prepared.notes == []


def test_one_tiny_series_alone_is_refused_with_the_reason() -> None:
    with pytest.raises(SeriesTooShortError, match="it has 3 values"):
        prepare(_months("A", 0, 3).drop("store"), "month", "sales", [], MONTHLY)


def test_the_profile_counts_missing_months_and_the_forecast_fills_them() -> None:
    frame = (
        _months("A", 0, 36).drop("store").filter(pl.col("month") != date(2021, 6, 1))
    )
    profile = profile_table(frame)
    assert any("1 period is missing" in i.message for i in profile.issues)
    result = forecast(
        frame, "month", "sales", 2, profile.frequency, models=[{"key": "naive"}]
    )
    assert any("2021-06-01" in n for n in result.notes)
