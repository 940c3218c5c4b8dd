"""Export: preview the report of a forecast, download it as CSV, Excel or PDF."""

import dash
import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.export import branding_card, preview_card
from components.shell import page_header

dash.register_page(__name__, path="/export", name="Export", title="Export", order=6)


def layout(**_query: str) -> html.Div:
    """The current dataset, its chosen run's preview and downloads, the branding,
    and every forecast of the dataset."""
    return html.Div(
        [
            page_header(
                "Export",
                "An Excel workbook to keep working in, and a PDF report to share.",
            ),
            html.Div(id=ids.EXPORT_DATASET_TEXT, className="mb-3"),
            dbc.Row(
                [dbc.Col(preview_card(), lg=8), dbc.Col(branding_card(), lg=4)],
                className="g-4",
            ),
            html.H2("Forecasts of this dataset", className="h5 mt-4"),
            html.Div(id=ids.EXPORT_LIST),
        ]
    )
