"""The workbook's Summary sheet: key figures beside the chart, then the words.

Readable on the first screen at 100%: labels in a column of their own (wrapped), the
key figures beside them as numbers and dates with Excel formats, the chart to their
right, and the summary below across the page. It prints on one landscape page.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import polars as pl
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from services.reports.cells import is_formula_like
from services.reports.content import ReportData
from services.reports.excel_chart import HEIGHT as CHART_HEIGHT
from services.reports.last_forecast import write_summary as write_last_forecast
from services.reports.narrative import Narrative, findings
from services.reports.reasons import scored

COUNT = "#,##0"
PERCENT = "0.0%"
RATIO = "0.00"
# Labels in A, key figures in B, a narrow gap, the chart from D.
LABEL_WIDTH, VALUE_WIDTH, GAP_WIDTH = 22, 30, 2
CHART_COLUMN = 3
LAST_COLUMN = 14  # the chart ends in column O; the page is printed to there
TEXT_CHARS = 150  # characters of a merged A:O line at 100%, for row heights
FIRST_FACT_ROW = 2
ROW_PIXELS = 20  # a default row


def share(percent: float | None) -> float | None:
    """A percentage (4.9) as the share Excel formats as one (0.049 shows 4.9%)."""
    return None if percent is None else percent / 100


def summary_sheet(
    book: Workbook,
    sheet: Worksheet,
    formats: dict[str, str],
    data: ReportData,
    narrative: Narrative,
    chart: Any,
    history_note: str | None,
) -> None:
    """Key figures beside the chart on the first screen, the words below them.

    ``formats`` holds the Excel formats of the data's values (``unit``) and times
    (``time``); ``chart`` is the native chart the sheet shows.
    """
    styles = _styles(book, formats)
    sheet.set_column(0, 0, LABEL_WIDTH)
    sheet.set_column(1, 1, VALUE_WIDTH)
    sheet.set_column(2, 2, GAP_WIDTH)
    sheet.hide_gridlines(2)
    sheet.write_string(0, 0, f"Forecast of {data.target}", styles["title"])
    sheet.set_row(0, 24)
    facts = _facts(data, narrative)
    if history_note:
        facts.append(("History sheet", history_note, "text"))
    for row, (label, value, style) in enumerate(facts, start=FIRST_FACT_ROW):
        sheet.write_string(row, 0, label, styles["label"])
        _write(sheet, row, 1, value, styles, style)
        text = value if isinstance(value, str) else ""
        lines = max(_lines(label, LABEL_WIDTH - 2), _lines(text, VALUE_WIDTH - 2))
        if lines > 1:
            sheet.set_row(row, 15 * lines)
    sheet.insert_chart(FIRST_FACT_ROW, CHART_COLUMN, chart, {"x_offset": 4})
    chart_rows = math.ceil(CHART_HEIGHT / ROW_PIXELS)
    row = max(FIRST_FACT_ROW + len(facts), FIRST_FACT_ROW + chart_rows) + 1
    sheet.merge_range(row, 0, row, LAST_COLUMN, "", styles["heading"])
    _write(sheet, row, 0, narrative.headline, styles, "heading")
    sheet.set_row(row, 18 * _lines(narrative.headline, TEXT_CHARS - 20))
    row = _paragraphs(sheet, styles, row + 1, narrative.paragraphs)
    for title, entries in (
        ("Caveats", narrative.caveats),
        ("What the app noticed", findings(data)),
    ):
        if entries:
            sheet.write_string(row + 1, 0, title, styles["heading"])
            row = _paragraphs(sheet, styles, row + 2, entries)
    if data.last_forecast is not None:
        row = write_last_forecast(sheet, styles, row, data.last_forecast, _paragraphs)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 1)
    sheet.print_area(0, 0, row - 1, LAST_COLUMN)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.activate()


def _paragraphs(
    sheet: Worksheet, styles: dict[str, Format], row: int, paragraphs: list[str]
) -> int:
    """Each paragraph across the page's width, its row as tall as its lines."""
    for text in paragraphs:
        sheet.merge_range(row, 0, row, LAST_COLUMN, "", styles["text"])
        _write(sheet, row, 0, text, styles, "text")
        sheet.set_row(row, 15 * _lines(text, TEXT_CHARS))
        row += 1
    return row


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` characters wide."""
    lines = 0
    for part in text.splitlines() or [""]:
        words, length = part.split(), 0
        lines += 1
        for word in words:
            if length and length + 1 + len(word) > width:
                lines += 1
                length = len(word)
            else:
                length += len(word) + (1 if length else 0)
    return max(lines, 1)


def _facts(data: ReportData, narrative: Narrative) -> list[tuple[str, Any, str]]:
    """The key figures: label, value, and the style that shows the value."""
    chosen = scored(data.chosen_row() or {})
    main = data.main
    history = data.series_history(main)
    ahead = data.series_points(main).sort("time")
    facts: list[tuple[str, Any, str]] = [
        ("Dataset", data.dataset_name, "text"),
        ("Target", data.target, "text"),
    ]
    if data.note:
        facts.append(("Note", data.note, "text"))
    if data.multi:
        facts += [
            ("Number of series", data.series_count, "count"),
            ("Each series", "on the Series sheet", "text"),
        ]
    elif main is not None:
        facts.append(("Series", str(main), "text"))
    facts += [
        ("Model", data.model_name, "text"),
        ("Horizon", data.unit(data.horizon), "text"),
        ("Change", narrative.change, "text"),
        ("Data ends", data.history["time"].max(), "date"),
        (
            "Last actual" + (" (total)" if data.multi else ""),
            _last(history, "value"),
            "unit",
        ),
        ("Forecast to", data.points["time"].max(), "date"),
        (
            "Forecast at end" + (" (total)" if data.multi else ""),
            _last(ahead, "forecast"),
            "unit",
        ),
        ("Forecast made", data.made_at.replace(tzinfo=None), "moment"),
        ("Backtest sMAPE", share(chosen.get("smape")), "percent"),
        ("Backtest MASE", chosen.get("mase"), "ratio"),
        ("80% range hit rate", chosen.get("coverage"), "percent"),
        ("Reliability", narrative.reliability, "text"),
    ]
    return facts


def _last(frame: pl.DataFrame, column: str) -> float | None:
    values = frame.sort("time")[column].drop_nulls().drop_nans()
    return float(values[-1]) if values.len() else None


def _write(
    sheet: Worksheet,
    row: int,
    col: int,
    value: Any,
    styles: dict[str, Format],
    style: str = "text",
) -> None:
    """One cell with its real type and format; formula-like text stays text."""
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, styles[style])
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, styles[style])
    else:
        text = str(value)
        shown = styles["safe"] if is_formula_like(text) else styles[style]
        sheet.write_string(row, col, text, shown)


def _styles(book: Workbook, formats: dict[str, str]) -> dict[str, Format]:
    top = {"valign": "top"}
    number = {**top, "align": "left"}
    return {
        "title": book.add_format({"bold": True, "font_size": 16}),
        "heading": book.add_format({**top, "bold": True, "font_size": 12}),
        "label": book.add_format(
            {**top, "bold": True, "font_color": "#4a5368", "text_wrap": True}
        ),
        "text": book.add_format({**top, "text_wrap": True}),
        "safe": book.add_format({**top, "text_wrap": True, "quote_prefix": True}),
        "date": book.add_format({**number, "num_format": formats["time"]}),
        "moment": book.add_format({**number, "num_format": "yyyy-mm-dd hh:mm"}),
        "unit": book.add_format({**number, "num_format": formats["unit"]}),
        "count": book.add_format({**number, "num_format": COUNT}),
        "ratio": book.add_format({**number, "num_format": RATIO}),
        "percent": book.add_format({**number, "num_format": PERCENT}),
    }
