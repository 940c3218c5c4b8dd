"""The PDF report: its sections and numbers, vector charts, and nothing fetched."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace

import polars as pl
import pytest
from pypdf import PdfReader

from services.numbers import NumberStyle
from services.reports.branding import Branding
from services.reports.charts import to_svg
from services.reports.content import ReportData, assemble
from services.reports.figures import report_figures
from services.reports.narrative import NO_ISSUES, number, percent, summarise
from services.reports.pdf import TEMPLATES, RenderedReport, ReportFetcher, render_pdf
from services.reports.reasons import FALLBACK
from tests.services.reports.conftest import (
    FAILED_ROW,
    HOSTILE,
    PLAIN_REASON,
    build,
    seasonal_naive,
)

SECTIONS = [
    "Executive summary",
    "The data and its quality",
    "Cleaning steps",
    "Trend and repeating pattern",
    "Model comparison",
    "The forecast",
    "Method",
    "Glossary",
]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01"
    b"\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _text(report: RenderedReport) -> str:
    reader = PdfReader(io.BytesIO(report.pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _render(data: ReportData, branding: Branding | None = None) -> RenderedReport:
    return render_pdf(data, report_figures(data), branding)


@pytest.fixture(scope="module")
def single_report() -> tuple[ReportData, RenderedReport]:
    data = build([None])
    return data, _render(data, Branding("Acme planning", "#aa3300", PNG))


def test_sections_and_numbers_of_a_single_series(
    single_report: tuple[ReportData, RenderedReport],
) -> None:
    data, report = single_report
    text = _text(report)
    assert report.chart_error is None and report.refused == []
    positions = [text.index(section) for section in SECTIONS]
    assert positions == sorted(positions)  # every section, in order
    assert "Acme planning" in text and "Forecast of sales" in text
    assert summarise(data).headline in text.replace("\n", " ")
    for row in data.points.iter_rows(named=True):  # the forecast table, row by row
        line = " ".join(
            number(row[k])
            for k in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95")
        )
        assert f"{row['time'].strftime('%b %Y')} {line}" in text
    assert "Clipped 3 unusual values." in text and "2 periods are missing." in text
    assert "mean over the" not in text  # one series: its own scores
    # No model failed: no empty "Why it failed" column.
    assert "Why it failed" not in text


def test_charts_are_vector_drawings(
    single_report: tuple[ReportData, RenderedReport],
) -> None:
    _data, report = single_report
    text = _text(report)
    # Legend and axis words are text in the PDF only if the SVG stayed vector.
    for word in ("95% range", "80% range", "History", "MASE in backtests", "trend"):
        assert word in text
    images = {
        (x.get_object().get("/Width"), x.get_object().get("/Height"))
        for page in PdfReader(io.BytesIO(report.pdf)).pages
        for x in page["/Resources"].get("/XObject", {}).values()
        if x.get_object().get("/Subtype") == "/Image"
    }
    assert images == {(1, 1)}  # the only bitmap is the 1×1 logo


def test_many_series_body_and_appendix() -> None:
    data = build([f"store {i}" for i in range(6)])
    text = _text(_render(data))
    assert "The body shows the total and 5 of the 6 series" in text
    assert "Appendix: the other series" in text
    appendix = text[text.index("Appendix: the other series") :]
    shown = set(data.featured)
    rest = [s for s in data.summary["series"].to_list() if s not in shown]
    assert rest and all(name in appendix for name in rest)
    assert "Forecast of Total of sales over 6 series" in text
    # The model table's scores are means over the series, and say so.
    flat = " ".join(text.split())
    assert "ranks them by their errors, each the mean over the 6 series." in flat


def test_hostile_names_and_titles_embed_nothing() -> None:
    data = build([f"store {i}" for i in range(3)] + HOSTILE, target=HOSTILE[1])
    data.dataset_name = "<script>fetch('http://169.254.169.254/')</script>"
    branding = Branding(title="file:///etc/passwd", accent="#123456")
    report = _render(data, branding)
    assert report.refused == []  # nothing tried to reach outside the templates
    text = _text(report)
    assert "<img src='file:///etc/passwd'>" in text  # shown as text …
    assert "file:///etc/passwd" in text and "<script>" in text
    assert "root:x:0:0" not in text  # … never fetched
    for page in PdfReader(io.BytesIO(report.pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert "169.254" not in str(action.get("/URI", ""))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "data:image/png;base64,iVBORw0KGgo=",
        f"{TEMPLATES.as_uri()}/../pdf.py",
        f"{TEMPLATES.as_uri()}/%2e%2e/pdf.py",
        "file://otherhost/etc/passwd",
        "report:not-a-chart",
    ],
)
def test_the_fetcher_refuses_everything_but_its_assets(url: str) -> None:
    fetcher = ReportFetcher({"chart-x": (b"<svg/>", "image/svg+xml")})
    with pytest.raises(ValueError, match="only its own assets"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_its_charts_and_templates() -> None:
    fetcher = ReportFetcher({"chart-x": (b"<svg/>", "image/svg+xml")})
    chart: Callable[[str], object] = fetcher.fetch
    assert chart("report:chart-x").read() == b"<svg/>"  # type: ignore[attr-defined]
    css = fetcher.fetch(f"{TEMPLATES.as_uri()}/report.css")
    assert css.content_type == "text/css" and b"@page" in css.read()


def test_a_stuck_chart_browser_is_replaced(
    single_report: tuple[ReportData, RenderedReport],
) -> None:
    data, _report = single_report
    figures = report_figures(data)
    with pytest.raises(TimeoutError):
        to_svg(figures, deadline=0.001)  # gives up instead of holding the request
    drawn = to_svg(figures)  # a fresh browser draws the next report
    assert set(drawn) == set(figures) and drawn["forecast"].startswith(b"<svg")


@pytest.fixture(scope="module")
def naive_report() -> tuple[ReportData, RenderedReport]:
    """Seasonal naive on a trending series; LightGBM failed, linear regression too."""
    data = seasonal_naive()
    data.leaderboard = [
        *data.leaderboard,
        dict(FAILED_ROW, model="linear_regression", name="Linear", error=PLAIN_REASON),
    ]
    return data, _render(data)


def test_a_failed_model_shows_a_dash_and_its_reason(
    naive_report: tuple[ReportData, RenderedReport],
) -> None:
    _data, report = naive_report
    text = " ".join(_text(report).split())
    comparison = text[text.index("Model comparison") :]
    assert f"LightGBM on lags — — — — — {FALLBACK}" in comparison
    assert f"Linear — — — — — {PLAIN_REASON}" in comparison
    assert "Why it failed" in comparison
    assert "IndexError" not in text and "out of bounds" not in text


def test_the_summary_says_what_it_compares_and_why_the_forecast_is_flat(
    naive_report: tuple[ReportData, RenderedReport],
) -> None:
    data, report = naive_report
    text = " ".join(_text(report).split())
    words = summarise(data)
    assert words.headline in text and words.trend_note in text  # type: ignore[operator]
    assert "next 12 months vs the last 12 months: +0.0%" in text
    assert "stay about level" not in words.headline


def test_no_issues_is_said_only_of_untouched_data(
    single_report: tuple[ReportData, RenderedReport],
    naive_report: tuple[ReportData, RenderedReport],
) -> None:
    cleaned = " ".join(_text(single_report[1]).split())
    assert NO_ISSUES not in cleaned
    assert "Cleaning: Clipped 3 unusual values." in cleaned
    assert NO_ISSUES in " ".join(_text(naive_report[1]).split())


def test_numbers_are_written_in_the_reader_s_style() -> None:
    """Values around 60,000 read ``60.780`` and ``2,5%`` for a 1.234,5 reader."""
    base = build([None])
    big = pl.col("forecast", "lower_80", "upper_80", "lower_95", "upper_95")
    data = assemble(
        replace(
            base,
            history=base.history.with_columns(pl.col("value") * 400),
            points=base.points.with_columns(big * 400),
            backtests=base.backtests.with_columns(pl.col("actual", "forecast") * 400)
            if base.backtests is not None
            else None,
        )
    )
    style = NumberStyle.POINT_COMMA
    report = render_pdf(data, report_figures(data, style), style=style)
    text = _text(report)
    assert summarise(data, style).headline in text.replace("\n", " ")
    for row in data.points.iter_rows(named=True):
        line = " ".join(
            number(row[k], style)
            for k in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95")
        )
        assert "." in line and f"{row['time'].strftime('%b %Y')} {line}" in text
    assert "e+" not in text
    chosen = next(r for r in data.leaderboard if r["model"] == data.model)
    assert percent(chosen["smape"], style=style) in text and "," in percent(
        chosen["smape"], style=style
    )
