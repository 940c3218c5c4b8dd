"""A forecast's files (CSV, Excel workbook, PDF report), made for the API and pages.

Reports of forecasts within ``REPORT_INLINE_MAX_SERIES`` series are made within the
request; larger ones by a ``report`` job with progress, whose file is kept in the
owner's space (until the dataset is deleted) and downloaded from the job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import config
from services import forecasts, jobs, storage
from services.csv_layout import PLAIN, CsvLayout
from services.errors import InvalidInputError, NotFoundError
from services.jobs import JobInfo
from services.numbers import DEFAULT_STYLE, NumberStyle, parse_style
from services.reports import branding, cells, content, excel, pdf, scenario
from services.reports.figures import report_figures

if TYPE_CHECKING:
    from services.job_kinds import JobContext

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMATS = tuple(MIMETYPES)
REPORTS = ("xlsx", "pdf")  # the formats a job makes
NAMES = {"csv": "CSV", "xlsx": "Excel workbook", "pdf": "PDF report"}
Progress = Callable[[float, str], None]


def checked_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """``fmt`` when it is one of ``allowed``.

    Raises
    ------
    InvalidInputError
        For any other format.

    """
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
    style: NumberStyle = DEFAULT_STYLE,
) -> bytes:
    """One of the user's forecasts as a CSV (in ``layout``), a workbook or a PDF.

    The PDF writes its numbers in ``style``; the CSV and the workbook keep numbers
    as numbers.

    Raises
    ------
    InvalidInputError
        For a format other than csv, xlsx or pdf.
    NotFoundError
        When the forecast is not the user's.

    """
    say = progress or (lambda _fraction, _message: None)
    if checked_format(fmt) == "csv":
        info = forecasts.get_forecast(user_id, forecast_id)
        return cells.forecast_csv(
            scenario.with_scenario_column(
                forecasts.forecast_points(user_id, info.id), info.scenario
            ),
            forecasts.history(user_id, info)["value"],
            layout,
        )
    say(0.05, "Gathering the forecast, its history and backtests")
    data = content.collect(user_id, forecast_id, fmt == "pdf", style)
    if fmt == "xlsx":
        say(0.4, "Writing the workbook")
        return excel.workbook(data)
    brand = branding.get_branding(user_id)
    return pdf.render_pdf(
        data,
        report_figures(data, style),
        brand,
        progress=lambda fraction, message: say(0.3 + 0.65 * fraction, message),
        style=style,
    ).pdf


def submit_report(
    user_id: int, forecast_id: str, fmt: str, style: NumberStyle = DEFAULT_STYLE
) -> JobInfo:
    """Queue a job that makes the workbook or PDF report of one of the user's forecasts.

    A PDF writes its numbers in ``style``, kept with the job.

    Raises
    ------
    InvalidInputError
        For a format other than xlsx or pdf.
    NotFoundError
        When the forecast is not the user's.

    """
    checked_format(fmt, REPORTS)
    info = forecasts.get_forecast(user_id, forecast_id)
    return jobs.submit(
        user_id,
        "report",
        {"forecast_id": info.id, "format": fmt, "number_format": style.value},
    )


def run_report_job(context: JobContext) -> str:
    """The ``report`` job: make the file and keep it under the job's id."""
    fmt = context.params["format"]
    style = parse_style(context.params.get("number_format"))
    data = render(
        context.user_id,
        context.params["forecast_id"],
        fmt,
        context.progress,
        style=style,
    )
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
