"""Tables built from Polars frames and service results."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from services.numbers import DEFAULT_STYLE, NumberStyle, format_number
from services.profiling import Profile

ROLE_COLORS = {
    "time": "primary",
    "numeric": "success",
    "categorical": "info",
    "identifier": "secondary",
    "boolean": "warning",
    "text": "secondary",
    "empty": "dark",
    "constant": "dark",
}


def small_table(
    children: list[Any], id_: str | None = None, class_name: str | None = "mb-0"
) -> dbc.Table:
    """The app's compact table: small rows lit under the pointer, scrolling sideways
    when too wide, no margin below (``class_name=None`` keeps Bootstrap's)."""
    named = {} if id_ is None else {"id": id_}
    dressed = {} if class_name is None else {"className": class_name}
    return dbc.Table(
        children, size="sm", hover=True, responsive=True, **named, **dressed
    )


def value_kind(dtype: str) -> str:
    """A column's storage type in plain words (``Float64`` → decimal numbers)."""
    for prefix, words in (
        ("Float", "decimal numbers"),
        ("Int", "whole numbers"),
        ("UInt", "whole numbers"),
        ("Datetime", "dates and times"),
        ("Date", "dates"),
        ("Boolean", "yes / no"),
        ("String", "text"),
    ):
        if dtype.startswith(prefix):
            return words
    return dtype


# A wide table lists this many columns; the rest are named in a closing row.
SHOWN_COLUMNS = 200


def columns_table(profile: Profile, style: NumberStyle = DEFAULT_STYLE) -> dbc.Table:
    """Each column with the role the app recognised and its missing values."""
    rows = [
        html.Tr(
            [
                html.Td(html.Strong(c.name)),
                html.Td(
                    dbc.Badge(
                        c.role,
                        color=ROLE_COLORS.get(c.role, "secondary"),
                        className="role-badge",
                    )
                ),
                html.Td(value_kind(c.dtype), className="text-secondary", title=c.dtype),
                html.Td(format_number(c.missing, style)),
                html.Td(", ".join(c.examples), className="text-secondary small"),
            ]
        )
        for c in profile.columns[:SHOWN_COLUMNS]
    ]
    hidden = len(profile.columns) - SHOWN_COLUMNS
    if hidden > 0:
        rows.append(
            html.Tr(
                html.Td(
                    f"… and {format_number(hidden, style)} more columns "
                    "(the Columns page lists them all).",
                    colSpan=5,
                    className="text-secondary",
                )
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in ("Column", "Recognised as", "Type", "Missing", "Examples")
            ]
        )
    )
    return small_table([head, html.Tbody(rows)])
