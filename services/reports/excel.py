"""The Excel workbook an analyst keeps working in: summary, data, backtests, chart.

Written with xlsxwriter (tables through Polars): real dates and numbers shown with
Excel number formats (thousands separators, decimals fitted to the data's size,
percentages as percentages), every table an Excel table with filters and fitted
widths, a Summary that reads on one screen and prints on one landscape page, and text
that never turns into a formula.
"""

from __future__ import annotations

import io
import math
from typing import Any

import polars as pl
from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from services.overrides import with_override_columns
from services.reports import excel_chart, last_forecast, overrides_section, scenario
from services.reports.cells import export_columns
from services.reports.content import ReportData
from services.reports.excel_summary import COUNT, PERCENT, share, summary_sheet
from services.reports.narrative import Narrative, summarise
from services.reports.reasons import scored

SHEET_ROWS = 1_048_575  # rows under the header of an Excel worksheet
OPTIONS = {
    # Text is text: no formulas, links or numbers made out of strings.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "default_date_format": "yyyy-mm-dd",
}
# The leaderboard's columns: label, and how a value is shown: text (None), in the
# data's units, a ratio, a percentage (stored as 4.9, written as the share 0.049 that
# Excel shows as 4.9%), a share (0.81 → 81.0%) or seconds.
LEADERBOARD = {
    "name": ("model", None),
    "mase": ("MASE", "ratio"),
    "smape": ("sMAPE", "percent"),
    "mape": ("MAPE", "percent"),
    "mae": ("MAE", "unit"),
    "rmse": ("RMSE", "unit"),
    "coverage": ("80% range hit rate", "share"),
    "msis": ("MSIS", "ratio"),
    "fit_seconds": ("fit seconds", "seconds"),
    "reason": ("why it failed", None),
}


def workbook(data: ReportData, narrative: Narrative | None = None) -> bytes:
    """The report as an ``.xlsx`` workbook.

    Sheets: Summary (key figures, a native chart of the history, the forecast and
    its 80% and 95% ranges, and the summary in words), Forecast (the export schema),
    History (the data the model saw, its most recent rows if a sheet cannot hold it
    all), Backtest (leaderboard and errors per fold), Cleaning (the recipe's steps and
    counts), Series (one row per series, with several), Last forecast (how the
    forecast this one refreshes did, per series, with several) and Chart data behind
    the chart. The Summary also shows the owner's note and, for a refresh, how the
    last forecast did.
    """
    narrative = narrative or summarise(data)
    history, history_note = _recent(data.history.select("time", "series", "value"))
    formats = _formats(data)
    buffer = io.BytesIO()
    with Workbook(buffer, OPTIONS) as book:
        summary = book.add_worksheet("Summary")
        points = with_override_columns(data.points)
        _table(book, "Forecast", points.select(export_columns(points)), formats)
        _table(book, "History", history, formats)
        _backtest_sheet(book, data, formats)
        _cleaning_sheet(book, data, formats)
        overrides_section.add_sheet(book, data, formats, _table)
        if data.scenario is not None:
            frame = scenario.sheet_frame(data.scenario)
            _table(book, "Scenario", frame, formats, {"difference_percent": "0.0"})
        if data.multi:
            _table(book, "Series", _series_table(data), formats, {"change": PERCENT})
        if data.last_forecast is not None and data.last_forecast.series:
            _last_forecast_sheet(book, data.last_forecast, formats)
        frame = excel_chart.chart_frame(data)
        _table(book, excel_chart.SHEET, frame, formats)
        subject = f"Total of {data.target}" if data.multi else data.target
        chart = excel_chart.native_chart(
            book, frame, subject, formats["time"], formats["unit"]
        )
        summary_sheet(book, summary, formats, data, narrative, chart, history_note)
    return buffer.getvalue()


def value_format(values: pl.Series) -> str:
    """An Excel number format showing about three significant digits of a value.

    Thousands separated; the decimals follow the size of the typical (median) value,
    at most four.

    Examples
    --------
    >>> value_format(pl.Series([432.5, 410.0])), value_format(pl.Series([5.31, 4.2]))
    ('#,##0', '#,##0.00')

    """
    sizes = values.cast(pl.Float64).drop_nulls().drop_nans().abs()
    sizes = sizes.filter(sizes.is_finite() & (sizes > 0))
    typical = sizes.median() if sizes.len() else None
    if not isinstance(typical, float):
        return "#,##0.00"
    decimals = min(4, max(0, 2 - math.floor(math.log10(typical))))
    return COUNT + ("." + "0" * decimals if decimals else "")


def _formats(data: ReportData) -> dict[str, str]:
    """The workbook's formats of values (in the data's units) and of times."""
    return {
        "unit": value_format(data.history["value"]),
        "time": _time_format(data.history["time"]),
    }


def _recent(history: pl.DataFrame) -> tuple[pl.DataFrame, str | None]:
    """The history, or its most recent rows when a worksheet cannot hold it all."""
    if history.height <= SHEET_ROWS:
        return history, None
    kept = (
        history.with_row_index("order")
        .sort("time")
        .tail(SHEET_ROWS)
        .sort("order")
        .drop("order")
    )
    return kept, (
        f"The most recent {SHEET_ROWS:,} of {history.height:,} rows: "
        "an Excel sheet holds no more."
    )


