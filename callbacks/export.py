"""Export page: list the user's forecasts with their download links."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html
from flask_login import current_user

from components import ids
from services import datasets, forecasts


@callback(Output(ids.EXPORT_LIST, "children"), Input(ids.URL, "pathname"))
def list_downloads(_path: str | None) -> html.Div:
    """The signed-in user's forecasts, newest first, each with CSV and Excel links."""
    user_id = int(current_user.id)
    items = forecasts.list_forecasts(user_id)
    if not items:
        return dbc.Alert(
            ["No forecasts yet. ", html.A("Make one", href="/models"), "."],
            color="info",
        )
    names = {d.id: d.name for d in datasets.list_datasets(user_id)}
    rows = [
        html.Tr(
            [
                html.Td(f.created_at.strftime("%Y-%m-%d %H:%M")),
                html.Td(names.get(f.dataset_id, "—")),
                html.Td(f.target),
                html.Td(f"{f.horizon} steps"),
                html.Td(f.model_name),
                html.Td(
                    [
                        html.A(
                            label,
                            href=f"/files/forecasts/{f.id}.{fmt}",
                            className="me-3",
                        )
                        for fmt, label in (("csv", "CSV"), ("xlsx", "Excel"))
                    ]
                ),
            ]
        )
        for f in items
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in ("Made", "Dataset", "Target", "Horizon", "Model", "Download")
            ]
        )
    )
    return dbc.Card(
        dbc.Table(
            [head, html.Tbody(rows)], hover=True, responsive=True, className="mb-0"
        ),
        className="shadow-sm",
    )
