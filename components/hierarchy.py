"""The Models form's hierarchy choice: forecast the totals too, so they add up."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from services.hierarchy import METHOD_WORDS
from services.hierarchy_request import DEFAULT_RECONCILIATION


def hierarchy_form() -> html.Div:
    """A switch, the columns top to bottom, and the method under "Advanced".

    Hidden until the dataset has two or more columns that name series or groups
    (``callbacks.hierarchy`` shows it and fills the columns).
    """
    return html.Div(
        [
            dbc.Switch(
                id=ids.MODELS_HIERARCHY_ON,
                label="Forecast the totals too (totals add up)",
                value=False,
            ),
            html.P(
                "The grand total, each group and each series are forecast, then "
                "adjusted so that every total equals the sum of its parts.",
                className="small text-secondary mb-1",
            ),
            dbc.Label(
                "Levels, from the largest group down",
                html_for=ids.MODELS_HIERARCHY_COLUMNS,
                className="small mb-0",
            ),
            dcc.Dropdown(id=ids.MODELS_HIERARCHY_COLUMNS, multi=True),
            html.Details(
                [
                    html.Summary("Advanced: how the totals are made to add up"),
                    dbc.RadioItems(
                        id=ids.MODELS_RECONCILIATION,
                        options=[
                            {"label": words, "value": key}
                            for key, words in METHOD_WORDS.items()
                        ],
                        value=DEFAULT_RECONCILIATION,
                        className="small mt-1",
                    ),
                ],
                className="small mt-2",
            ),
        ],
        id=ids.MODELS_HIERARCHY_BOX,
        style={"display": "none"},
        className="mt-3",
    )
