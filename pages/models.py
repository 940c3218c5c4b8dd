"""Models: choose what to forecast, run it as a job, see and download the result."""

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.controls import labeled_field
from components.explanations import explanation_card
from components.hierarchy import hierarchy_form
from components.overrides import overrides_card
from components.scenarios import scenario_card
from components.shell import next_step, page_header
from components.tracking import track_card
from services.models import CATALOG, MANY_SERIES, ModelSpec

dash.register_page(__name__, path="/models", name="Models", title="Models", order=5)


def _model_option(spec: ModelSpec) -> dict[str, Any]:
    """A catalog entry to choose; one that cannot run here is shown, disabled, with
    whom to ask (administrators are pointed to Settings → System by
    ``callbacks.models``)."""
    if spec.available:
        return {"label": f"{spec.name} ({spec.family})", "value": spec.key}
    return {
        "label": f"{spec.name} ({spec.family}): not available here",
        "value": spec.key,
        "disabled": True,
        "title": spec.unavailable_reason,
    }


def _more_options() -> dbc.Accordion:
    """Drivers, backtest folds, ranking metric, transform, per-series choice."""
    options = dbc.Row(
        [
            labeled_field(
                "Drivers (columns that help explain the number)",
                dcc.Dropdown(
                    id=ids.MODELS_DRIVERS,
                    multi=True,
                    placeholder="None",
                ),
                6,
            ),
            labeled_field(
                "Backtest folds",
                dbc.Select(
                    id=ids.MODELS_FOLDS,
                    options=[{"label": "Automatic (up to 5)", "value": "auto"}]
                    + [{"label": str(n), "value": str(n)} for n in range(1, 11)],
                    value="auto",
                ),
            ),
            labeled_field(
                "Rank models by",
                dbc.Select(
                    id=ids.MODELS_METRIC,
                    options=[
                        {"label": label, "value": value}
                        for value, label in (
                            ("mase", "MASE (scaled error)"),
                            ("smape", "sMAPE (percent error)"),
                            ("mape", "MAPE"),
                            ("mae", "MAE (average error)"),
                            ("rmse", "RMSE"),
                            ("msis", "MSIS (range quality)"),
                        )
                    ],
                    value="mase",
                ),
            ),
            labeled_field(
                "Transform before fitting",
                dbc.Select(
                    id=ids.MODELS_TRANSFORM,
                    options=[
                        {"label": "As chosen on Explore", "value": "default"},
                        {"label": "None", "value": "none"},
                        {"label": "Log", "value": "log"},
                        {"label": "Box-Cox", "value": "box-cox"},
                        {"label": "Differencing", "value": "differencing"},
                        {
                            "label": "Seasonal differencing",
                            "value": "seasonal differencing",
                        },
                        {"label": "Scale to 0–1", "value": "scale"},
                    ],
                    value="default",
                ),
            ),
            labeled_field(
                "Several series",
                dbc.Switch(
                    id=ids.MODELS_PER_SERIES,
                    label="Best model for each series",
                    value=False,
                ),
                4,
            ),
        ],
        className="g-3",
    )
    return dbc.Accordion(
        dbc.AccordionItem(
            [
                options,
                html.P(
                    "Drivers are used by LightGBM, linear regression and the deep "
                    "learning models. Values in rows after the last value to forecast "
                    "(e.g. planned prices) are used as known future values; without "
                    "them only a driver's past is used.",
                    className="small text-secondary mt-2 mb-0",
                ),
            ],
            title="More options",
        ),
        start_collapsed=True,
        flush=True,
        className="mt-1",
    )


