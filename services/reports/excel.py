"""The Excel workbook an analyst keeps working in: summary, data, backtests, chart.

Written with xlsxwriter (tables through Polars): real dates and numbers with formats,
frozen headers, filters, fitted widths, and text that never turns into a formula.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import polars as pl
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from services.reports.cells import EXPORT_COLUMNS, is_formula_like
from services.reports.content import ReportData
from services.reports.narrative import Narrative, findings, summarise
from services.reports.reasons import scored

CHART_POINTS = 400  # history points the chart shows before the forecast
SHEET_ROWS = 1_048_575  # rows under the header of an Excel worksheet
OPTIONS = {
    # Text is text: no formulas, links or numbers made out of strings.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "default_date_format": "yyyy-mm-dd",
}
LEADERBOARD = {
    "name": "model",
    "mase": "MASE",
    "smape": "sMAPE %",
    "mape": "MAPE %",
    "mae": "MAE",
    "rmse": "RMSE",
    "coverage": "80% range hit rate",
    "msis": "MSIS",
    "fit_seconds": "fit seconds",
    "reason": "why it failed",
}


def workbook(data: ReportData, narrative: Narrative | None = None) -> bytes:
    """The report as an ``.xlsx`` workbook.

    Sheets: Summary (with a native line chart), Forecast (the export schema),
    History (the data the model saw, its most recent rows if a sheet cannot hold it
    all), Backtest (leaderboard and errors per fold), Cleaning (the recipe's steps and
    counts), and Chart data behind the chart.
    """
    narrative = narrative or summarise(data)
    history, history_note = _recent(data.history.select("time", "series", "value"))
    buffer = io.BytesIO()
    with Workbook(buffer, OPTIONS) as book:
        styles = _styles(book)
        summary = book.add_worksheet("Summary")
        _table(book, "Forecast", data.points.select(EXPORT_COLUMNS), data)
        _table(book, "History", history, data)
        _backtest_sheet(book, data)
        _cleaning_sheet(book, data)
        chart_rows = _chart_data(book, data)
        _summary_sheet(book, summary, styles, data, narrative, chart_rows, history_note)
    return buffer.getvalue()


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


def _styles(book: Workbook) -> dict[str, Format]:
    return {
        "title": book.add_format({"bold": True, "font_size": 16}),
        "label": book.add_format({"bold": True, "font_color": "#4a5368"}),
        "text": book.add_format({"text_wrap": True, "valign": "top"}),
        "safe": book.add_format({"quote_prefix": True}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "align": "left"}),
        "number": book.add_format({"num_format": "#,##0.00", "align": "left"}),
        "percent": book.add_format({"num_format": "0%", "align": "left"}),
    }


def _number_format(frame: pl.DataFrame, columns: list[str]) -> str:
    """Two decimals for small values, none for large ones."""
    sizes = [frame[c].abs().max() for c in columns if frame[c].dtype.is_numeric()]
    biggest = max((float(s) for s in sizes if s is not None), default=0.0)  # type: ignore[arg-type]
    return "#,##0" if biggest >= 10_000 else "#,##0.00"


def _table(
    book: Workbook,
    name: str,
    frame: pl.DataFrame,
    data: ReportData,
    position: str = "A1",
    sheet: Worksheet | None = None,
) -> Worksheet:
    """A frame as an Excel table: formats, frozen header, filter, fitted widths."""
    frame = _unsigned(frame)
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    text = [c for c, t in frame.schema.items() if t == pl.String]
    formats: dict[Any, Any] = {c: _number_format(frame, floats) for c in floats}
    formats.update({c: {"quote_prefix": True} for c in text})
    times = [c for c, t in frame.schema.items() if t == pl.Datetime]
    formats.update({c: "yyyy-mm-dd hh:mm" for c in times})
    frame.write_excel(
        workbook=book,
        worksheet=sheet or name,
        position=position,
        table_style="Table Style Light 9",
        column_formats=formats,
        autofit=True,
        freeze_panes=(1, 0) if position == "A1" else None,
        autofilter=True,
        include_header=True,
    )
    return sheet or book.get_worksheet_by_name(name)


def _unsigned(frame: pl.DataFrame) -> pl.DataFrame:
    """Integers Excel shows as numbers (it has no unsigned types to speak of)."""
    return frame.with_columns(
        pl.col(c).cast(pl.Int64)
        for c, t in frame.schema.items()
        if t.is_unsigned_integer()
    )


def _backtest_sheet(book: Workbook, data: ReportData) -> None:
    # A failed model has no score: empty cells (never 0) and the reason beside them.
    rows = [
        {label: shown.get(key) for key, label in LEADERBOARD.items()}
        for shown in map(scored, data.leaderboard)
    ]
    board = pl.DataFrame(
        rows,
        schema={
            label: pl.String if key in ("name", "reason") else pl.Float64
            for key, label in LEADERBOARD.items()
        },
        orient="row",
    )
    sheet = _table(book, "Backtest", board, data)
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
        pl.col("smape").alias("smape %"),
        pl.col("mape").alias("mape %"),
        "mase",
    )
    _table(book, "Backtest", folds, data, position=f"A{start + 1}", sheet=sheet)


def _cleaning_sheet(book: Workbook, data: ReportData) -> None:
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
    sheet = _table(book, "Cleaning", frame, data)
    if frame.height == 0:
        sheet.write_string(
            2, 0, "No cleaning steps: the forecast used the data as uploaded."
        )


def _chart_data(book: Workbook, data: ReportData) -> int:
    """History (recent part) and forecast of the charted series, side by side."""
    history = data.series_history(None if data.multi else data.featured[0])
    points = data.series_points(None if data.multi else data.featured[0])
    frame = pl.concat(
        [
            history.tail(CHART_POINTS).select("time", pl.col("value").alias("history")),
            points.select(
                "time", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"
            ),
        ],
        how="diagonal",
    )
    _table(book, "Chart data", frame, data)
    return frame.height


def _summary_sheet(
    book: Workbook,
    sheet: Worksheet,
    styles: dict[str, Format],
    data: ReportData,
    narrative: Narrative,
    chart_rows: int,
    history_note: str | None,
) -> None:
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 70)
    sheet.write_string(0, 0, f"Forecast of {data.target}", styles["title"])
    row = _facts(sheet, styles, data, narrative, start=2)
    if history_note:
        sheet.write_string(row, 0, "History sheet", styles["label"])
        _write(sheet, row, 1, history_note, styles)
        row += 1
    sheet.write_string(row + 1, 0, narrative.headline, styles["label"])
    for offset, paragraph in enumerate([*narrative.paragraphs], start=row + 2):
        sheet.merge_range(offset, 0, offset, 1, "", styles["text"])
        _write(sheet, offset, 0, paragraph, styles)
        sheet.set_row(offset, 15 * (1 + len(paragraph) // 95))
    row = row + 3 + len(narrative.paragraphs)
    for title, lines in (
        ("Caveats", narrative.caveats),
        ("What the app noticed", findings(data)),
    ):
        if not lines:
            continue
        sheet.write_string(row, 0, title, styles["label"])
        for line in lines:
            row += 1
            sheet.merge_range(row, 0, row, 1, "", styles["text"])
            _write(sheet, row, 0, line, styles)
            sheet.set_row(row, 15 * (1 + len(line) // 95))
        row += 2
    sheet.insert_chart(1, 3, _chart(book, data, chart_rows))
    if data.multi:
        _table(
            book,
            "Summary",
            _series_table(data),
            data,
            position=f"A{row + 1}",
            sheet=sheet,
        )
    sheet.activate()


def _facts(
    sheet: Worksheet,
    styles: dict[str, Format],
    data: ReportData,
    narrative: Narrative,
    start: int,
) -> int:
    chosen = scored(data.chosen_row() or {})
    last = data.history["time"].max()
    facts: list[tuple[str, Any]] = [
        ("Dataset", data.dataset_name),
        ("Target", data.target),
        ("Series", data.series_count),
        ("Model", data.model_name),
        ("Horizon", data.unit(data.horizon)),
        ("Change", narrative.change),
        ("Data ends", last),
        ("Forecast to", data.points["time"].max()),
        ("Forecast made", data.made_at.replace(tzinfo=None)),
        ("Backtest sMAPE %", chosen.get("smape")),
        ("Backtest MASE", chosen.get("mase")),
        ("80% range hit rate", chosen.get("coverage")),
        ("Reliability", narrative.reliability),
    ]
    for offset, (label, value) in enumerate(facts):
        sheet.write_string(start + offset, 0, label, styles["label"])
        if label == "80% range hit rate" and value is not None:
            sheet.write_number(start + offset, 1, value, styles["percent"])
        else:
            _write(sheet, start + offset, 1, value, styles)
    return start + len(facts)


def _write(
    sheet: Worksheet, row: int, col: int, value: Any, styles: dict[str, Format]
) -> None:
    """One cell with its real type; formula-like text stays text."""
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, styles["date"])
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, styles["number"])
    else:
        text = str(value)
        style = styles["safe"] if is_formula_like(text) else styles["text"]
        sheet.write_string(row, col, text, style)


def _series_table(data: ReportData) -> pl.DataFrame:
    return data.summary.select(
        "series",
        pl.col("last_time").alias("data ends"),
        pl.col("last_actual").alias("last value"),
        pl.col("past_mean").alias("past average"),
        pl.col("forecast_mean").alias("forecast average"),
        pl.col("change_pct").alias("change %"),
        pl.col("end_forecast").alias("forecast at end"),
        pl.col("end_lower_80").alias("80% low"),
        pl.col("end_upper_80").alias("80% high"),
        pl.col("end_lower_95").alias("95% low"),
        pl.col("end_upper_95").alias("95% high"),
    )


def _chart(book: Workbook, data: ReportData, rows: int) -> Any:
    """A native line chart: history, forecast, and the 95% range as dashed lines."""
    chart = book.add_chart({"type": "line"})
    sheet = "'Chart data'"
    last = rows  # the header is row 0
    for col, name, line in (
        (1, "History", {"color": "#1d2433", "width": 1.5}),
        (2, "Forecast", {"color": "#2f5bea", "width": 2.25}),
        (5, "95% range", {"color": "#9db0f5", "width": 1, "dash_type": "dash"}),
        (6, "95% range (high)", {"color": "#9db0f5", "width": 1, "dash_type": "dash"}),
    ):
        chart.add_series(
            {
                "name": name,
                "categories": [sheet.strip("'"), 1, 0, last, 0],
                "values": [sheet.strip("'"), 1, col, last, col],
                "line": line,
                "marker": {"type": "none"},
            }
        )
    subject = f"Total of {data.target}" if data.multi else data.target
    chart.set_title({"name": f"{subject}: history and forecast", "overlay": False})
    chart.set_x_axis(
        {"date_axis": True, "num_format": "yyyy-mm-dd", "num_font": {"rotation": -45}}
    )
    chart.set_legend({"position": "bottom", "delete_series": [3]})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 760, "height": 400})
    return chart