def _table(
    book: Workbook,
    name: str,
    frame: pl.DataFrame,
    formats: dict[str, str],
    columns: dict[str, str] | None = None,
    position: str = "A1",
    sheet: Worksheet | None = None,
) -> Worksheet:
    """A frame as an Excel table: formats, frozen header, filter, fitted widths.

    Numbers take ``columns``' format by name, else the data's (floats) or a count's
    (integers); text is written as text, whatever it looks like.
    """
    frame = _unsigned(frame)
    shown: dict[Any, Any] = {}
    for column, dtype in frame.schema.items():
        if column in (columns or {}):
            shown[column] = (columns or {})[column]
        elif dtype.is_float():
            shown[column] = formats["unit"]
        elif dtype.is_integer():
            shown[column] = COUNT
        elif dtype == pl.String:
            shown[column] = {"quote_prefix": True}
        elif dtype in (pl.Date, pl.Datetime):
            shown[column] = _time_format(frame[column])
    frame.write_excel(
        workbook=book,
        worksheet=sheet or name,
        position=position,
        table_style="Table Style Light 9",
        column_formats=shown,
        header_format={"bold": True, "text_wrap": True, "valign": "top"},
        autofit=True,
        freeze_panes=(1, 0) if position == "A1" else None,
        autofilter=True,
        include_header=True,
    )
    return sheet or book.get_worksheet_by_name(name)


def _time_format(times: pl.Series) -> str:
    """Dates alone when every time is midnight, else dates and times."""
    timed = times.dtype == pl.Datetime and bool(
        (times.dt.truncate("1d") != times).any()
    )
    return "yyyy-mm-dd hh:mm" if timed else "yyyy-mm-dd"


def _unsigned(frame: pl.DataFrame) -> pl.DataFrame:
    """Integers Excel shows as numbers (it has no unsigned types to speak of)."""
    return frame.with_columns(
        pl.col(c).cast(pl.Int64)
        for c, t in frame.schema.items()
        if t.is_unsigned_integer()
    )


def _backtest_sheet(book: Workbook, data: ReportData, formats: dict[str, str]) -> None:
    # A failed model has no score: empty cells (never 0) and the reason beside them.
    rows = [
        {
            label: share(shown.get(key)) if kind == "percent" else shown.get(key)
            for key, (label, kind) in LEADERBOARD.items()
        }
        for shown in map(scored, data.leaderboard)
    ]
    board = pl.DataFrame(
        rows,
        schema={
            label: pl.Float64 if kind else pl.String
            for label, kind in LEADERBOARD.values()
        },
        orient="row",
    )
    shown_as = {
        "unit": formats["unit"],
        "ratio": "0.00",
        "percent": PERCENT,
        "share": PERCENT,
        "seconds": "#,##0.0",
    }
    columns = {label: shown_as[kind] for label, kind in LEADERBOARD.values() if kind}
    # Errors are smaller than the values: their decimals follow their own size.
    columns.update(MAE=value_format(board["MAE"]), RMSE=value_format(board["RMSE"]))
    sheet = _table(book, "Backtest", board, formats, columns)
    if data.fold_errors is None:
        return
    start = board.height + 3
    title = book.add_format({"bold": True})
    sheet.write_string(
        start - 1, 0, f"Errors of {data.model_name}, fold by fold", title
    )
    folds = data.fold_errors.select(
        "series",
        "fold",
        "start",
        "end",
        "points",
        "mae",
        "rmse",
        (pl.col("smape") / 100).alias("smape"),
        (pl.col("mape") / 100).alias("mape"),
        "mase",
    )
    per_fold = {
        "smape": PERCENT,
        "mape": PERCENT,
        "mase": "0.00",
        "mae": value_format(folds["mae"]),
        "rmse": value_format(folds["rmse"]),
    }
    _table(
        book,
        "Backtest",
        folds,
        formats,
        per_fold,
        position=f"A{start + 1}",
        sheet=sheet,
    )


def _cleaning_sheet(book: Workbook, data: ReportData, formats: dict[str, str]) -> None:
    frame = pl.DataFrame(
        [
            {
                "version": s.version,
                "step": s.title,
                "what it did": s.description,
                "filled": s.filled,
                "clipped": s.clipped,
                "flagged": s.flagged,
                "rows removed": s.rows_removed,
                "rows added": s.rows_added,
            }
            for s in data.cleaning
        ],
        schema={
            "version": pl.Int64,
            "step": pl.String,
            "what it did": pl.String,
            "filled": pl.Int64,
            "clipped": pl.Int64,
            "flagged": pl.Int64,
            "rows removed": pl.Int64,
            "rows added": pl.Int64,
        },
        orient="row",
    )
    sheet = _table(book, "Cleaning", frame, formats, {"version": "0"})
    if frame.height == 0:
        sheet.write_string(
            2, 0, "No cleaning steps: the forecast used the data as uploaded."
        )


def _last_forecast_sheet(
    book: Workbook, section: last_forecast.LastForecast, formats: dict[str, str]
) -> None:
    """How the forecast this one refreshes did, series by series."""
    frame = last_forecast.series_frame(section)
    shares = {t: PERCENT for k, t in last_forecast.SERIES_COLUMNS.items() if "cov" in k}
    _table(book, last_forecast.SHEET, frame, formats, {"MASE": "0.00", **shares})


def _series_table(data: ReportData) -> pl.DataFrame:
    return data.summary.select(
        "series",
        pl.col("last_time").alias("data ends"),
        pl.col("last_actual").alias("last value"),
        pl.col("past_mean").alias("past average"),
        pl.col("forecast_mean").alias("forecast average"),
        (pl.col("change_pct") / 100).alias("change"),
        pl.col("end_forecast").alias("forecast at end"),
        pl.col("end_lower_80").alias("80% low"),
        pl.col("end_upper_80").alias("80% high"),
        pl.col("end_lower_95").alias("95% low"),
        pl.col("end_upper_95").alias("95% high"),
    )
