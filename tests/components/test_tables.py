"""Tables of columns: storage types said in plain words."""

from __future__ import annotations

from components.tables import value_kind


def test_types_are_named_in_plain_words() -> None:
    assert value_kind("Float64") == "decimal numbers"
    assert value_kind("UInt8") == value_kind("Int64") == "whole numbers"
    assert value_kind("Datetime(time_unit='us', time_zone=None)") == "dates and times"
    assert value_kind("Date") == "dates" and value_kind("String") == "text"
    assert value_kind("Boolean") == "yes / no"
    assert value_kind("Decimal(10, 2)") == "Decimal(10, 2)"  # unknown: as it is
