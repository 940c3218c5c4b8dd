"""Single values far out of line with their neighbours: typos, not spikes."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from services.absurd_values import AbsurdValue, find_absurd_values

DAYS = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(120)]
SEEDS = st.integers(min_value=0, max_value=100_000)


def _found(values: list[float | None]) -> list[AbsurdValue]:
    frame = pl.DataFrame({"day": DAYS[: len(values)], "y": values})
    return find_absurd_values(frame, "day", ["y"], []).get("y", [])


def test_a_typo_is_named_with_its_time_value_and_series() -> None:
    rng = random.Random(4)
    stores = ["Berlin"] * 60 + ["Hamburg"] * 60
    days = DAYS[:60] * 2
    sales = [10_000 + rng.gauss(0, 800) for _ in range(120)]
    sales[60 + 17] = 1_000_000
    frame = pl.DataFrame({"store": stores, "day": days, "sales": sales})
    (typo,) = find_absurd_values(frame.reverse(), "day", ["sales"], ["store"])["sales"]
    assert (typo.time, typo.series, typo.value) == (
        DAYS[17],
        (("store", "Hamburg"),),
        1e6,
    )
    assert typo.message().startswith(
        "“sales” on 2023-01-18 (store Hamburg) is 1,000,000, about "
    )
    assert "typo" in typo.message()


def test_a_negative_typo_and_a_time_of_day() -> None:
    hours = [dt.datetime(2024, 3, 1) + dt.timedelta(hours=i) for i in range(48)]
    profit = [(-1) ** i * (500.0 + i) for i in range(48)]
    profit[30] = -75_000.0
    frame = pl.DataFrame({"hour": hours, "profit": profit})
    (typo,) = find_absurd_values(frame, "hour", ["profit"], [])["profit"]
    assert "on 2024-03-02 06:00 is -75,000, about 140 times" in typo.message()


def test_only_the_first_column_is_checked_in_a_large_table() -> None:
    def table(rows: int) -> pl.DataFrame:
        start = dt.datetime(2024, 1, 1)
        seconds = pl.datetime_range(
            start, start + dt.timedelta(seconds=rows - 1), "1s", eager=True
        )
        values = pl.Series([100.0] * rows).scatter(10, 10_000.0)
        return pl.DataFrame({"t": seconds, "a": values, "b": values})

    assert set(find_absurd_values(table(30), "t", ["a", "b"], [])) == {"a", "b"}
    assert set(find_absurd_values(table(1_200_000), "t", ["b", "a"], [])) == {"b"}


@settings(max_examples=30, deadline=None)
@given(
    level=st.floats(min_value=1, max_value=1e6),
    noise=st.floats(min_value=0, max_value=0.25),
    at=st.integers(min_value=0, max_value=59),
    seed=SEEDS,
)
def test_a_value_a_hundred_times_its_neighbours_is_found(
    level: float, noise: float, at: int, seed: int
) -> None:
    rng = random.Random(seed)
    values = [level * (1 + rng.uniform(-noise, noise)) for _ in range(60)]
    values[at] = 100 * level
    assert [f.time for f in _found(values)] == [DAYS[at]]


@settings(max_examples=30, deadline=None)
@given(
    share=st.floats(min_value=0.02, max_value=0.5),
    sizes=st.lists(st.integers(min_value=1, max_value=1_000), min_size=1, max_size=6),
    seed=SEEDS,
)
def test_intermittent_demand_is_not_a_typo(
    share: float, sizes: list[int], seed: int
) -> None:
    # Mostly zeros, with occasional orders of any size.
    rng = random.Random(seed)
    orders = [rng.choice(sizes) if rng.random() < share else 0 for _ in DAYS]
    assert _found([float(o) for o in orders]) == []


@settings(max_examples=30, deadline=None)
@given(
    start=st.floats(min_value=0.01, max_value=1e6),
    growth=st.floats(min_value=-0.2, max_value=0.3),
    noise=st.floats(min_value=0, max_value=0.2),
    seed=SEEDS,
)
def test_steady_growth_or_decline_is_not_a_typo(
    start: float, growth: float, noise: float, seed: int
) -> None:
    rng = random.Random(seed)
    values = [
        start * (1 + growth) ** i * (1 + rng.uniform(-noise, noise)) for i in range(80)
    ]
    assert _found(values) == []


@settings(max_examples=30, deadline=None)
@given(
    base=st.floats(min_value=1, max_value=1_000),
    spike=st.floats(min_value=20, max_value=200),
    every=st.integers(min_value=5, max_value=25),
    seed=SEEDS,
)
def test_recurring_spikes_are_not_typos(
    base: float, spike: float, every: int, seed: int
) -> None:
    # A big order now and then, on a steady base: spiky, not absurd.
    rng = random.Random(seed)
    values = [
        base
        * (spike * rng.uniform(0.5, 1.5) if i % every == 3 else rng.uniform(0.8, 1.2))
        for i in range(120)
    ]
    assert _found(values) == []


def test_infinite_and_missing_values_are_passed_over() -> None:
    values: list[float | None] = [10.0] * 30
    values[3], values[9], values[12] = float("inf"), float("nan"), None
    values[20] = 5_000.0
    assert [f.time for f in _found(values)] == [DAYS[20]]
