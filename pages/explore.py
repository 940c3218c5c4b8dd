"""Explore: trend, seasonality, stationarity and features, explained in plain words."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.explore import details_summary
from components.glossary import term
from components.shell import next_step, page_header
from services.features import COUNTRIES

dash.register_page(__name__, path="/explore", name="Explore", title="Explore", order=4)

METHODS = [
    {"label": "Robust STL", "value": "stl"},
    {"label": "Classical, additive", "value": "additive"},
    {"label": "Classical, multiplicative", "value": "multiplicative"},
]
TRANSFORMS = [
    {"label": "As it is", "value": "none"},
    {"label": "Log", "value": "log"},
    {"label": "Box-Cox", "value": "box-cox"},
    {"label": "Differencing", "value": "differencing"},
    {"label": "Seasonal differencing", "value": "seasonal differencing"},
]


def _control(
    label: object, id_: str, placeholder: str = "", **kwargs: object
) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=id_, className="small mb-0"),
            dcc.Dropdown(id=id_, clearable=False, placeholder=placeholder, **kwargs),
        ],
        md=2,
    )


def layout(**_query: str) -> html.Div:
    """Controls, the plain verdict, the charts, then the details for analysts."""
    return html.Div(
        [
            page_header("Explore", "Understand the series before choosing a model."),
            html.Div(id=ids.EXPLORE_DATASET_TEXT, className="mb-2"),
            dbc.Row(
                [
                    _control("Column", ids.EXPLORE_TARGET),
                    _control("Series", ids.EXPLORE_SERIES, "one series"),
                    _control(
                        ["Method (", term("decomposition", "decomposition"), ")"],
                        ids.EXPLORE_METHOD,
                        options=METHODS,
                        value="stl",
                    ),
                    _control(
                        ["Season length (", term("seasonality", "seasonality"), ")"],
                        ids.EXPLORE_PERIOD,
                        "the strongest",
                    ),
                    _control(
                        ["Show after a ", term("transform", "transform")],
                        ids.EXPLORE_TRANSFORM,
                        options=TRANSFORMS,
                        value="none",
                    ),
                ],
                className="g-2 mb-3",
            ),
            html.Div(
                [
                    dbc.Button(
                        "Analyse the whole series",
                        id=ids.EXPLORE_FULL_BUTTON,
                        color="outline-primary",
                        size="sm",
                        className="me-2",
                    ),
                    html.Span(id=ids.EXPLORE_FULL_STATUS, className="small"),
                ],
                id=ids.EXPLORE_FULL_ROW,
                style={"display": "none"},
                className="mb-2",
            ),
            dcc.Store(id=ids.EXPLORE_JOB_STORE),
            dcc.Store(id=ids.EXPLORE_FULL_RESULT),
            dcc.Interval(id=ids.EXPLORE_POLL, interval=1000, disabled=True),
            dbc.Card(
                dbc.CardBody(
                    [
                        dcc.Loading(html.Div(id=ids.EXPLORE_SUMMARY)),
                        dbc.Button(
                            "No transform needed",
                            id=ids.EXPLORE_USE_TRANSFORM,
                            color="primary",
                            size="sm",
                            disabled=True,
                            className="mt-2",
                        ),
                        html.Div(id=ids.EXPLORE_ALERT),
                    ]
                ),
                className="shadow-sm mb-3",
            ),
            dcc.Store(id=ids.EXPLORE_SUGGESTION_STORE),
            dbc.Card(
                dcc.Graph(id=ids.EXPLORE_DECOMPOSITION, config={"displaylogo": False}),
                className="shadow-sm mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(dbc.Card(dcc.Graph(id=ids.EXPLORE_SEASONAL)), lg=6),
                    dbc.Col(dbc.Card(dcc.Graph(id=ids.EXPLORE_BOX)), lg=6),
                ],
                className="g-3 mb-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader(
                        [
                            "Features the models can use: ",
                            term("lags", "lag"),
                            ", rolling statistics, calendar and holidays",
                        ]
                    ),
                    dbc.CardBody(
                        [
                            dbc.Row(
                                [
                                    dbc.Col(
                                        [
                                            dbc.Label(
                                                "Holidays of", className="small mb-0"
                                            ),
                                            dcc.Dropdown(
                                                id=ids.EXPLORE_COUNTRY,
                                                options=COUNTRIES,
                                                placeholder="No holidays",
                                            ),
                                        ],
                                        md=3,
                                    ),
                                    dbc.Col(
                                        [
                                            dbc.Label(
                                                "Rolling windows (points)",
                                                html_for=ids.EXPLORE_WINDOWS,
                                                className="small mb-0",
                                            ),
                                            dbc.Input(
                                                id=ids.EXPLORE_WINDOWS,
                                                placeholder="e.g. 7, 28",
                                                debounce=True,
                                                size="sm",
                                            ),
                                        ],
                                        md=3,
                                    ),
                                ]
                            ),
                            dcc.Loading(dcc.Graph(id=ids.EXPLORE_FEATURES_GRAPH)),
                        ]
                    ),
                ],
                className="shadow-sm mb-3",
            ),
            _details(),
            next_step("/models", "Next: forecast"),
        ]
    )


def _details() -> html.Details:
    """Tests, autocorrelation and feature values: closed until an analyst opens it."""
    return html.Details(
        [
            details_summary(),
            dbc.Card(
                [
                    dbc.CardHeader(["Is it ", term("stationary", "stationary"), "?"]),
                    dbc.CardBody(html.Div(id=ids.EXPLORE_STATIONARITY)),
                ],
                className="shadow-sm my-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader([term("ACF", "acf"), " and ", term("PACF", "pacf")]),
                    dcc.Graph(id=ids.EXPLORE_ACF, config={"displaylogo": False}),
                ],
                className="shadow-sm mb-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader("Feature values, the most recent points"),
                    dbc.CardBody(html.Div(id=ids.EXPLORE_FEATURES_TABLE)),
                ],
                className="shadow-sm",
            ),
        ],
        id=ids.EXPLORE_DETAILS,
        open=False,
        className="mb-3",
    )
