"""Accuracy per hierarchy level: the rows, the Models page's table and the PDF's."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from typing import Any

from pypdf import PdfReader

from components import ids
from components.summaries import scores_table
from services.forecasts import ForecastInfo
from services.numbers import NumberStyle
from services.reports.levels import level_rows, plural
from services.reports.pdf import render_pdf
from tests.services.reports.conftest import build

LEVELS = [
    {"level": "total", "series": 1, "model": "AutoETS", "mase": 0.8123, "smape": 3.21},
    {"level": "region", "series": 2, "model": "AutoETS", "mase": 1.04, "smape": 5.5},
    {
        "level": "store",
        "series": 1234,
        "model": "Several models",
        "mase": 1.5,
        "smape": None,
    },
]


def test_rows_name_each_level_in_words_and_write_numbers_in_the_style() -> None:
    rows = level_rows(LEVELS, NumberStyle.POINT_COMMA)
    assert [(r.level, r.series, r.mase, r.smape, r.model) for r in rows] == [
        ("All stores", "1", "0,812", "3,2%", "AutoETS"),
        ("Region", "2", "1,04", "5,5%", "AutoETS"),
        ("Store", "1.234", "1,5", "—", "Several models"),
    ]


def test_without_levels_there_are_no_rows_and_odd_rows_still_read() -> None:
    assert level_rows(None) == [] and level_rows([]) == []
    (only,) = level_rows([{"level": "total", "series": 1, "model": None}])
    assert (only.level, only.mase, only.model) == ("All series", "—", "—")
    assert level_rows(LEVELS[:1] + [{"level": "store_id"}])[1].level == "Store id"
    assert plural("category") == "categories" and plural("day") == "days"


def _info(metrics: dict[str, Any]) -> ForecastInfo:
    board = [{"model": "auto_ets", "name": "AutoETS", "mase": 0.8, "coverage": 0.8}]
    return ForecastInfo(
        id="0" * 32,
        dataset_id="1" * 32,
        version_id="2" * 32,
        target="sales",
        horizon=6,
        model="auto_ets",
        model_name="AutoETS",
        time_column="month",
        series_columns=["region", "store"],
        metrics={"leaderboard": board, **metrics},
        created_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
    )


def _find(node: Any, wanted: str) -> Any:
    """The component with this id in a Dash tree, or None."""
    if getattr(node, "id", None) == wanted:
        return node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _find(child, wanted)
            if found is not None:
                return found
    return None


def test_the_models_page_shows_the_table_under_the_leaderboard() -> None:
    page = scores_table(_info({"levels": LEVELS}))
    table = _find(page, ids.MODELS_LEVELS_TABLE)
    assert table is not None
    body = table.children[1].children
    assert [[c.children for c in row.children] for row in body][0] == [
        "All stores",
        "1",
        "0.812",
        "3.2%",
        "AutoETS",
    ]
    text = str(page.to_plotly_json())
    assert text.index("models-leaderboard-table") < text.index("Accuracy per level")


def test_a_forecast_without_levels_shows_no_table() -> None:
    assert _find(scores_table(_info({})), ids.MODELS_LEVELS_TABLE) is None


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_pdf_shows_the_table_in_the_model_comparison() -> None:
    text = _text(render_pdf(replace(build([None]), levels=LEVELS), {}).pdf)
    table = text.index("Accuracy per level")
    assert text.index("Model comparison") < table < text.index("The forecast")
    assert "All stores 1 0.812 3.2% AutoETS" in text
    assert "Store 1,234 1.5 — Several models" in text
    assert "Accuracy per level" not in _text(render_pdf(build([None]), {}).pdf)
