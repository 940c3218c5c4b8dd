"""Columns: confirm the roles the app recognised (not built yet)."""

import dash
from dash import html

from components.shell import not_built

dash.register_page(__name__, path="/columns", name="Columns", title="Columns", order=2)


def layout(**_query: str) -> html.Div:
    """Say plainly that this step is coming, and where to go meanwhile."""
    return not_built(
        "Columns",
        [
            "confirm or change what each column is (time, number, category…)",
            "choose the column to forecast and the column that names each series",
            "keep those choices with the dataset for every later step",
        ],
        "Meanwhile the app uses the roles it recognised on upload; you can choose the "
        "column to forecast on the Models page.",
        "/models",
        "Go to Models",
    )
