"""Forecast downloads (CSV, Excel workbook, PDF report), shared by the API and pages."""

from __future__ import annotations

import io

from flask import Response, send_file

from components.report_figures import report_figures
from services import forecasts
from services.errors import InvalidInputError
from services.reports import branding, cells, content, excel, pdf

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def report_file(user_id: int, forecast_id: str, fmt: str) -> bytes:
    """One of the user's forecasts as a CSV, a workbook or a PDF report.

    Raises
    ------
    InvalidInputError
        For a format other than csv, xlsx or pdf.
    NotFoundError
        When the forecast is not the user's.

    """
    if fmt not in MIMETYPES:
        raise InvalidInputError(
            "The format must be csv, xlsx or pdf.", code="invalid_request"
        )
    if fmt == "csv":
        return cells.forecast_csv(forecasts.forecast_points(user_id, forecast_id))
    data = content.collect(user_id, forecast_id, decompose=fmt == "pdf")
    if fmt == "xlsx":
        return excel.workbook(data)
    # The figures come from components (services never import them): see DESIGN.md.
    style = branding.get_branding(user_id)
    return pdf.render_pdf(data, report_figures(data), style).pdf


def export_response(user_id: int, forecast_id: str, fmt: str) -> Response:
    """A download of a forecast, named after its target."""
    data = report_file(user_id, forecast_id, fmt)
    info = forecasts.get_forecast(user_id, forecast_id)
    safe_target = "".join(ch if ch.isalnum() else "_" for ch in info.target)[:40]
    return send_file(
        io.BytesIO(data),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"forecast_{safe_target}_{info.id[:8]}.{fmt}",
    )
