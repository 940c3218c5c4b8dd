"""The PDF report's "Why the model says so" section."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from services.explanation_features import Feature
from services.explanation_parts import Part
from services.explanations import Explanation, ModelExplanation, SeriesExplanation
from services.reports import exports
from services.reports.figures import report_figures
from services.reports.pdf import render_pdf
from tests.services.reports.conftest import build
from tests.services.test_explanations import stored_forecast, stored_lightgbm


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(page.extract_text() for page in reader.pages)


def _features() -> Explanation:
    model = ModelExplanation(
        "lightgbm",
        "LightGBM on lags",
        "machine learning",
        "features",
        "LightGBM on lags looks at 2 things.",
        features=[
            Feature("promo_futcov_lag0", "“promo”", 61.0, "“promo” carries 61%."),
            Feature("x", "“sales” 12 months earlier", 39.0, "It carries 39%."),
        ],
    )
    parts = [Part("level", 1230.0, "The level is about 1,230 a month over it.")]
    return Explanation(
        "f" * 32,
        "lightgbm",
        "LightGBM on lags",
        "LightGBM on lags looks at 2 things.",
        [SeriesExplanation(None, model.sentence, parts, [model])],
    )


def test_the_section_lists_the_sentences_and_the_features_shares() -> None:
    data = replace(build([None]), explanation=_features())
    text = _text(render_pdf(data, report_figures(data)).pdf)
    assert "Why the model says so" in text
    assert "The level is about 1,230 a month over it." in text
    assert "sales” 12 months earlier" in text and "61%" in text


def test_without_an_explanation_the_section_is_left_out() -> None:
    data = build([None])
    assert "Why the model says so" not in _text(render_pdf(data, {}).pdf)


def test_a_forecasts_pdf_explains_it(make_account: Any, tmp_path: Path) -> None:
    owner = make_account().id
    forecast_id = stored_forecast(owner, tmp_path, ["seasonal_naive"])
    text = _text(exports.render(owner, forecast_id, "pdf"))
    assert "Why the model says so" in text
    assert "The level is about" in text and "Season: December is highest" in text


def test_the_second_pdf_reads_the_kept_explanation_instead_of_refitting(
    make_account: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from services import explanations
    from services.numbers import DEFAULT_STYLE

    owner = make_account().id
    forecast_id = stored_lightgbm(owner, tmp_path)
    refits: list[str] = []
    shap = explanations.importance

    def counted(spec: Any, *args: Any, **kwargs: Any) -> Any:
        refits.append(spec.key)
        return shap(spec, *args, **kwargs)

    monkeypatch.setattr(explanations, "importance", counted)
    first = _text(exports.render(owner, forecast_id, "pdf"))
    assert refits == ["lightgbm"]  # the SHAP refit, once
    assert explanations.cache_path(owner, forecast_id, DEFAULT_STYLE).exists()
    second = _text(exports.render(owner, forecast_id, "pdf"))
    assert refits == ["lightgbm"]
    assert "“promo”" in first and "“promo”" in second
