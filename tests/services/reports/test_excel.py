"""The workbook: its sheets, real types, the native chart, and text that stays text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from services.reports.cells import EXPORT_COLUMNS
from services.reports.content import ReportData
from services.reports.excel import workbook
from services.reports.narrative import NO_ISSUES, summarise
from services.reports.reasons import FALLBACK
from tests.services.reports.conftest import (
    FAILED_ROW,
    HOSTILE,
    PLAIN_REASON,
    RAW_ERROR,
    seasonal_naive,
)


@pytest.fixture
def book(many: ReportData) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook(many)))


def test_sheets_and_the_forecast_schema(
    book: openpyxl.Workbook, many: ReportData
) -> None:
    assert book.sheetnames == [
        "Summary",
        "Forecast",
        "History",
        "Backtest",
        "Cleaning",
        "Chart data",
    ]
    forecast = book["Forecast"]
    assert [c.value for c in forecast[1]] == EXPORT_COLUMNS
    assert forecast.max_row == many.points.height + 1
    assert forecast.freeze_panes == "A2"
    table = next(iter(forecast.tables.values()))
    assert table.autoFilter is not None and table.ref == f"A1:G{forecast.max_row}"
    assert forecast.column_dimensions["B"].width > 10  # widths fit the names


def test_dates_are_dates_and_numbers_are_numbers(
    book: openpyxl.Workbook, many: ReportData
) -> None:
    forecast = book["Forecast"]
    assert forecast["A2"].is_date and isinstance(forecast["A2"].value, dt.datetime)
    first = many.points.row(0, named=True)
    assert forecast["A2"].value.date() == first["time"]
    assert forecast["C2"].value == pytest.approx(first["forecast"])
    assert all(forecast.cell(2, c).data_type == "n" for c in range(3, 8))
    history = book["History"]
    assert history["A2"].is_date and history["C2"].data_type == "n"
    summary = book["Summary"]
    facts = {r[0].value: r[1] for r in summary.iter_rows(min_row=3, max_row=14)}
    assert facts["Data ends"].is_date
    assert facts["Data ends"].value.date() == dt.date(2023, 12, 1)
    assert facts["Backtest MASE"].value == pytest.approx(0.62)
    assert facts["80% range hit rate"].number_format == "0%"
    assert facts["Series"].value == 9


def test_backtest_and_cleaning_sheets(
    book: openpyxl.Workbook, many: ReportData
) -> None:
    board = book["Backtest"]
    assert [board.cell(r, 1).value for r in (2, 3)] == [
        "AutoETS (exponential smoothing)",
        "Seasonal naive",
    ]
    assert board["B2"].value == pytest.approx(0.62)
    values = [c.value for row in board.iter_rows() for c in row]
    assert "Errors of AutoETS (exponential smoothing), fold by fold" in values
    assert values.count("store 0") == 3  # three folds of that series
    cleaning = book["Cleaning"]
    assert [c.value for c in cleaning[2]] == [
        2,
        "Treat unusual values",
        "Clipped 3 unusual values.",
        0,
        3,
        0,
        0,
        0,
    ]


def test_native_line_chart(many: ReportData) -> None:
    data = workbook(many)
    parts = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "xl/charts/chart1.xml" in parts
    chart = zipfile.ZipFile(io.BytesIO(data)).read("xl/charts/chart1.xml").decode()
    assert "<c:lineChart>" in chart and "'Chart data'!$B$2" in chart


def test_formula_like_text_is_text(book: openpyxl.Workbook) -> None:
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    injected = [c for c in cells if c.value == HOSTILE[0]]
    assert injected  # written as it is, not quoted away …
    assert all(c.data_type == "s" and c.quotePrefix for c in injected)  # … as text
    assert all(not ws._hyperlinks for ws in book)  # URLs stay plain text


def test_a_history_too_long_for_a_sheet_keeps_its_most_recent_rows(
    many: ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.reports.excel.SHEET_ROWS", 100)
    book = openpyxl.load_workbook(io.BytesIO(workbook(many)))
    history = book["History"]
    assert history.max_row == 101
    kept = [row[0].value.date() for row in history.iter_rows(min_row=2)]
    assert min(kept) >= many.history["time"].sort(descending=True)[99]
    assert max(kept) == many.history["time"].max()
    facts = {r[0].value: r[1].value for r in book["Summary"].iter_rows(max_row=20)}
    assert facts["History sheet"] == (
        f"The most recent 100 of {many.history.height:,} rows: "
        "an Excel sheet holds no more."
    )


def test_a_failed_model_has_empty_scores_and_a_plain_reason() -> None:
    data = seasonal_naive()
    data.leaderboard = [
        *data.leaderboard,
        dict(FAILED_ROW, model="linear_regression", error=PLAIN_REASON),
    ]
    board = openpyxl.load_workbook(io.BytesIO(workbook(data)))["Backtest"]
    header = [c.value for c in board[1]]
    rows = [
        dict(zip(header, r, strict=True))
        for r in board.iter_rows(min_row=2, max_row=5, values_only=True)
    ]
    assert [r["model"] for r in rows] == [
        "Seasonal naive",
        "AutoETS (exponential smoothing)",
        "LightGBM on lags",
        "LightGBM on lags",
    ]
    scores = ("MASE", "sMAPE %", "MAPE %", "MAE", "RMSE", "80% range hit rate", "MSIS")
    for failed in rows[2:]:
        assert all(failed[k] is None for k in scores)  # empty cells, never 0
    assert rows[2]["why it failed"] == FALLBACK  # the raw IndexError is not shown
    assert rows[3]["why it failed"] == PLAIN_REASON
    assert RAW_ERROR not in str(list(board.values))
    assert rows[0]["MASE"] == pytest.approx(0.95) and rows[0]["why it failed"] is None


def test_summary_sheet_says_what_it_compares_and_why_the_forecast_is_flat() -> None:
    data = seasonal_naive()
    text = summarise(data)
    summary = openpyxl.load_workbook(io.BytesIO(workbook(data)))["Summary"]
    cells = [c.value for row in summary.iter_rows() for c in row if c.value]
    facts = {r[0].value: r[1].value for r in summary.iter_rows(max_row=20)}
    assert facts["Change"] == "next 12 months vs the last 12 months: +0.0%"
    assert text.headline in cells and text.trend_note in cells
    assert "What the app noticed" in cells and NO_ISSUES in cells


def test_summary_sheet_lists_what_cleaning_changed(book: openpyxl.Workbook) -> None:
    cells = [c.value for row in book["Summary"].iter_rows() for c in row if c.value]
    assert "Cleaning: Clipped 3 unusual values." in cells
    assert NO_ISSUES not in cells
