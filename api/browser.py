"""File routes for the signed-in browser: upload, forecast and report downloads."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from api.errors import error_response
from api.exports import export_response, report_response
from api.uploads import keep
from services.csv_layout import csv_layout

blueprint = Blueprint("browser", __name__)


@blueprint.post("/files/upload")
def upload() -> ResponseReturnValue:
    """Keep a file from the upload page, streamed to disk (not via a callback), for
    the page's background callback to read: the answer is the upload's id."""
    # A custom header cannot be sent cross-site without CORS: this stops CSRF here.
    if request.headers.get("X-Requested-With") != "forecast-studio":
        return error_response(400, "invalid_request", "Upload from the Upload page.")
    kept = keep(request.files.get("file"), int(current_user.id))
    return jsonify(upload_id=kept.id, name=kept.name), 202


@blueprint.get("/files/forecasts/<forecast_id>.<fmt>")
def download(forecast_id: str, fmt: str) -> ResponseReturnValue:
    """Download a forecast of the signed-in user as CSV (with ``sep`` and
    ``decimal``), Excel or the PDF report."""
    layout = csv_layout(request.args.get("sep"), request.args.get("decimal"))
    return export_response(int(current_user.id), forecast_id, fmt, layout)


@blueprint.get("/files/reports/<job_id>")
def download_report(job_id: str) -> ResponseReturnValue:
    """Download a workbook or PDF report a job made for the signed-in user."""
    return report_response(int(current_user.id), job_id)
