"""Why the model says so: one forecast of each model family, explained in sentences."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from services import db, explanations
from services.errors import NotFoundError
from services.explanation_features import Feature, top_feature_sentence
from services.explanation_figures import importance_chart
from services.explanation_types import (
    Explanation,
    ModelExplanation,
    SeriesExplanation,
)
from services.forecast_request import ForecastRequest, resolve
from services.forecasts import run_forecast_job
from services.job_kinds import JobContext
from services.numbers import NumberStyle
from tests.conftest import make_dataset


def _sales(months: int, lift: float, noise: float, future: int = 12) -> pl.DataFrame:
    """Monthly sales with a trend, a December peak and promotions planned ahead."""
    rng = np.random.default_rng(5)
    promo = (rng.random(months + future) < 0.4).astype(float)
    rows = []
    for i in range(months + future):
        season = 150 if i % 12 == 11 else 10 * math.sin(2 * math.pi * i / 12)
        value = 1000 + 5 * i + season + lift * promo[i] + rng.normal(0, noise)
        rows.append(
            {
                "month": dt.date(2020 + i // 12, i % 12 + 1, 1),
                "promo": float(promo[i]),
                "sales": round(value, 1) if i < months else None,
            }
        )
    return pl.DataFrame(rows)


class _Quiet(JobContext):
    """A forecast job run here, in the test's process, reporting nowhere."""

    def progress(self, fraction: float, message: str) -> None:
        pass


def stored_forecast(
    owner: int,
    tmp_path: Path,
    models: Any,
    months: int = 48,
    lift: float = 0.0,
    noise: float = 2.0,
    **extra: Any,
) -> str:
    """Store a forecast of the sales as the forecast job does (without a worker)."""
    path = tmp_path / "sales.csv"
    _sales(months, lift, noise).write_csv(path)
    (tmp_path / "store").mkdir()
    dataset = make_dataset(owner, path, tmp_path / "store")
    request = ForecastRequest.model_validate(
        {"target": "sales", "horizon": 12, "models": models, "folds": 1, **extra}
    )
    resolved = resolve(owner, dataset.id, request)
    return run_forecast_job(
        _Quiet(db.new_id(), owner, resolved.model_dump(mode="json"))
    )


def stored_lightgbm(owner: int, tmp_path: Path) -> str:
    """A stored LightGBM forecast of the sales with the promotions as its driver."""
    return stored_forecast(
        owner,
        tmp_path,
        [{"key": "lightgbm", "params": {"n_estimators": 30, "lags": 3}}],
        months=60,
        lift=200.0,
        drivers=["promo"],
    )


def _sentences(explained: explanations.Explanation) -> list[str]:
    found = [explained.sentence]
    for series in explained.series:
        found += [series.sentence, *(p.sentence for p in series.parts)]
        for model in series.models:
            found += [model.sentence, *(f.sentence for f in model.features)]
    return found


