"""Numbers shown to people: separators, sensible decimals, never scientific notation.

Every page, table, chart and PDF formats its numbers here, in the signed-in user's
:class:`NumberStyle` (``1,234.5`` or ``1.234,5``). Files for programs (the API's CSV,
the workbook's cells) keep numbers as numbers and do not use this module.

Examples
--------
>>> format_number(60780.0), format_number(60780.123, NumberStyle.POINT_COMMA)
('60,780', '60.780')
>>> format_number(0.0123456), format_number(2.5, NumberStyle.POINT_COMMA)
('0.0123', '2,5')
>>> format_percent(8.123, signed=True), format_percent(-0.4, NumberStyle.POINT_COMMA)
('+8.1%', '-0,4%')

"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from numbers import Integral, Real

__all__ = [
    "DEFAULT_STYLE",
    "MISSING",
    "NumberStyle",
    "axis_format",
    "d3_format",
    "decimals_for",
    "format_number",
    "format_percent",
    "parse_style",
    "plotly_separators",
]

MISSING = "—"  # what a missing or infinite value reads as
SIGNIFICANT = 3  # digits kept below 1,000; larger numbers are shown whole


class NumberStyle(StrEnum):
    """How a number is written: each value is its own example."""

    COMMA_POINT = "1,234.5"
    """Comma between thousands, point before decimals (English)."""
    POINT_COMMA = "1.234,5"
    """Point between thousands, comma before decimals (most of Europe)."""

    @property
    def thousands(self) -> str:
        """The thousands separator."""
        return "," if self is NumberStyle.COMMA_POINT else "."

    @property
    def decimal(self) -> str:
        """The decimal mark."""
        return "." if self is NumberStyle.COMMA_POINT else ","

    @property
    def label(self) -> str:
        """The style in words, with an example, for a settings page."""
        if self is NumberStyle.COMMA_POINT:
            return "1,234.5 (comma between thousands, point before decimals)"
        return "1.234,5 (point between thousands, comma before decimals)"


DEFAULT_STYLE = NumberStyle.COMMA_POINT


def parse_style(value: str | None) -> NumberStyle:
    """The style a stored or submitted value names; the default for anything else.

    Examples
    --------
    >>> parse_style("1.234,5").name, parse_style(None).name, parse_style("x").name
    ('POINT_COMMA', 'COMMA_POINT', 'COMMA_POINT')

    """
    if value is None:
        return DEFAULT_STYLE
    try:
        return NumberStyle(value)
    except ValueError:
        return DEFAULT_STYLE


def decimals_for(value: float, significant: int = SIGNIFICANT) -> int:
    """Decimals that keep about ``significant`` digits; none from 100 up.

    Examples
    --------
    >>> decimals_for(60780.1), decimals_for(12.34), decimals_for(0.000123)
    (0, 1, 6)

    """
    size = abs(value)
    if size == 0 or not math.isfinite(size):
        return 0
    return max(0, significant - 1 - math.floor(math.log10(size)))


_SWAP = str.maketrans(",.", ".,")


def _localise(text: str, style: NumberStyle) -> str:
    """Python's ``1,234.5`` written in ``style``."""
    if style is NumberStyle.COMMA_POINT:
        return text
    return text.translate(_SWAP)


def _fixed(value: float, decimals: int, trim: bool) -> str:
    """``value`` with thousands grouping and ``decimals`` decimals, in Python's style.

    Fixed-point formatting never switches to an exponent, however large or small the
    number is.
    """
    text = f"{value:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # a negative number that rounds to zero reads as zero
    return text


def format_number(
    value: float | int | None,
    style: NumberStyle = DEFAULT_STYLE,
    digits: int | None = None,
) -> str:
    """A number for people: thousands separators, decimals by its size, no ``e``.

    Parameters
    ----------
    value
        The number; ``None``, NaN and infinities read as ``—``.
    style
        Which separators to use.
    digits
        Decimals to show, always (``digits=2``: ``0.50``). ``None`` chooses them by
        the size of the number: about three significant digits, none from 100 up,
        trailing zeros dropped, and whole numbers stay whole.

    Examples
    --------
    >>> format_number(1234567.8), format_number(12.345), format_number(1e-7)
    ('1,234,568', '12.3', '0.0000001')
    >>> format_number(1e12, NumberStyle.POINT_COMMA), format_number(48)
    ('1.000.000.000.000', '48')
    >>> format_number(-0.456, digits=2), format_number(None)
    ('-0.46', '—')

    """
    if value is None:
        return MISSING
    if isinstance(value, Integral) and not isinstance(value, bool):
        return _localise(f"{int(value):,}", style)
    if not isinstance(value, Real) or not math.isfinite(float(value)):
        return MISSING
    number = float(value)
    if digits is not None:
        return _localise(_fixed(number, max(0, digits), trim=False), style)
    if number.is_integer():
        return _localise(f"{int(number):,}", style)
    return _localise(_fixed(number, decimals_for(number), trim=True), style)


def format_percent(
    value: float | None,
    style: NumberStyle = DEFAULT_STYLE,
    signed: bool = False,
    digits: int | None = None,
) -> str:
    """A percentage (``value`` is in percent): one decimal below 10, none above.

    Examples
    --------
    >>> format_percent(4.83), format_percent(12.6), format_percent(1234.5)
    ('4.8%', '13%', '1,234%')
    >>> format_percent(0.25, digits=2), format_percent(None)
    ('0.25%', '—')

    """
    if value is None or not math.isfinite(value):
        return MISSING
    places = digits if digits is not None else 1 if abs(value) < 10 else 0
    text = _fixed(value, places, trim=False)
    if signed and not text.startswith("-"):
        text = f"+{text}"
    return f"{_localise(text, style)}%"


def plotly_separators(style: NumberStyle = DEFAULT_STYLE) -> str:
    """Plotly's ``layout.separators``: the decimal mark, then the thousands separator.

    Examples
    --------
    >>> plotly_separators(NumberStyle.COMMA_POINT), plotly_separators(
    ...     NumberStyle.POINT_COMMA
    ... )
    ('.,', ',.')

    """
    return style.decimal + style.thousands


def _largest(values: Iterable[object]) -> float | None:
    sizes = [
        abs(float(v))
        for v in values
        if isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(float(v))
    ]
    return max(sizes) if sizes else None


def d3_format(values: Iterable[object]) -> str:
    """A d3 format for hover labels of these values: grouped, decimals by their size.

    The separators themselves come from the figure's ``layout.separators``
    (:func:`plotly_separators`); ``~`` drops trailing zeros.

    Examples
    --------
    >>> d3_format([55000.5, 65000.25]), d3_format([0.12, -0.5]), d3_format([])
    (',.0f', ',.3~f', ',.3~f')

    """
    largest = _largest(values)
    if largest is None or largest == 0:
        return ",.3~f"
    places = decimals_for(largest)
    return ",.0f" if places == 0 else f",.{places}~f"


def axis_format(values: Iterable[object]) -> dict[str, object]:
    """Plotly axis settings that show these values in full: ``60,000``, not ``60k``.

    Tick labels keep Plotly's choice of ticks and decimals, without an exponent or a
    suffix, with thousands separators; hover labels use :func:`d3_format`.

    Examples
    --------
    >>> axis_format([60780.2])
    {'exponentformat': 'none', 'separatethousands': True, 'hoverformat': ',.0f'}

    """
    return {
        "exponentformat": "none",
        "separatethousands": True,
        "hoverformat": d3_format(values),
    }