def layout(**_query: str) -> html.Div:
    """Settings, progress, result and the list of recent runs."""
    settings = dbc.Card(
        dbc.CardBody(
            [
                html.Div(id=ids.MODELS_DATASET_TEXT, className="mb-3"),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label(
                                    "Forecast this column", html_for=ids.MODELS_TARGET
                                ),
                                dcc.Dropdown(id=ids.MODELS_TARGET, clearable=False),
                            ],
                            md=5,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Steps ahead", html_for=ids.MODELS_HORIZON),
                                dbc.Input(
                                    id=ids.MODELS_HORIZON,
                                    type="number",
                                    min=1,
                                    max=1000,
                                    step=1,
                                    value=12,
                                ),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            dbc.Button(
                                [html.I(className="bi bi-play-fill me-1"), "Forecast"],
                                id=ids.MODELS_RUN_BUTTON,
                                color="primary",
                                className="w-100",
                            ),
                            md=4,
                            className="d-flex align-items-end",
                        ),
                    ],
                    className="g-3",
                ),
                dbc.Label(
                    "Models to compare", html_for=ids.MODELS_SELECT, className="mt-3"
                ),
                dcc.Dropdown(
                    id=ids.MODELS_SELECT,
                    multi=True,
                    options=[_model_option(s) for s in CATALOG.values()],
                    placeholder="Automatic (recommended): the strong statistical "
                    "models (with many series, one learnt from all of them) and "
                    "their combination",
                ),
                *(
                    html.P(
                        [
                            html.I(className="bi bi-info-circle me-1"),
                            s.unavailable_reason,
                        ],
                        className="small text-secondary mt-1 mb-0",
                        id={"type": ids.MODELS_UNAVAILABLE, "key": s.key},
                    )
                    for s in CATALOG.values()
                    if not s.available
                ),
                html.P(
                    "Each model forecasts earlier stretches of your history it did "
                    "not see (backtests). Automatic then forecasts with a weighted "
                    "average of the strong models (with "
                    f"{MANY_SERIES} series or more, also one model that learns from "
                    "all of them at once), each weighted by "
                    "how well it did on your data's recent past (unless one is "
                    "clearly more accurate), with ranges as wide as those backtests "
                    "showed.",
                    className="small text-secondary mt-2 mb-2",
                ),
                html.Div(id=ids.MODELS_PARAMS),
                _more_options(),
                hierarchy_form(),
            ]
        ),
        className="shadow-sm mb-3",
    )
    progress = html.Div(
        [
            dbc.Progress(
                id=ids.MODELS_PROGRESS,
                value=0,
                striped=True,
                animated=True,
                className="mb-2",
                style={"height": "1.25rem"},
            ),
            html.Div(
                [
                    html.Div(id=ids.MODELS_STATUS, className="me-auto"),
                    dbc.Button(
                        "Cancel",
                        id=ids.MODELS_CANCEL_BUTTON,
                        color="outline-danger",
                        size="sm",
                        disabled=True,
                    ),
                ],
                className="d-flex align-items-center",
            ),
        ],
        id=ids.MODELS_PROGRESS_BOX,
        className="mb-3",
        style={"display": "none"},  # shown once there is a run to follow
    )
    result = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=ids.MODELS_SERIES, clearable=False, placeholder="Series"
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        html.Div(id=ids.MODELS_DOWNLOADS, className="text-md-end"), md=8
                    ),
                ],
                className="g-2 mb-2 align-items-center",
            ),
            dcc.Graph(id=ids.MODELS_GRAPH, config={"displaylogo": False}),
            html.Div(id=ids.MODELS_SCORES),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(
                            id=ids.MODELS_BACKTEST_GRAPH, config={"displaylogo": False}
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        dcc.Graph(
                            id=ids.MODELS_STEP_GRAPH, config={"displaylogo": False}
                        ),
                        lg=5,
                    ),
                ],
                className="g-2",
            ),
            # What a planner does with a forecast first: change values, try a
            # scenario; then why the model says so; how it did once actuals come.
            overrides_card(),
            scenario_card(),
            explanation_card(),
            track_card(),
        ],
        id=ids.MODELS_RESULT,
        style={"display": "none"},
    )
    return html.Div(
        [
            page_header("Models", "Choose the number to forecast and how far ahead."),
            dcc.Store(id=ids.MODELS_JOB_STORE, storage_type="session"),
            dcc.Store(id=ids.MODELS_FORECAST_STORE),
            dcc.Interval(id=ids.MODELS_POLL, interval=1000, disabled=True),
            settings,
            html.Div(id=ids.MODELS_ALERT),
            progress,
            result,
            html.H2("Recent runs on this dataset", className="h5 mt-4"),
            html.Div(id=ids.MODELS_RUNS),
            next_step("/export", "Next: export"),
        ]
    )
