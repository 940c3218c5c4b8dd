"""The Models page's What-if card: future driver values to edit, then the comparison."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import polars as pl
from dash import dash_table, dcc, html

from components import ids
from components.controls import labeled_field
from services.numbers import NumberStyle, format_number


def scenario_card() -> dbc.Card:
    """The static card; callbacks fill the grid, the reason, the chart and table."""
    icon = html.I(className="bi bi-shuffle me-1")
    compare = dbc.Button([icon, "Compare scenario"], id=ids.SCENARIO_COMPARE)
    editor = html.Div(
        [
            html.P(
                "Change the drivers' planned values below, name the scenario and "
                "compare: the same model forecasts again with your values, and the "
                "baseline stays as it is. Both are compared as the model made them, "
                "before any value changed by hand, so the difference is your "
                "drivers' alone.",
                className="small text-secondary",
            ),
            dash_table.DataTable(
                id=ids.SCENARIO_GRID,
                editable=True,
                style_table={"overflowX": "auto", "maxHeight": "18rem"},
                style_cell={
                    "fontFamily": "inherit",
                    "padding": "0.25rem 0.5rem",
                    "textAlign": "left",  # dates and values read from the left
                },
                style_header={"fontWeight": "600"},
            ),
            dbc.Row(
                labeled_field(
                    "Scenario name",
                    dbc.InputGroup(
                        [
                            dbc.Input(
                                id=ids.SCENARIO_NAME,
                                placeholder="e.g. “Promotion every month”",
                                maxLength=120,
                                value="What if",
                            ),
                            compare,
                        ],
                        size="sm",
                    ),
                    None,
                    names=ids.SCENARIO_NAME,
                ),
                className="mt-2",
            ),
        ],
        id=ids.SCENARIO_EDITOR,
        style={"display": "none"},
    )
    return dbc.Card(
        [
            dbc.CardBody(
                [
                    # Headed like the page's other cards.
                    html.H2("What if: change the drivers", className="h5 card-title"),
                    html.Div(id=ids.SCENARIO_REASON),
                    editor,
                    html.Div(id=ids.SCENARIO_STATUS, className="small mt-2"),
                    dcc.Store(id=ids.SCENARIO_JOB_STORE),
                    dcc.Store(id=ids.SCENARIO_RESULT_STORE),
                    dcc.Interval(id=ids.SCENARIO_POLL, interval=1000, disabled=True),
                    dcc.Graph(
                        id=ids.SCENARIO_GRAPH,
                        config={"displaylogo": False},
                        style={"display": "none"},
                    ),
                    html.Div(id=ids.SCENARIO_TABLE),
                ]
            ),
        ],
        id=ids.SCENARIO_CARD,
        className="shadow-sm mt-3",
    )


def grid(future: pl.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The grid's rows and columns: series (with several), step, one per driver."""
    drivers = [c for c in future.columns if c not in ("series", "time")]
    several = future["series"].drop_nulls().len() > 0
    columns = [
        *([{"name": "Series", "id": "series", "editable": False}] if several else []),
        {"name": "Time", "id": "time", "editable": False},
        *({"name": d, "id": d, "type": "numeric", "editable": True} for d in drivers),
    ]
    rows = [
        {**row, "time": row["time"].isoformat()} for row in future.iter_rows(named=True)
    ]
    return rows, columns


def differences_table(
    compared: pl.DataFrame, series: str | None, style: NumberStyle
) -> dbc.Table:
    """Each step: the baseline, the scenario and the difference (and in percent)."""
    if series is not None:
        compared = compared.filter(pl.col("series") == series)
    head = ["Time", "Baseline", "Scenario", "Difference", "Difference %"]
    body = [
        html.Tr(
            [
                html.Td(str(r["time"])),
                html.Td(format_number(r["baseline"], style, 2)),
                html.Td(format_number(r["scenario"], style, 2)),
                html.Td(_signed(r["difference"], style, 2)),
                html.Td(
                    "—"
                    if r["percent"] is None
                    else _signed(r["percent"], style, 1) + "%"
                ),
            ]
        )
        for r in compared.iter_rows(named=True)
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        size="sm",
        striped=True,
        className="mt-2",
    )


def _signed(value: float, style: NumberStyle, digits: int) -> str:
    """A change with its sign: ``+12.5``, ``−3.0``."""
    text = format_number(abs(value), style, digits)
    return ("+" if value > 0 else "−" if value < 0 else "") + text
