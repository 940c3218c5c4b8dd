"""The Models page's Overrides card: change forecast values, each with a reason."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html
from dash.dash_table.Format import Format, Group, Scheme

from components import ids
from components.controls import labeled_field
from services.overrides import MAX_REASON

NUMBER = Format(precision=2, scheme=Scheme.fixed, group=Group.yes)


def values_table() -> dash_table.DataTable:
    """The shown series' steps: statistical value, your value and your reason."""
    return dash_table.DataTable(
        id=ids.OVERRIDES_TABLE,
        columns=[
            {"id": "when", "name": "Step", "editable": False},
            {
                "id": "statistical",
                "name": "Statistical forecast",
                "type": "numeric",
                "format": NUMBER,
                "editable": False,
            },
            {
                "id": "value",
                "name": "Your value",
                "type": "numeric",
                "format": NUMBER,
                "editable": True,
            },
            {"id": "reason", "name": "Reason (required)", "editable": True},
        ],
        data=[],
        editable=True,
        page_size=12,
        style_table={"overflowX": "auto"},
        style_cell={
            "fontFamily": "inherit",
            "fontSize": 14,
            "padding": "4px 8px",
            "textAlign": "left",
            "maxWidth": "28rem",
            "whiteSpace": "normal",
        },
        style_header={"fontWeight": 600},
        style_data_conditional=[
            {
                "if": {"column_id": ["value", "reason"]},
                "backgroundColor": "#f4f7ff",
            },
            {
                "if": {"filter_query": "{overridden} = 1", "column_id": "value"},
                "fontWeight": 600,
                "color": "#d9480f",
            },
        ],
    )


def percent_row() -> dbc.Row:
    """Change a range of steps by a percentage of their statistical value."""
    return dbc.Row(
        [
            labeled_field(
                "From step", dbc.Select(id=ids.OVERRIDES_FROM, options=[]), 2
            ),
            labeled_field("To step", dbc.Select(id=ids.OVERRIDES_TO, options=[]), 2),
            labeled_field(
                "Change by %",
                dbc.Input(
                    id=ids.OVERRIDES_PERCENT,
                    type="number",
                    step="any",
                    placeholder="+10 or -5",
                ),
                2,
            ),
            labeled_field(
                "Reason (required)",
                dbc.Input(
                    id=ids.OVERRIDES_PERCENT_REASON,
                    maxLength=MAX_REASON,
                    placeholder="e.g. promotion in these months",
                ),
                4,
            ),
            dbc.Col(
                dbc.Button(
                    "Apply",
                    id=ids.OVERRIDES_PERCENT_APPLY,
                    color="outline-primary",
                    className="w-100",
                ),
                md=2,
                className="d-flex align-items-end",
            ),
        ],
        className="g-2 mt-2",
    )


def overrides_card() -> dbc.Card:
    """The static card; callbacks fill the table for the series shown above."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Change forecast values", className="h5 card-title"),
                html.P(
                    "Type your own value where you know something the model does not "
                    "(a new contract, a promotion). A reason is required for every "
                    "changed value: it is kept with the value, shown on the chart and "
                    "in the exports. Clear a value to go back to the statistical "
                    "forecast.",
                    className="small text-secondary",
                ),
                html.Div(id=ids.OVERRIDES_ALERT),
                values_table(),
                dbc.Button(
                    "Save changes",
                    id=ids.OVERRIDES_SAVE,
                    color="primary",
                    size="sm",
                    className="mt-2",
                ),
                html.H3(
                    "Change several steps by a percentage", className="h6 mt-3 mb-0"
                ),
                percent_row(),
                dcc.Store(id=ids.OVERRIDES_SAVED_STORE, data=0),
            ]
        ),
        id=ids.OVERRIDES_CARD,
        className="shadow-sm mt-3",
    )
