"""Models page, "Why the model says so": explain the shown forecast on demand.

A plain callback under a spinner: statistical forecasts are explained in well under
a second; LightGBM and linear regression are refit for SHAP in a few seconds at the
benchmark sizes, once (the result is kept next to the forecast, and shown at once on
the next visit).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, callback
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from components.explanations import HINT, explanation_body
from services import explanations, users
from services.errors import NotFoundError, ServiceError
from services.explanation_figures import importance_chart

HIDDEN = {"display": "none"}


@callback(
    Output(ids.EXPLAIN_BODY, "children"),
    Output(ids.EXPLAIN_GRAPH, "figure"),
    Output(ids.EXPLAIN_GRAPH, "style"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
    Input(ids.EXPLAIN_BUTTON, "n_clicks"),
)
def show_explanation(ref: dict[str, Any] | None, clicks: int | None) -> Any:
    """The kept explanation of the shown forecast; once Explain is pressed, the
    shown forecast's is computed (this one's, and those shown after it)."""
    if not ref:
        raise PreventUpdate
    user_id = int(current_user.id)
    style = users.number_style(user_id)
    try:
        if clicks:
            found = explanations.explain(user_id, ref["forecast_id"], style)
        else:
            found = explanations.cached(user_id, ref["forecast_id"], style)
    except NotFoundError as exc:
        raise PreventUpdate from exc
    except ServiceError as exc:
        return dbc.Alert(exc.message, color="warning"), go.Figure(), HIDDEN
    if found is None:
        return HINT, go.Figure(), HIDDEN
    shares = explanations.shares(found)
    if not shares:
        return explanation_body(found, style), go.Figure(), HIDDEN
    return explanation_body(found, style), importance_chart(shares, style), {}
