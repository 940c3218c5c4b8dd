"""Finding the columns that name the series of a long table."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from services.series_keys import KeyCandidate, find_series_key

MONTHS = [dt.date(2021 + i // 12, i % 12 + 1, 1) for i in range(36)]


def _candidates(frame: pl.DataFrame, codes: list[str]) -> list[KeyCandidate]:
    return [
        KeyCandidate(name, frame[name].n_unique(), code=name in codes)
        for name in frame.columns
        if name != "month"
    ]


def test_the_key_with_the_fewest_values_wins() -> None:
    rows = [(i, m, s) for i, m in enumerate(MONTHS) for s in (1, 2, 3)]
    half = len(MONTHS) // 2
    frame = pl.DataFrame(
        {
            "month": [m for _, m, _ in rows],
            # Each names a series per month too: a till per store and half of the
            # time (6), the manager per store and half (6); the store has 3.
            "till": [10 * s + (i < half) for i, _, s in rows],
            "manager": [f"{s}{'ab'[i < half]}" for i, _, s in rows],
            "store": [s for _, _, s in rows],
        }
    )
    candidates = _candidates(frame, ["till", "store"])
    assert [c.distinct for c in candidates] == [6, 6, 3]
    assert find_series_key(frame, "month", candidates) == ["store"]
    assert find_series_key(frame, "month", candidates[:2]) == ["manager"]


def test_a_label_wins_a_tie_with_a_code() -> None:
    rows = [(m, s) for m in MONTHS for s in (1, 2)]
    frame = pl.DataFrame(
        {
            "month": [m for m, _ in rows],
            "store_number": [s for _, s in rows],
            "store": ["North" if s == 1 else "South" for _, s in rows],
        }
    )
    candidates = _candidates(frame, ["store_number"])
    assert find_series_key(frame, "month", candidates) == ["store"]


def test_a_number_with_nearly_as_many_values_as_rows_is_a_measure() -> None:
    # Two sources wrote the same months: the measure makes each month unique, but
    # it is no key.
    rng = random.Random(2)
    frame = pl.DataFrame(
        {"month": MONTHS * 2, "sales": rng.sample(range(1_000, 9_000), 72)}
    )
    assert find_series_key(frame, "month", _candidates(frame, ["sales"])) == []


def test_a_price_that_changes_now_and_then_names_no_series() -> None:
    # The day a price changes is written twice, with the old and the new price.
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(60)]
    rows, price = [], 199
    for i, day in enumerate(days):
        if i and i % 15 == 0:
            rows.append((day, price))
            price += 50
        rows.append((day, price))
    frame = pl.DataFrame(rows, schema=["month", "price"], orient="row")
    assert find_series_key(frame, "month", _candidates(frame, ["price"])) == []


def test_two_columns_together_when_neither_alone_is_a_key() -> None:
    rows = [(m, r, p) for m in MONTHS for r in (1, 2) for p in (10, 20, 30)]
    frame = pl.DataFrame(rows, schema=["month", "region", "product"], orient="row")
    found = find_series_key(frame, "month", _candidates(frame, ["region", "product"]))
    assert found == ["region", "product"]


def test_unique_times_need_no_key() -> None:
    frame = pl.DataFrame({"month": MONTHS, "units": [i % 5 + 2 for i in range(36)]})
    assert find_series_key(frame, "month", _candidates(frame, ["units"])) == []


def test_a_small_count_beside_one_repeated_day_is_no_code() -> None:
    # Found by Hypothesis: 0..2 whose values happen to come in runs, and one day
    # written twice, looked like three series side by side.
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(12)]
    counts = [1, 1, 2, 2, 2, 1, 0, 1, 0, 1, 1, 1]
    frame = pl.DataFrame({"month": [*days, days[6]], "count": [*counts, counts[6] + 1]})
    assert find_series_key(frame, "month", _candidates(frame, ["count"])) == []


@settings(max_examples=25, deadline=None)
@given(
    times=st.integers(min_value=12, max_value=40),
    repeated=st.lists(st.integers(min_value=0, max_value=11), min_size=1, max_size=3),
    low=st.integers(min_value=0, max_value=50),
    width=st.integers(min_value=2, max_value=12),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_a_measure_never_splits_one_series_written_twice_here_and_there(
    times: int, repeated: list[int], low: int, width: int, seed: int
) -> None:
    # One daily series, some days written twice with another small whole number.
    rng = random.Random(seed)
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(times)]
    rows = [(day, rng.randint(low, low + width)) for day in days]
    for index in set(repeated):
        day, value = rows[index]
        rows.append((day, value + 1))
    frame = pl.DataFrame(rows, schema=["month", "count"], orient="row")
    assert find_series_key(frame, "month", _candidates(frame, ["count"])) == []