def test_a_statistical_forecast_is_split_into_level_trend_and_season(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    forecast_id = stored_forecast(owner, tmp_path, ["auto_ets"])
    explained = explanations.explain(owner, forecast_id)
    [series] = explained.series
    level, trend, season = series.parts
    assert level.name == "level" and 1100 < (level.value or 0) < 1400
    assert level.sentence.startswith("The level is about 1,")
    assert "a month" in level.sentence
    assert trend.sentence.startswith("The trend adds about ")
    assert season.sentence.startswith("Season: December is highest")
    assert series.models[0].kind == "components"
    assert all(s and not s.startswith("[") for s in _sentences(explained))
    # Kept once computed, and read back the same; in the other number format too.
    path = explanations.cache_path(owner, forecast_id, NumberStyle.COMMA_POINT)
    assert json.loads(path.read_text())["forecast_id"] == forecast_id
    assert explanations.explain(owner, forecast_id) == explained
    other = explanations.explain(owner, forecast_id, NumberStyle.POINT_COMMA)
    assert other.series[0].parts[0].sentence.startswith("The level is about 1.")


def test_lightgbm_with_a_driver_names_the_features_that_matter(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    forecast_id = stored_lightgbm(owner, tmp_path)
    explained = explanations.explain(owner, forecast_id)
    [model] = explained.series[0].models
    assert model.kind == "features" and model.family == "machine learning"
    assert model.features[0].words == "“promo”", model.features
    assert model.sentence.startswith("LightGBM on lags looks at ")
    assert sum(f.share or 0 for f in model.features) <= 100.0001
    assert all("of what moves the forecast" in f.sentence for f in model.features)
    assert explanations.shares(explained)[0][0] == model.features[0].words
    # In the other number format, the sentence and the bar write the same share.
    other = explanations.explain(owner, forecast_id, NumberStyle.POINT_COMMA)
    bars = importance_chart(explanations.shares(other), NumberStyle.POINT_COMMA)
    top = bars.data[0].text[-1]  # the largest share, drawn on top
    assert f"(about {top} of what moves" in other.series[0].models[0].sentence


@pytest.mark.parametrize("share", [48.54, 48.46, 8.46, 8.44])
@pytest.mark.parametrize("style", list(NumberStyle))
def test_the_sentence_and_the_bar_write_the_top_share_alike(
    share: float, style: NumberStyle
) -> None:
    """48.54 once read 49% in the sentence and 48% on the bar (rounded twice)."""
    words = "“promo”"
    found = [
        Feature("promo_futcov_lag0", words, share, ""),
        Feature("value_target_lag-1", "“sales” 1 month earlier", share / 2, ""),
    ]
    sentence = top_feature_sentence("LightGBM", found, style)
    model = ModelExplanation(
        "lightgbm", "LightGBM", "ml", "features", sentence or "", [], found
    )
    series = SeriesExplanation(None, sentence or "", [], [model])
    explained = Explanation("f", "lightgbm", "LightGBM", sentence or "", [series])
    bars = importance_chart(explanations.shares(explained), style)
    top = bars.data[0].text[-1]  # the largest share, drawn on top
    assert bars.data[0].y[-1] == words
    assert sentence is not None and f"(about {top} of what moves" in sentence


def test_a_combination_lists_its_members_with_their_weights(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    forecast_id = stored_forecast(owner, tmp_path, ["auto"], noise=20.0)
    explained = explanations.explain(owner, forecast_id)
    [series] = explained.series
    assert explained.model == "combination"
    assert len(series.models) > 1
    assert math.isclose(sum(m.weight or 0 for m in series.models), 1, abs_tol=1e-6)
    # The weights the backtests gave, read from the run's recorded recipe.
    assert len({round(m.weight or 0, 6) for m in series.models}) > 1
    weights = [m.weight or 0 for m in series.models]
    assert weights == sorted(weights, reverse=True)  # the heaviest member first
    assert series.sentence.startswith("The forecast is a weighted average of")
    assert all(m.sentence for m in series.models)
    assert [p.name for p in series.parts] == ["level", "trend", "season"]


def test_chronos2_is_described_by_what_it_reads(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    forecast_id = stored_forecast(owner, tmp_path, ["chronos2"], drivers=["promo"])
    explained = explanations.explain(owner, forecast_id)
    [model] = explained.series[0].models
    assert model.kind == "inputs" and model.family == "foundation"
    assert all(f.share is None for f in model.features)
    sentences = [f.sentence for f in model.features]
    assert "It reads the last 48 months of “sales”" in sentences[0]
    assert "It reads the driver “promo” too." in sentences


def test_another_users_forecast_is_not_found(make_account: Any, tmp_path: Path) -> None:
    forecast_id = stored_forecast(make_account().id, tmp_path, ["naive"])
    with pytest.raises(NotFoundError):
        explanations.explain(make_account().id, forecast_id)


def test_a_forecast_without_its_recorded_choices_says_why_it_cannot_be_explained(
    make_account: Any, tmp_path: Path
) -> None:
    from services.errors import InvalidInputError

    owner = make_account().id
    forecast_id = stored_forecast(owner, tmp_path, ["naive"])
    with db.session() as s:  # as if its run had not been recorded, model per series
        row = s.get_one(db.Forecast, forecast_id)
        row.model = "per_series"
        row.metrics = {**row.metrics, "registered_model": None}
    with pytest.raises(InvalidInputError, match="cannot be explained"):
        explanations.explain(owner, forecast_id)


def test_a_season_below_the_level_at_its_highest_says_below_not_minus_above() -> None:
    from services.calendars import Frequency
    from services.explanation_parts import _season
    from services.numbers import DEFAULT_STYLE

    times = [dt.date(2020, m, 1) for m in (1, 2, 3)]
    # The forecast's three months all lie under the level: January least so.
    part = _season(
        np.array([-8.0, -10.0, -15.0]),
        times,
        100.0,
        12,
        Frequency(unit="month", step=1),
        DEFAULT_STYLE,
    )
    assert "-" not in part.sentence
    assert "January is highest, about 8" in part.sentence
    assert "below the level; March is lowest, about 15" in part.sentence
