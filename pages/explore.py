"""Explore: trend, seasonality and stationarity in plain words (not built yet)."""

import dash
from dash import html

from components.shell import not_built

dash.register_page(__name__, path="/explore", name="Explore", title="Explore", order=4)


def layout(**_query: str) -> html.Div:
    """Say plainly that this step is coming, and where to go meanwhile."""
    return not_built(
        "Explore",
        [
            "see whether the series trends, repeats every week or year, or wanders",
            "split it into trend, seasonal pattern and the rest",
            "get a plain-language verdict and a suggested transformation",
        ],
        "Meanwhile the Upload page shows the frequency and date range the app found.",
        "/upload",
        "Go to Upload",
    )
