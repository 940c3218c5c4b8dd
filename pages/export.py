"""Export: download finished forecasts (the PDF report comes later)."""

import dash
import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.shell import page_header

dash.register_page(__name__, path="/export", name="Export", title="Export", order=6)


def layout(**_query: str) -> html.Div:
    """The user's forecasts with their downloads, and what is not built yet."""
    return html.Div(
        [
            page_header("Export", "Download your forecasts as CSV or Excel."),
            html.Div(id=ids.EXPORT_LIST),
            dbc.Alert(
                [
                    html.I(className="bi bi-cone-striped me-2"),
                    "Not built yet: a PDF report for stakeholders and a richer Excel "
                    "workbook (summary, history, backtests and a chart).",
                ],
                color="light",
                className="border mt-4",
            ),
        ]
    )
