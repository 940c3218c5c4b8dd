"""Cleaning: repair recipes with a before/after view (not built yet)."""

import dash
from dash import html

from components.shell import not_built

dash.register_page(
    __name__, path="/cleaning", name="Cleaning", title="Cleaning", order=3
)


def layout(**_query: str) -> html.Div:
    """Say plainly that this step is coming, and where to go meanwhile."""
    return not_built(
        "Cleaning",
        [
            "fill missing values and missing dates, remove duplicates",
            "find outliers and decide what to do with them, seeing each point first",
            "compare before and after; every change is a new version, nothing is lost",
        ],
        "Meanwhile the forecast fills a few missing periods by interpolation and tells "
        "you when it did.",
        "/models",
        "Go to Models",
    )
