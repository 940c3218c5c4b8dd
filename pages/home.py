"""The start page: what the app does and where to begin."""

import dash
import dash_bootstrap_components as dbc
from dash import html

from components import ids

dash.register_page(__name__, path="/", name="Home", title="Forecast Studio", order=0)

STEPS = [
    ("bi-cloud-arrow-up", "Upload", "A CSV or Excel file, or one of the samples."),
    ("bi-cpu", "Forecast", "The app compares models on your history and picks one."),
    (
        "bi-file-earmark-spreadsheet",
        "Download",
        "The forecast with its range as CSV, an Excel workbook, or a PDF report "
        "with a plain-language summary.",
    ),
]


def layout(**_query: str) -> html.Div:
    """Welcome, the three things to do, and the way in."""
    cards = [
        dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.I(className=f"bi {icon} fs-2 text-primary"),
                        html.H2(title, className="h5 mt-2"),
                        html.P(text, className="text-secondary mb-0"),
                    ]
                ),
                className="h-100 border-0 shadow-sm",
            ),
            md=4,
        )
        for icon, title, text in STEPS
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.H1(
                        "From history to a forecast you can defend",
                        className="display-6",
                    ),
                    html.P(
                        "Upload a table of history, let Forecast Studio recognise its "
                        "columns, "
                        "and get a forecast with an honest range of outcomes.",
                        className="lead text-secondary",
                    ),
                    # A sample to forecast in one click, for someone with no data yet.
                    html.Div(id=ids.HOME_START),
                    html.Div(id=ids.HOME_ALERT),
                    dbc.Button(
                        [html.I(className="bi bi-cloud-arrow-up me-2"), "Upload data"],
                        id=ids.HOME_UPLOAD,
                        href="/upload",
                        color="primary",
                        size="lg",
                        className="me-2",
                    ),
                    dbc.Button(
                        "See your runs",
                        href="/models",
                        color="outline-secondary",
                        size="lg",
                    ),
                ],
                className="hero py-4",
            ),
            dbc.Row(cards, className="g-3 mt-2"),
        ]
    )
