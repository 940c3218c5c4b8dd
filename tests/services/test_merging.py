"""Merging newer rows: the union with the newer values, counts, types that meet."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.errors import InvalidInputError
from services.merging import align_types, check_columns, merge_rows


@st.composite
def _split(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A table of two series cut into an old and a newer part that overlap."""
    times = draw(st.integers(2, 12))
    points = [(s, t) for s in ("a", "b") for t in range(times)]
    values = st.one_of(st.none(), st.integers(-3, 3).map(float))
    old_part = draw(st.lists(st.sampled_from(points), min_size=1, unique=True))
    new_part = draw(st.lists(st.sampled_from(points), min_size=1, unique=True))
    old = pl.DataFrame(
        [(s, t, draw(values)) for s, t in old_part],
        schema={"series": pl.String, "time": pl.Int64, "value": pl.Float64},
        orient="row",
    )
    new = pl.DataFrame(
        [(s, t, draw(values)) for s, t in new_part],
        schema=old.schema,
        orient="row",
    )
    return old, new


@settings(max_examples=200, deadline=None)
@given(_split(), st.booleans())
def test_appending_gives_the_union_with_the_newer_values(
    parts: tuple[pl.DataFrame, pl.DataFrame], replace: bool
) -> None:
    old, new = parts
    merged = merge_rows(old, new, ["series", "time"], replace=replace)
    before = {(s, t): v for s, t, v in old.iter_rows()}
    after = {(s, t): v for s, t, v in new.iter_rows()}
    expected = after if replace else before | after
    got = {(s, t): v for s, t, v in merged.frame.iter_rows()}
    assert merged.frame.height == len(got) == len(expected) and got == expected
    assert merged.rows_added == len(after.keys() - before.keys())
    assert merged.values_revised == sum(
        before[k] != after[k] for k in after.keys() & before.keys()
    )
    assert merged.rows_removed == (len(before.keys() - after.keys()) if replace else 0)


def test_repeated_points_in_a_file_all_replace_the_old_ones() -> None:
    old = pl.DataFrame({"time": [1, 2, 2, 3], "value": [1.0, 2.0, 2.5, 3.0]})
    new = pl.DataFrame({"time": [2, 2, 4], "value": [2.0, 2.6, 4.0]})
    merged = merge_rows(old, new, ["time"])
    assert merged.frame.rows() == [(1, 1.0), (2, 2.0), (2, 2.6), (3, 3.0), (4, 4.0)]
    assert (merged.rows_added, merged.values_revised) == (1, 1)


def test_columns_of_another_type_meet_where_no_value_is_lost() -> None:
    old = pl.DataFrame(
        {"t": [1], "n": [1], "d": [None]}, schema_overrides={"d": pl.Null}
    )
    new = pl.DataFrame({"n": [1.5], "t": [2], "d": ["x"]})
    a, b = align_types(old, new, "t")
    assert a.columns == b.columns == ["t", "n", "d"]
    assert a.schema == b.schema == {"t": pl.Int64, "n": pl.Float64, "d": pl.String}
    with pytest.raises(InvalidInputError):
        align_types(old, new.with_columns(t=pl.lit("soon")), "t")


def test_columns_are_matched_by_name_in_any_order() -> None:
    check_columns(["date", "sales"], ["sales", "date"])
    with pytest.raises(InvalidInputError) as refused:
        check_columns(["date", "store", "sales"], ["Date", "store", "sales", "note"])
    message = refused.value.message
    assert refused.value.code == "columns_mismatch"
    assert "lacks “date”" in message and "has “Date” and “note”" in message
