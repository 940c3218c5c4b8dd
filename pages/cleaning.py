"""Cleaning: build a recipe of repairs, apply it as a new version, compare, go back."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.background import progress_row
from components.cleaning import OPS
from components.shell import next_step, page_header

dash.register_page(
    __name__, path="/cleaning", name="Cleaning", title="Cleaning", order=3
)


def _recipe_card() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader("Recipe"),
            dbc.CardBody(
                [
                    dbc.Label("Add a step", html_for=ids.CLEANING_OP),
                    dcc.Dropdown(
                        id=ids.CLEANING_OP,
                        options=[
                            {"label": label, "value": op} for op, label in OPS.items()
                        ],
                        value="impute",
                        clearable=False,
                    ),
                    html.Div(id=ids.CLEANING_PARAMS, className="my-2"),
                    html.Div(
                        [
                            dbc.Button(
                                [html.I(className="bi bi-plus-lg me-1"), "Add step"],
                                id=ids.CLEANING_ADD_BUTTON,
                                color="outline-primary",
                                size="sm",
                            ),
                            dbc.Button(
                                "Preview unusual values",
                                id=ids.CLEANING_PREVIEW_OUTLIERS,
                                color="link",
                                size="sm",
                            ),
                        ],
                        className="d-flex gap-2 mb-3",
                    ),
                    progress_row(
                        ids.CLEANING_PREVIEW_PROGRESS_ROW,
                        ids.CLEANING_PREVIEW_PROGRESS,
                        ids.CLEANING_PREVIEW_STEP,
                        ids.CLEANING_PREVIEW_CANCEL,
                    ),
                    html.Div(id=ids.CLEANING_RECIPE),
                    dcc.Dropdown(
                        id=ids.CLEANING_REUSE,
                        placeholder="…or reuse an earlier recipe",
                        className="mt-2",
                    ),
                    html.Div(
                        [
                            dbc.Button(
                                [html.I(className="bi bi-magic me-1"), "Apply recipe"],
                                id=ids.CLEANING_APPLY_BUTTON,
                                color="primary",
                                disabled=True,
                            ),
                            dbc.Button(
                                "Clear", id=ids.CLEANING_CLEAR_BUTTON, color="link"
                            ),
                        ],
                        className="d-flex gap-2 mt-3",
                    ),
                    html.Div(id=ids.CLEANING_ALERT, className="mt-3"),
                ]
            ),
        ],
        className="shadow-sm",
    )


def _compare_card() -> dbc.Card:
    def choice(label: str, id_: str) -> dbc.Col:
        return dbc.Col(
            [
                dbc.Label(label, html_for=id_, className="small mb-0"),
                # (an empty dropdown shows its placeholder: screen readers need a name)
                dcc.Dropdown(id=id_, clearable=False, placeholder="None"),
            ],
            md=3,
        )

    return dbc.Card(
        [
            dbc.CardHeader("Before / after"),
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            choice("Before", ids.CLEANING_BEFORE),
                            choice("After", ids.CLEANING_AFTER),
                            choice("Column", ids.CLEANING_VIEW_COLUMN),
                            choice("Series", ids.CLEANING_VIEW_SERIES),
                        ],
                        className="g-2",
                    ),
                    dcc.Loading(
                        dcc.Graph(id=ids.CLEANING_GRAPH, config={"displaylogo": False})
                    ),
                    html.Div(id=ids.CLEANING_COUNTS),
                ]
            ),
        ],
        className="shadow-sm",
    )


def layout(**_query: str) -> html.Div:
    """Recipe on the left, before/after on the right, versions below."""
    return html.Div(
        [
            page_header(
                "Cleaning",
                "Repair the data step by step. Every recipe makes a "
                "new version; the original is never changed.",
            ),
            html.Div(id=ids.CLEANING_DATASET_TEXT, className="mb-3"),
            dcc.Store(id=ids.CLEANING_RECIPE_STORE, data=[]),
            dcc.Store(id=ids.CLEANING_APPLIED_STORE),
            dbc.Row(
                [dbc.Col(_recipe_card(), lg=5), dbc.Col(_compare_card(), lg=7)],
                className="g-3",
            ),
            dbc.Card(
                [dbc.CardHeader("Versions"), html.Div(id=ids.CLEANING_VERSIONS)],
                className="shadow-sm mt-3",
            ),
            html.Div(
                [
                    dbc.Button(
                        [html.I(className="bi bi-trash me-1"), "Delete this dataset"],
                        id=ids.CLEANING_DELETE_BUTTON,
                        color="outline-danger",
                        size="sm",
                    ),
                    dcc.ConfirmDialog(
                        id=ids.CLEANING_DELETE_CONFIRM,
                        message=(
                            "Delete this dataset, all its versions and their "
                            "files? This cannot be undone."
                        ),
                    ),
                ],
                className="mt-4 text-end",
            ),
            next_step("/explore", "Next: explore"),
        ]
    )
