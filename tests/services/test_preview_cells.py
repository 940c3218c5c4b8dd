"""A rows preview written for people, with the values as read kept for tooltips."""

from __future__ import annotations

import datetime as dt

import polars as pl

from services.numbers import NumberStyle
from services.preview_cells import preview_cells


def test_numbers_get_separators_and_midnight_times_read_as_dates() -> None:
    rows = pl.DataFrame(
        {
            "when": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)],
            "store": [1001, 1002],
            "amount": [1234567.891, 2.5],
            "note": ["a", None],
        }
    )
    cells = preview_cells(rows, {"store": "identifier", "amount": "numeric"})
    assert cells.shown == [
        {"when": "2024-01-01", "store": "1001", "amount": "1,234,568", "note": "a"},
        {"when": "2024-01-02", "store": "1002", "amount": "2.5", "note": None},
    ]
    # What was read stays at hand where it reads differently, and only there.
    assert cells.read == [
        {"when": "2024-01-01 00:00:00", "amount": "1234567.891"},
        {"when": "2024-01-02 00:00:00"},
    ]


def test_the_users_number_format_and_times_to_the_minute() -> None:
    rows = pl.DataFrame(
        {
            "at": [dt.datetime(2024, 1, 1, 5, 30), None],
            "sales": [12345.5, None],
        }
    )
    cells = preview_cells(rows, {"sales": "numeric"}, NumberStyle.POINT_COMMA)
    assert cells.shown == [
        {"at": "2024-01-01 05:30", "sales": "12.346"},
        {"at": None, "sales": None},
    ]
    assert cells.read[0] == {"at": "2024-01-01 05:30:00", "sales": "12345.5"}
    assert cells.read[1] == {}
