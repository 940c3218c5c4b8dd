"""Tables built from Polars frames and service results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import dash_bootstrap_components as dbc
import polars as pl
from dash import html

from services.profiling import Profile

ROLE_COLORS = {
    "time": "primary",
    "numeric": "success",
    "categorical": "info",
    "identifier": "secondary",
    "boolean": "warning",
    "text": "secondary",
    "empty": "light",
    "constant": "light",
}


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, datetime | date):
        return (
            value.isoformat(sep=" ")
            if isinstance(value, datetime)
            else value.isoformat()
        )
    return str(value)


def frame_table(frame: pl.DataFrame, max_rows: int = 10) -> dbc.Table:
    """The first rows of a frame as a compact striped table."""
    head = html.Thead(html.Tr([html.Th(c) for c in frame.columns]))
    body = html.Tbody(
        [
            html.Tr([html.Td(_cell(v)) for v in row])
            for row in frame.head(max_rows).iter_rows()
        ]
    )
    return dbc.Table(
        [head, body],
        striped=True,
        hover=True,
        size="sm",
        responsive=True,
        className="preview-table mb-0",
    )


def columns_table(profile: Profile) -> dbc.Table:
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
                html.Td(c.dtype, className="text-secondary"),
                html.Td(f"{c.missing:,}"),
                html.Td(", ".join(c.examples), className="text-secondary small"),
            ]
        )
        for c in profile.columns
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in ("Column", "Recognised as", "Type", "Missing", "Examples")
            ]
        )
    )
    return dbc.Table(
        [head, html.Tbody(rows)],
        size="sm",
        hover=True,
        responsive=True,
        className="mb-0",
    )
