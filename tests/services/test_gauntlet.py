"""The gauntlet: generated awkward tables through the whole service path.

Properties: a table is forecast or refused with a message (only when too short); the
forecast continues each series' calendar from its own last time; every requested model
has a leaderboard row, none of which holds exception text; the range holds the value;
data that is never negative gets no negative range; the CSV, the workbook and the
report's words come out. ``benchmarks/gauntlet.py`` runs the whole matrix.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.gauntlet import (
    CALENDARS,
    EXCEPTION_TEXT,
    LENGTHS,
    PATTERNS,
    Table,
    run,
    values,
)

HORIZON = 3

tables = st.builds(
    Table,
    calendar=st.sampled_from(CALENDARS),
    length=st.sampled_from(LENGTHS),
    series=st.sampled_from([1, 3]),
    pattern=st.sampled_from(PATTERNS),
)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(table=tables)
def test_every_table_is_forecast_right_or_refused_plainly(table: Table) -> None:
    outcome = run(table, HORIZON)
    if outcome.refusal is not None:
        assert max(table.lengths()) < 4, outcome.refusal  # only a handful of points
        assert not EXCEPTION_TEXT.search(outcome.refusal)
        return
    result = outcome.result
    assert result is not None and outcome.profile is not None
    points = result.points
    # Each series continues its own calendar from its own last time.
    for number, count in enumerate(table.lengths()):
        if count < 4:
            continue  # too short: left out, with a note
        label = str(number + 1) if table.series > 1 else None
        own = points.filter(
            pl.col("series") == label if label else pl.col("series").is_null()
        )
        last = table.calendar.times(count, number)[-1]
        expected = table.calendar.continued(last, HORIZON)
        got = [pd.Timestamp(t) for t in own["time"].to_list()]
        assert got == expected, table.name
    # Every requested model has a row; no row holds exception text.
    keys = {row["model"] for row in result.leaderboard}
    assert {"naive", "auto_ets", "lightgbm", "linear_regression"} <= keys
    for row in result.leaderboard:
        for text in (row.get("error"), row.get("note")):
            assert not (text and EXCEPTION_TEXT.search(text)), text
    for board in result.series_leaderboards.values():
        for row in board:
            assert not EXCEPTION_TEXT.search(str(row.get("error") or ""))
    ordered = points.select(
        (pl.col("lower_95") <= pl.col("lower_80"))
        & (pl.col("lower_80") <= pl.col("forecast"))
        & (pl.col("forecast") <= pl.col("upper_80"))
        & (pl.col("upper_80") <= pl.col("upper_95"))
    )
    assert ordered.to_series().all()
    never_negative = all(
        (values(table.pattern, count, n) >= 0).all()
        for n, count in enumerate(table.lengths())
    )
    if never_negative:
        assert (points["lower_95"] >= 0).all()
    # The files and the words.
    csv = pl.read_csv(io.BytesIO(outcome.csv))
    assert csv.height == points.height
    book = openpyxl.load_workbook(io.BytesIO(outcome.workbook))
    assert {"Summary", "Forecast", "Backtest"} <= set(book.sheetnames)
    assert outcome.words and all(outcome.words)
    for text in [*outcome.words, *result.notes]:
        assert not EXCEPTION_TEXT.search(text), text
