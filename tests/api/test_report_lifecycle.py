"""A refreshed forecast's reports: the note, and how the last forecast did.

Real runs through the API (two stores, three months ahead), real files: the PDF read
back with pypdf, the workbook with openpyxl, the shared page as a stranger gets it.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import openpyxl
from pypdf import PdfReader

from services import accuracy_cache, db, forecasts, shares
from services.numbers import NumberStyle
from services.reports import content, exports, last_forecast
from tests.api.test_forecast_lifecycle import (
    _add_rows,
    _patch,
    _run,
    _stores,
    _upload_stores,
)
from tests.conftest import ApiClient

NOTE = '<b>Includes</b> the March promotion & =HYPERLINK("http://x","y")'


def _refresh(api: ApiClient, forecast_id: str) -> str:
    accepted = api.post(f"/api/v1/forecasts/{forecast_id}/refresh")
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    return str(job["forecast_id"])


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _cells(sheet: Any) -> list[Any]:
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


def test_a_refreshed_forecasts_reports_say_how_the_last_one_did(
    api: ApiClient, server: Any, tmp_path: Path
) -> None:
    user = api.account.id
    dataset = _upload_stores(api, tmp_path, 30)
    body = {"target": "sales", "horizon": 3, "models": ["naive"]}
    first = _run(api, dataset["id"], body)
    # Refreshed before any new month came in: nothing to judge yet.
    early = _refresh(api, first)
    waiting = content.collect(user, early, decompose=False).last_forecast
    assert waiting is not None and waiting.code == "no_actuals_yet"
    assert waiting.forecast_id == first and waiting.figures == []
    assert "cannot be told yet" in waiting.verdict
    assert content.collect(user, first, decompose=False).last_forecast is None

    # Three months come in; the refresh of ``early`` judges it on them.
    _add_rows(user, dataset["id"], _stores(range(30, 33)))
    latest = _refresh(api, early)
    assert _patch(api, f"/api/v1/forecasts/{latest}", {"note": NOTE}).status_code == 200
    measured = accuracy_cache.accuracy(user, early)
    section = content.collect(user, latest, decompose=False).last_forecast
    assert section is not None and section.forecast_id == early
    assert section.code == measured.verdict.code
    assert section.verdict == measured.verdict.message
    shown = {f.key: f for f in section.figures}
    assert shown["n"].value == 6 and shown["n"].text == "6"
    assert shown["mae"].value == measured.overall.mae
    assert shown["coverage_80"].value == measured.overall.coverage_80
    assert shown["coverage_95"].text.endswith("%")
    assert [row["series"] for row in section.series] == ["north", "south"]
    assert [row["n"] for row in section.series] == ["3", "3"]
    german = last_forecast.gather(
        user, forecasts.get_forecast(user, latest), NumberStyle.POINT_COMMA
    )
    assert german is not None and "," in {f.key: f for f in german.figures}["mase"].text

    # The PDF: the note as text (never markup) and the section with its numbers.
    text = _pdf_text(exports.render(user, latest, "pdf"))
    flat = " ".join(text.split())
    assert "<b>Includes</b> the March promotion &" in flat
    assert "How the last forecast did" in flat
    assert " ".join(section.introduction.split()[:6]) in flat
    assert "Series by series" in flat and "north" in flat
    assert shown["mae"].text in flat and shown["mase"].text in flat

    # The workbook: the note as text on the Summary sheet, the figures as numbers.
    book = openpyxl.load_workbook(io.BytesIO(exports.render(user, latest, "xlsx")))
    summary = book["Summary"]
    cells = _cells(summary)
    assert NOTE in cells and "How the last forecast did" in cells
    assert section.verdict in cells
    where = next(c for row in summary.iter_rows() for c in row if c.value == NOTE)
    assert where.data_type == "s" and summary.cell(where.row, 1).value == "Note"
    label = next(
        c for row in summary.iter_rows() for c in row if c.value == shown["n"].label
    )
    figure = summary.cell(label.row, 2)
    assert figure.value == 6 and figure.data_type == "n"
    per_series = book[last_forecast.SHEET]
    rows = list(per_series.iter_rows(values_only=True))
    assert rows[0][:2] == ("series", "actual values")
    assert [r[0] for r in rows[1:]] == ["north", "south"]
    assert [r[1] for r in rows[1:]] == [3, 3]
    # A forecast that refreshes none has no such section, nor the sheet.
    plain = openpyxl.load_workbook(io.BytesIO(exports.render(user, first, "xlsx")))
    assert "How the last forecast did" not in _cells(plain["Summary"])
    assert last_forecast.SHEET not in plain.sheetnames

    # The shared page shows the note, escaped.
    link = shares.create_share(user, latest, 7)
    stranger = server.test_client()
    stranger.environ_base["REMOTE_ADDR"] = f"10.9.{uuid.uuid4().int % 250}.7"
    page = stranger.get(f"/s/{link.token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "&lt;b&gt;Includes&lt;/b&gt; the March promotion &amp; =HYPERLINK" in html
    assert "<b>Includes</b>" not in html

    # Once the forecast it refreshed is deleted, the section goes.
    with db.session() as s:
        s.delete(s.get_one(db.Forecast, early))
    assert content.collect(user, latest, decompose=False).last_forecast is None
