"""Numbers for people: both styles, every finite float, never scientific notation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.numbers import (
    MISSING,
    NumberStyle,
    axis_format,
    d3_format,
    decimals_for,
    format_number,
    format_percent,
    parse_style,
    plotly_separators,
)

STYLES = st.sampled_from(list(NumberStyle))
FINITE = st.floats(allow_nan=False, allow_infinity=False)


def parse(text: str, style: NumberStyle) -> float:
    """Read a formatted number back, as a person in that style would."""
    return float(text.replace(style.thousands, "").replace(style.decimal, "."))


def shown_decimals(text: str, style: NumberStyle) -> int:
    return len(text.split(style.decimal)[1]) if style.decimal in text else 0


@given(FINITE, STYLES)
def test_never_an_exponent_and_parses_back_within_rounding(
    value: float, style: NumberStyle
) -> None:
    text = format_number(value, style)
    assert "e" not in text.lower()
    back = parse(text, style)
    # Rounded to the decimals shown: off by at most half of the last digit.
    assert abs(back - value) <= 0.5 * 10 ** -shown_decimals(text, style) * (1 + 1e-9)
    # Separators group thousands only: every group after the first has three digits.
    whole = text.lstrip("-").split(style.decimal)[0].split(style.thousands)
    assert all(len(group) == 3 for group in whole[1:])
    assert 1 <= len(whole[0]) <= 3


@given(FINITE, STYLES, st.integers(min_value=0, max_value=6))
def test_fixed_decimals_parse_back(
    value: float, style: NumberStyle, digits: int
) -> None:
    text = format_number(value, style, digits=digits)
    assert "e" not in text.lower()
    assert shown_decimals(text, style) == digits
    assert (
        abs(parse(text, style) - value)
        <= 0.5 * 10**-digits * (1 + 1e-9) + abs(value) * 1e-15
    )


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False), STYLES)
def test_about_three_significant_digits(value: float, style: NumberStyle) -> None:
    """Between 0.001 and a thousand, a number keeps its first three digits."""
    if not 1e-3 <= abs(value) < 1000:
        return
    back = parse(format_number(value, style), style)
    assert math.isclose(back, value, rel_tol=5e-3)


@given(FINITE, STYLES, st.booleans())
def test_percent_never_an_exponent(
    value: float, style: NumberStyle, signed: bool
) -> None:
    text = format_percent(value, style, signed=signed)
    assert text.endswith("%") and "e" not in text.lower()
    places = 1 if abs(value) < 10 else 0
    assert abs(parse(text[:-1], style) - value) <= 0.5 * 10**-places * (1 + 1e-9)


@pytest.mark.parametrize(
    ("value", "comma_point", "point_comma"),
    [
        (60780.0, "60,780", "60.780"),
        (60780.456, "60,780", "60.780"),
        (1e12, "1,000,000,000,000", "1.000.000.000.000"),
        (1e-7, "0.0000001", "0,0000001"),
        (-1234.6, "-1,235", "-1.235"),
        (12.345, "12.3", "12,3"),
        (0.012345, "0.0123", "0,0123"),
        (2.5, "2.5", "2,5"),
        (999.7, "1,000", "1.000"),
        (0, "0", "0"),
        (48, "48", "48"),
        (np.int64(1234567), "1,234,567", "1.234.567"),
        (np.float64(65000.25), "65,000", "65.000"),
        (None, MISSING, MISSING),
        (float("nan"), MISSING, MISSING),
        (float("inf"), MISSING, MISSING),
    ],
)
def test_examples_in_both_styles(
    value: float | None, comma_point: str, point_comma: str
) -> None:
    assert format_number(value) == comma_point
    assert format_number(value, NumberStyle.POINT_COMMA) == point_comma


def test_negative_values_rounding_to_zero_read_as_zero() -> None:
    assert format_number(-0.0001, digits=2) == "0.00"
    assert format_number(-0.0) == "0"


def test_percentages() -> None:
    assert format_percent(8.14, signed=True) == "+8.1%"
    assert format_percent(-12.6, NumberStyle.POINT_COMMA, signed=True) == "-13%"
    assert format_percent(4.56, NumberStyle.POINT_COMMA) == "4,6%"
    assert format_percent(2500.0) == "2,500%"
    assert format_percent(None) == MISSING


def test_styles_are_stored_by_their_example() -> None:
    assert parse_style("1.234,5") is NumberStyle.POINT_COMMA
    assert parse_style("1,234.5") is NumberStyle.COMMA_POINT
    assert parse_style(None) is NumberStyle.COMMA_POINT
    assert parse_style("garbage") is NumberStyle.COMMA_POINT


def test_plotly_settings() -> None:
    assert plotly_separators(NumberStyle.COMMA_POINT) == ".,"
    assert plotly_separators(NumberStyle.POINT_COMMA) == ",."
    assert d3_format([55_000.5, 65_000.0]) == ",.0f"
    assert d3_format([1.5, 2.25]) == ",.2~f"
    assert d3_format([0.000123]) == ",.6~f"
    assert d3_format([None, float("nan"), "x"]) == ",.3~f"
    axis = axis_format([60_000.0])
    assert axis["exponentformat"] == "none" and axis["separatethousands"] is True


@given(FINITE)
def test_decimals_keep_three_digits(value: float) -> None:
    places = decimals_for(value)
    assert places >= 0
    if value and abs(value) < 100:
        assert math.log10(abs(value)) + places >= 2 - 1e-9  # three digits shown
