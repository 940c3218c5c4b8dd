"""Column roles from values and names: codes, labels, identifiers, free text."""

from __future__ import annotations

import polars as pl
import pytest

from services.column_roles import names_a_code, number_role, text_role


@pytest.mark.parametrize(
    "name,code",
    [
        ("sku", True),
        ("Zip Code", True),
        ("StoreID", True),
        ("store_nr", True),
        ("Order No", True),
        ("Filiale", True),
        ("number", False),  # alone, a count as likely as a code
        ("number_of_items", False),
        ("paid", False),
        ("store_sales", False),
        ("", False),
    ],
)
def test_names_that_say_code(name: str, code: bool) -> None:
    assert names_a_code(name) is code


def test_numbers_named_as_codes() -> None:
    repeated = pl.Series("store", [3, 3, 7, 7])
    assert number_role(repeated, distinct=2, present=4) == "categorical"
    unique = pl.Series("order_id", [1, 2, 3, 4])
    assert number_role(unique, distinct=4, present=4) == "identifier"
    assert number_role(pl.Series("units", [3, 3, 7, 7]), 2, 4) == "numeric"
    assert number_role(pl.Series("store", [3.5, 3.0]), 2, 2) == "numeric"


def _text(values: list[str]) -> str:
    column = pl.Series("t", values)
    return text_role(column, column.n_unique(), column.len())


def test_text_roles() -> None:
    comments = [f"Customer called about order {i}, wants it sooner" for i in range(30)]
    assert _text(comments) == "text"
    assert _text([f"late delivery {i % 20}" for i in range(30)]) == "text"
    assert _text([f"Red Chair {i}" for i in range(30)]) == "identifier"
    assert _text([f"{10_000 + i:05d}" for i in range(30)]) == "identifier"
    assert _text([f"{1_000 + i % 100:05d}" for i in range(1_200)]) == "categorical"
    assert _text(["North", "South"] * 15) == "categorical"
