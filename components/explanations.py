"""The Models page's "Why the model says so" card: sentences and a small chart."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from services.explanations import Explanation, SeriesExplanation
from services.numbers import NumberStyle, format_percent

HINT = (
    "See what the forecast is made of: its level, trend and season, or what the "
    "model looks at most. It takes a few seconds the first time."
)


def explanation_card() -> dbc.Card:
    """The static card; a callback fills its body."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H2("Why the model says so", className="h5 mb-0 me-auto"),
                        dbc.Button(
                            [html.I(className="bi bi-lightbulb me-1"), "Explain"],
                            id=ids.EXPLAIN_BUTTON,
                            color="outline-primary",
                            size="sm",
                        ),
                    ],
                    className="d-flex align-items-center mb-2",
                ),
                dcc.Loading(
                    html.Div(
                        html.P(HINT, className="small text-secondary mb-0"),
                        id=ids.EXPLAIN_BODY,
                    )
                ),
                dcc.Graph(
                    id=ids.EXPLAIN_GRAPH,
                    config={"displaylogo": False},
                    style={"display": "none"},
                ),
            ]
        ),
        id=ids.EXPLAIN_CARD,
        className="shadow-sm mt-3",
    )


def _series(found: SeriesExplanation, several: bool, style: NumberStyle) -> list[Any]:
    children: list[Any] = []
    if several:
        children.append(html.H3(found.series or "", className="h6 mt-3"))
    children.append(html.P(found.sentence, className="mb-1"))
    if found.parts:
        children.append(html.Ul([html.Li(p.sentence) for p in found.parts]))
    for model in found.models:
        if len(found.models) > 1:
            weight = (
                f" ({format_percent(100 * model.weight, style)})"
                if model.weight is not None
                else ""
            )
            # The sentence starts with the name the bold label already gives.
            said = model.sentence.removeprefix(model.model_name + ": ")
            children.append(
                html.P(
                    [html.Strong(model.model_name + weight), ": ", said],
                    className="small mb-1",
                )
            )
        if model.features and model.kind == "inputs":
            reads = [html.Li(f.sentence) for f in model.features]
            children.append(html.Ul(reads, className="small"))
    return children


def explanation_body(found: Explanation, style: NumberStyle) -> list[Any]:
    """The explanation's sentences: summary, each series' parts and models."""
    several = len(found.series) > 1
    children: list[Any] = []
    if several:
        children.append(html.P(found.sentence, className="fw-semibold"))
    for series in found.series:
        children += _series(series, several, style)
    children += [html.P(note, className="small text-secondary") for note in found.notes]
    return children
