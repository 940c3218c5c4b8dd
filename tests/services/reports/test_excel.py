"""The workbook: its sheets, real types, the native chart, and text that stays text."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import openpyxl
import polars as pl
import pytest

from services.reports.cells import EXPORT_COLUMNS
from services.reports.content import ReportData
from services.reports.excel import value_format, workbook
from services.reports.excel_chart import chart_frame
from services.reports.narrative import NO_ISSUES, summarise
from services.reports.reasons import FALLBACK
from tests.services.reports.conftest import (
    FAILED_ROW,
    HOSTILE,
    PLAIN_REASON,
    RAW_ERROR,
    build,
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
        "Series",
        "Chart data",
    ]
    forecast = book["Forecast"]
    assert [c.value for c in forecast[1]] == EXPORT_COLUMNS
    assert forecast.max_row == many.points.height + 1
    assert forecast.freeze_panes == "A2"
    table = next(iter(forecast.tables.values()))
    assert table.autoFilter is not None and table.ref == f"A1:I{forecast.max_row}"
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
    facts = {r[0].value: r[1] for r in summary.iter_rows(min_row=3, max_row=20)}
    assert facts["Data ends"].is_date
    assert facts["Data ends"].value.date() == dt.date(2023, 12, 1)
    assert facts["Backtest MASE"].value == pytest.approx(0.62)
    assert facts["Backtest MASE"].number_format == "0.00"
    assert facts["Backtest sMAPE"].value == pytest.approx(0.049)  # 4.9%
    assert facts["80% range hit rate"].value == pytest.approx(0.81)
    assert facts["80% range hit rate"].number_format == "0.0%"
    assert facts["Number of series"].value == 9
    assert facts["Number of series"].number_format == "#,##0"  # 9, never 9.00
    total = many.total_history.sort("time")["value"][-1]  # type: ignore[union-attr]
    assert facts["Last actual (total)"].value == pytest.approx(total)
    assert "#,##0" in facts["Last actual (total)"].number_format


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


def test_native_chart_shows_history_forecast_and_both_ranges(many: ReportData) -> None:
    data = workbook(many)
    parts = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "xl/charts/chart1.xml" in parts
    chart = zipfile.ZipFile(io.BytesIO(data)).read("xl/charts/chart1.xml").decode()
    assert "<c:lineChart>" in chart and "'Chart data'!$B$2" in chart
    assert '<c:areaChart><c:grouping val="stacked"/>' in chart
    names = re.findall(r"<c:tx><c:v>([^<]*)</c:v></c:tx>", chart)
    assert names == [
        "base",
        "95% range",
        "80% range",
        "95% range (high)",
        "History",
        "Forecast",
    ]
    legend = re.search(r"<c:legend>.*</c:legend>", chart)
    assert legend is not None
    # Beside the plot, not over it; the invisible base and the second half of the
    # 95% band have no entry of their own.
    assert '<c:legendPos val="r"/>' in legend[0]
    assert '<c:overlay val="1"/>' not in legend[0]
    deleted = re.findall(r'<c:idx val="(\d)"/><c:delete val="1"/>', legend[0])
    assert deleted == ["0", "3"]


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
    scores = ("MASE", "sMAPE", "MAPE", "MAE", "RMSE", "80% range hit rate", "MSIS")
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


def _header(sheet: Any) -> list[Any]:
    return [c.value for c in sheet[1]]


def test_every_data_table_is_an_excel_table_with_filters(
    book: openpyxl.Workbook,
) -> None:
    for name in ("Forecast", "History", "Backtest", "Cleaning", "Series", "Chart data"):
        sheet = book[name]
        tables = list(sheet.tables.values())
        assert tables, name
        for table in tables:
            assert table.autoFilter is not None, name
            assert table.headerRowCount in (None, 1), name  # a header row
        assert sheet.freeze_panes == "A2", name
        widths = [sheet.column_dimensions[c].width for c in "ABC"]
        assert all(w and w > 5 for w in widths), (name, widths)
    assert len(book["Backtest"].tables) == 2  # the leaderboard and the folds


def test_summary_reads_on_one_screen_and_prints_on_one_landscape_page(
    many: ReportData,
) -> None:
    data = workbook(many)
    summary = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    setup = summary.page_setup
    assert setup.orientation == "landscape"
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    # One page wide and tall (1 is the default, which Excel leaves unwritten).
    assert (setup.fitToWidth or 1, setup.fitToHeight or 1) == (1, 1)
    assert summary.print_area is not None
    assert summary.print_area.startswith("'Summary'!$A$1:$O$")
    # Labels in a column of their own, wrapped; the key figures beside them.
    assert 18 <= summary.column_dimensions["A"].width <= 30
    assert 20 <= summary.column_dimensions["B"].width <= 40
    assert summary["A3"].value == "Dataset" and summary["A3"].alignment.wrap_text
    assert summary["B3"].value == "shop.csv"
    # The chart sits beside the key figures, within the first 30 rows x 15 columns.
    drawing = zipfile.ZipFile(io.BytesIO(data)).read("xl/drawings/drawing1.xml")
    anchor = re.search(
        rb"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>.*?"
        rb"<xdr:to><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>",
        drawing,
    )
    assert anchor is not None
    first_col, first_row, last_col, last_row = map(int, anchor.groups())
    assert first_col == 3 and first_row == 2  # D3, right of the key figures
    assert last_col <= 14 and last_row <= 30
    # The words start below the chart, across the page.
    headline = summarise(many).headline
    row = next(r for r in summary.iter_rows() if r[0].value == headline)[0].row
    assert row > last_row + 1
    assert f"A{row}:O{row}" in {str(m) for m in summary.merged_cells.ranges}


def test_a_numeric_series_key_is_shown_as_its_name() -> None:
    data = build(["3", "7", "12"])
    book = openpyxl.load_workbook(io.BytesIO(workbook(data)))
    for name in ("Forecast", "History", "Series"):
        sheet = book[name]
        column = _header(sheet).index("series") + 1
        keys = {sheet.cell(r, column).value for r in range(2, sheet.max_row + 1)}
        cells = [sheet.cell(r, column) for r in range(2, sheet.max_row + 1)]
        assert keys == {"3", "7", "12"}, name
        assert all(c.data_type == "s" for c in cells), name  # text, never 3.00
    one = openpyxl.load_workbook(io.BytesIO(workbook(build(["3"]))))["Summary"]
    facts = {r[0].value: r[1] for r in one.iter_rows(min_row=3, max_row=20)}
    assert facts["Series"].value == "3" and facts["Series"].data_type == "s"
    assert "Number of series" not in facts


def test_numbers_are_numbers_with_thousands_separators(
    book: openpyxl.Workbook,
) -> None:
    forecast = book["Forecast"]
    for column in range(3, 8):
        cell = forecast.cell(2, column)
        assert cell.data_type == "n" and "#,##0" in cell.number_format
    board = book["Backtest"]
    header = _header(board)
    shown = {h: board.cell(2, i + 1).number_format for i, h in enumerate(header)}
    assert shown["sMAPE"] == shown["MAPE"] == shown["80% range hit rate"] == "0.0%"
    assert board.cell(2, header.index("sMAPE") + 1).value == pytest.approx(0.049)
    assert "#,##0" in shown["MAE"] and shown["MASE"] == "0.00"
    series = book["Series"]
    change = series.cell(2, _header(series).index("change") + 1)
    assert change.number_format == "0.0%" and abs(change.value) < 1  # a share


def test_value_format_follows_the_size_of_the_values() -> None:
    assert value_format(pl.Series([36_435.1, 40_000.0])) == "#,##0"
    assert value_format(pl.Series([432.5, 410.0])) == "#,##0"
    assert value_format(pl.Series([43.25, 41.0])) == "#,##0.0"
    assert value_format(pl.Series([5.31, 4.2])) == "#,##0.00"
    assert value_format(pl.Series([0.0123, 0.02])) == "#,##0.0000"
    assert value_format(pl.Series([None, 0.0], dtype=pl.Float64)) == "#,##0.00"


def test_the_charted_forecast_starts_at_the_last_actual(
    trending_naive: ReportData,
) -> None:
    frame = chart_frame(trending_naive)
    last = trending_naive.history.sort("time").tail(1).row(0, named=True)
    joint = frame.filter(pl.col("time") == last["time"]).row(0, named=True)
    assert joint["history"] == joint["forecast"] == last["value"]
    assert joint["lower_95"] == joint["upper_95"] == last["value"]
    assert joint["80% band"] == 0
    ahead = frame.filter(pl.col("time") > last["time"])
    assert ahead["history"].null_count() == ahead.height == trending_naive.horizon
    bands = ahead.select(
        (pl.col("chart base (95% low)") == pl.col("lower_95")).alias("base"),
        (
            pl.col("chart base (95% low)") + pl.col("95% band below 80%")
            == pl.col("lower_80")
        ).alias("below"),
    )
    assert bands.to_series(0).all() and bands.to_series(1).all()


def test_hourly_data_shows_its_hours(single: ReportData) -> None:
    hour = pl.duration(hours=13)
    single.history = single.history.with_columns(
        pl.col("time").cast(pl.Datetime) + hour
    )
    single.points = single.points.with_columns(pl.col("time").cast(pl.Datetime) + hour)
    book = openpyxl.load_workbook(io.BytesIO(workbook(single)))
    assert book["Forecast"]["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert book["Forecast"]["A2"].value == dt.datetime(2024, 1, 1, 13)
    assert book["Chart data"]["A2"].number_format == "yyyy-mm-dd hh:mm"
    facts = {r[0].value: r[1] for r in book["Summary"].iter_rows(min_row=3, max_row=20)}
    assert facts["Data ends"].number_format == "yyyy-mm-dd hh:mm"
    assert facts["Data ends"].value == dt.datetime(2023, 12, 1, 13)
