"""Columns: confirm or change what each column is, the time column and the target."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.shell import next_step, page_header

dash.register_page(__name__, path="/columns", name="Columns", title="Columns", order=2)


def _choice(label: str, id_: str, help_text: str, multi: bool = False) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=id_),
            # (an empty dropdown shows its placeholder: screen readers need a name)
            dcc.Dropdown(
                id=id_,
                multi=multi,
                clearable=multi,
                placeholder="None" if multi else "Choose a column",
            ),
            dbc.FormText(help_text),
        ],
        md=4,
    )


def layout(**_query: str) -> html.Div:
    """The three main choices, then every column's role; saved with the dataset."""
    return html.Div(
        [
            page_header(
                "Columns",
                "Check what the app recognised and correct it. Your "
                "choices are saved with the dataset and used by every later step.",
            ),
            html.Div(id=ids.COLUMNS_DATASET_TEXT, className="mb-3"),
            dbc.Card(
                dbc.CardBody(
                    dbc.Row(
                        [
                            _choice(
                                "Time column",
                                ids.COLUMNS_TIME,
                                "The dates or times of each row.",
                            ),
                            _choice(
                                "Forecast this column",
                                ids.COLUMNS_TARGET,
                                "The number you want to predict.",
                            ),
                            _choice(
                                "Series column(s)",
                                ids.COLUMNS_SERIES,
                                "Name each series in a long table (store, region).",
                                multi=True,
                            ),
                        ],
                        className="g-3",
                    )
                ),
                className="shadow-sm mb-3",
            ),
            dbc.Card(
                [dbc.CardHeader("What each column is"), html.Div(id=ids.COLUMNS_ROLES)],
                className="shadow-sm mb-3",
            ),
            dbc.Button(
                [html.I(className="bi bi-check2 me-1"), "Save choices"],
                id=ids.COLUMNS_SAVE_BUTTON,
                color="primary",
                disabled=True,
            ),
            html.Div(id=ids.COLUMNS_ALERT, className="mt-3"),
            next_step("/cleaning", "Next: clean"),
        ]
    )
