"""Forecast downloads as HTTP answers: a file made now, or the file a job made."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Response, send_file

from services import forecasts, jobs, storage, users
from services.csv_layout import PLAIN, CsvLayout
from services.errors import ConflictError, NotFoundError
from services.reports import exports as reports


def _attachment(
    data: bytes | Path, user_id: int, forecast_id: str, fmt: str
) -> Response:
    """The file (bytes, or a kept file, streamed) named after the forecast's target."""
    info = forecasts.get_forecast(user_id, forecast_id)
    return send_file(
        data if isinstance(data, Path) else io.BytesIO(data),
        mimetype=reports.MIMETYPES[fmt],
        as_attachment=True,
        download_name=forecasts.file_name(info, fmt),
    )


def export_response(
    user_id: int, forecast_id: str, fmt: str, layout: CsvLayout = PLAIN
) -> Response:
    """A download of a forecast, named after its target (a CSV in ``layout``).

    A PDF writes its numbers in the user's number format; the CSV stays in
    ``layout`` (plain ``,`` and ``.`` unless asked otherwise).

    Raises
    ------
    ConflictError
        For the workbook or PDF of a forecast too large to make within a request.

    """
    if reports.checked_format(fmt) in reports.REPORTS and reports.needs_job(
        user_id, forecast_id
    ):
        raise ConflictError(
            f"This forecast has more than {reports.inline_limit()} series, so its "
            f"{reports.NAMES[fmt]} is made in the background: prepare it on the "
            "Export page, "
            f"or POST /api/v1/forecasts/{forecast_id}/export/jobs with "
            f'{{"format": "{fmt}"}} and download it from the job when it is done.',
            code="report_too_large",
        )
    style = users.number_style(user_id)
    data = reports.render(user_id, forecast_id, fmt, layout=layout, style=style)
    return _attachment(data, user_id, forecast_id, fmt)


def report_response(user_id: int, job_id: str) -> Response:
    """The file a finished report job made.

    Raises
    ------
    NotFoundError
        When the job is not the user's or is not a report job.
    ConflictError
        While the job has not succeeded.

    """
    job = jobs.get_job(user_id, job_id)
    if job.kind != "report":
        raise NotFoundError("This report does not exist, or it is not yours.")
    if job.status != "succeeded":
        raise ConflictError(
            f"This report is not ready ({job.status}: {job.message}).",
            code="report_not_ready",
        )
    fmt = job.params["format"]
    path = storage.report_path(user_id, job.id, fmt)
    if not path.exists():
        raise NotFoundError("This report's file is gone. Prepare it again.")
    return _attachment(path, user_id, job.params["forecast_id"], fmt)
