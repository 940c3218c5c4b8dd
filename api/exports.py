"""Forecast downloads (CSV, Excel workbook, PDF report), shared by the API and pages.

Reports of forecasts within ``REPORT_INLINE_MAX_SERIES`` series are made within the
request; larger ones by a ``report`` job with progress, whose file is kept in the
owner's space (until the dataset is deleted) and downloaded from the job.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from flask import Response, send_file

import config
from components.report_figures import report_figures
from services import forecasts, jobs, storage
from services.csv_layout import PLAIN, CsvLayout
from services.errors import ConflictError, InvalidInputError, NotFoundError
from services.jobs import JobInfo
from services.reports import branding, cells, content, excel, pdf
from services.runner import JobContext

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
REPORTS = ("xlsx", "pdf")  # the formats a job makes
NAMES = {"csv": "CSV", "xlsx": "Excel workbook", "pdf": "PDF report"}
Progress = Callable[[float, str], None]


def _checked_format(fmt: str, allowed: tuple[str, ...] = tuple(MIMETYPES)) -> str:
    if fmt not in allowed:
        raise InvalidInputError(
            f"The format must be {' or '.join(allowed)}.", code="invalid_request"
        )
    return fmt


def inline_limit() -> int:
    """The most series whose workbook and PDF are made within a request."""
    return int(config.settings.get("REPORT_INLINE_MAX_SERIES", 100))


def needs_job(user_id: int, forecast_id: str) -> bool:
    """Whether this forecast's workbook and PDF report are made by a job."""
    return forecasts.series_count(user_id, forecast_id) > inline_limit()


def render(
    user_id: int,
    forecast_id: str,
    fmt: str,
    progress: Progress | None = None,
    layout: CsvLayout = PLAIN,
) -> bytes:
    """One of the user's forecasts as a CSV (in ``layout``), a workbook or a PDF
    report.

    Raises
    ------
    InvalidInputError
        For a format other than csv, xlsx or pdf.
    NotFoundError
        When the forecast is not the user's.

    """
    say = progress or (lambda _fraction, _message: None)
    if _checked_format(fmt) == "csv":
        info = forecasts.get_forecast(user_id, forecast_id)
        return cells.forecast_csv(
            forecasts.forecast_points(user_id, info.id),
            forecasts.history(user_id, info)["value"],
            layout,
        )
    say(0.05, "Gathering the forecast, its history and backtests")
    data = content.collect(user_id, forecast_id, decompose=fmt == "pdf")
    if fmt == "xlsx":
        say(0.4, "Writing the workbook")
        return excel.workbook(data)
    # The figures come from components (services never import them): see DESIGN.md.
    style = branding.get_branding(user_id)
    return pdf.render_pdf(
        data,
        report_figures(data),
        style,
        progress=lambda fraction, message: say(0.3 + 0.65 * fraction, message),
    ).pdf


def submit_report(user_id: int, forecast_id: str, fmt: str) -> JobInfo:
    """Queue a job that makes the workbook or PDF report of one of the user's forecasts.

    Raises
    ------
    InvalidInputError
        For a format other than xlsx or pdf.
    NotFoundError
        When the forecast is not the user's.

    """
    _checked_format(fmt, REPORTS)
    info = forecasts.get_forecast(user_id, forecast_id)
    return jobs.submit(user_id, "report", {"forecast_id": info.id, "format": fmt})


def run_report_job(context: JobContext) -> str:
    """The ``report`` job: make the file and keep it under the job's id."""
    fmt = context.params["format"]
    data = render(context.user_id, context.params["forecast_id"], fmt, context.progress)
    context.progress(0.97, "Saving the file")
    path = storage.report_path(context.user_id, context.job_id, fmt)
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(path)
    try:  # the dataset may have been deleted while the report was made
        forecasts.get_forecast(context.user_id, context.params["forecast_id"])
    except NotFoundError:
        path.unlink(missing_ok=True)
        raise
    return context.job_id


def report_jobs(user_id: int, forecast_id: str, limit: int = 5) -> list[JobInfo]:
    """The user's most recent report jobs for one forecast, newest first."""
    return jobs.list_jobs(
        user_id, limit=limit, kinds=("report",), forecast_id=forecast_id
    )


def _attachment(
    data: bytes | Path, user_id: int, forecast_id: str, fmt: str
) -> Response:
    """The file (bytes, or a kept file, streamed) named after the forecast's target."""
    info = forecasts.get_forecast(user_id, forecast_id)
    return send_file(
        data if isinstance(data, Path) else io.BytesIO(data),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=forecasts.file_name(info, fmt),
    )


def export_response(
    user_id: int, forecast_id: str, fmt: str, layout: CsvLayout = PLAIN
) -> Response:
    """A download of a forecast, named after its target (a CSV in ``layout``).

    Raises
    ------
    ConflictError
        For the workbook or PDF of a forecast too large to make within a request.

    """
    if _checked_format(fmt) in REPORTS and needs_job(user_id, forecast_id):
        raise ConflictError(
            f"This forecast has more than {inline_limit()} series, so its "
            f"{NAMES[fmt]} is made in the background: prepare it on the Export page, "
            f"or POST /api/v1/forecasts/{forecast_id}/export/jobs with "
            f'{{"format": "{fmt}"}} and download it from the job when it is done.',
            code="report_too_large",
        )
    data = render(user_id, forecast_id, fmt, layout=layout)
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
