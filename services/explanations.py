"""Why the model says so: a forecast explained in sentences, per its model family.

Statistical models and baselines: the forecast split into level, trend and season
(:mod:`services.explanation_parts`). LightGBM and linear regression: the features that
matter most, by SHAP (:mod:`services.explanation_features`). Deep networks and
Chronos-2: what they read. A combination: its members with their weights, each said
briefly, and the parts of the combined forecast. Every item carries a sentence.

The first explanation of a forecast is kept as JSON next to its points (one file per
number format), so the page, the API and the PDF compute it once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from services import calendars, datasets, storage
from services.calendars import Frequency
from services.errors import InvalidInputError
from services.explanation_features import (
    SHAP_MODELS,
    Feature,
    importance,
    inputs,
    top_feature_sentence,
)
from services.explanation_parts import Part, split
from services.explanation_types import (
    Explanation,
    ModelExplanation,
    SeriesExplanation,
)
from services.final_forecast import recipe_data
from services.fitting import SeriesData, Setup
from services.forecasts import ForecastInfo, forecast_points, get_forecast
from services.models import CATALOG, COMBINED
from services.numbers import DEFAULT_STYLE, NumberStyle, format_percent

log = logging.getLogger(__name__)

__all__ = [
    "Explanation",
    "ModelExplanation",
    "SeriesExplanation",
    "cache_path",
    "cached",
    "explain",
    "shares",
]

# Series explained at most (the first ones, in the forecast's order).
MAX_SERIES = 5


def explain(
    user_id: int, forecast_id: str, style: NumberStyle = DEFAULT_STYLE
) -> Explanation:
    """Why the forecast says what it says, in sentences (kept once computed).

    Parameters
    ----------
    style
        How the sentences write numbers.

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.
    InvalidInputError
        ``not_explainable``: a forecast with a model per series whose choices were
        not recorded (its run could not be tracked).

    Examples
    --------
    >>> explain(user_id, forecast_id).series[0].parts[0].sentence  # doctest: +SKIP
    'The level is about 1,230 a month over the forecast.'

    """
    kept = cached(user_id, forecast_id, style)
    if kept is not None:
        return kept
    info = get_forecast(user_id, forecast_id)
    explanation = _compute(user_id, info, style)
    cache_path(user_id, info.id, style).write_text(json.dumps(explanation.to_dict()))
    return explanation


def cached(
    user_id: int, forecast_id: str, style: NumberStyle = DEFAULT_STYLE
) -> Explanation | None:
    """The forecast's explanation if it was computed before, else None (quick).

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.

    """
    info = get_forecast(user_id, forecast_id)
    path = cache_path(user_id, info.id, style)
    if not path.exists():
        return None
    try:
        return Explanation.from_dict(json.loads(path.read_text()))
    except (ValueError, TypeError, KeyError):
        return None


def cache_path(user_id: int, forecast_id: str, style: NumberStyle) -> Path:
    """Where the forecast's explanation in ``style`` is kept."""
    tag = "comma" if style is NumberStyle.COMMA_POINT else "point"
    points = storage.forecast_path(user_id, forecast_id)
    return points.with_suffix(f".explanation-{tag}.json")


def _compute(user_id: int, info: ForecastInfo, style: NumberStyle) -> Explanation:
    recipe = _recipe(info)
    frame = datasets.open_version(user_id, info.dataset_id, info.version_id)
    frequency = Frequency(**recipe["frequency"])
    season = calendars.season_length(frequency)
    setup = Setup(info.horizon, season)
    data = recipe_data(frame, recipe, info.horizon).series
    points = forecast_points(user_id, info.id)
    plans = {label: plan for label, plan in recipe["plans"]}
    if recipe.get("rebuilt"):  # one plan for every series
        plans = {label: recipe["plans"][0][1] for label in data}
    labels = [label for label in data if label in plans][:MAX_SERIES]
    notes = []
    if len(data) > MAX_SERIES:
        notes.append(
            f"The first {MAX_SERIES} of {len(data)} series are explained here."
        )
    features = _shap_all(plans, recipe, data, setup, frequency, style, notes)
    explained = []
    for label in labels:
        rows = points.filter(
            pl.col("series").is_null() if label is None else pl.col("series") == label
        )
        parts = split(
            data[label].ts.values()[:, 0],
            rows["forecast"].to_numpy(),
            rows["time"].to_list(),
            season,
            frequency,
            style,
        )
        explained.append(
            _series(
                label, plans[label], recipe, data[label], setup, parts, features, style
            )
        )
    return Explanation(
        info.id,
        info.model,
        info.model_name,
        _summary(info, explained),
        explained,
        notes,
    )


def _recipe(info: ForecastInfo) -> dict[str, Any]:
    """The forecast's refit recipe, from its registered model; else rebuilt.

    A forecast whose run could not be recorded has none: its request and chosen
    model give the same, except a combination's weights (then equal).
    """
    name = info.metrics.get("registered_model")
    version = info.metrics.get("registered_version")
    if name and version:
        try:
            import mlflow

            from services.tracking import tracking_uri

            mlflow.set_tracking_uri(tracking_uri())
            model = mlflow.models.get_model_info(f"models:/{name}/{version}")
            return dict(model.flavors["python_function"]["config"])
        except Exception:
            log.warning("the recipe of forecast %s could not be read", info.id)
    if info.model != "combination" and info.model not in CATALOG:
        raise InvalidInputError(
            "This forecast's choice of models per series was not recorded, so it "
            "cannot be explained. Refresh it to make a forecast that can.",
            code="not_explainable",
        )
    keys = COMBINED if info.model == "combination" else [info.model]
    request = info.request
    params = {m["key"]: m.get("params") for m in request.get("models") or []}
    return {
        "time_column": info.time_column,
        "target": info.target,
        "series_columns": info.series_columns,
        "frequency": (info.frequency or Frequency(unit="day", step=1)).model_dump(),
        "transform": request.get("transform"),
        "drivers": list(request.get("drivers") or []),
        "params": {k: params.get(k) for k in keys},
        "plans": [[None, {"keys": keys, "combine": info.model == "combination"}]],
        "rebuilt": True,
    }


def _shap_all(
    plans: dict[str | None, dict[str, Any]],
    recipe: dict[str, Any],
    data: dict[str | None, SeriesData],
    setup: Setup,
    frequency: Frequency,
    style: NumberStyle,
    notes: list[str],
) -> dict[tuple[str | None, str], list[Feature]]:
    """SHAP shares per (series, model) of the feature models the plans use.

    Global models are refit once on every series long enough, as in the final fit.
    """
    wanted = {k for plan in plans.values() for k in plan["keys"] if k in SHAP_MODELS}
    found: dict[tuple[str | None, str], list[Feature]] = {}
    for key in sorted(wanted):
        spec = CATALOG[key]
        fits = {label: d for label, d in data.items() if len(d.ts) >= spec.min_history}
        try:
            shares = importance(
                spec,
                recipe["params"].get(key),
                list(fits.values()),
                setup,
                recipe["target"],
                frequency,
                style,
            )
        except Exception:  # SHAP must never break the page: said instead
            log.exception("SHAP of %s failed", key)
            notes.append(
                f"What {spec.name} looks at could not be measured for this data."
            )
            continue
        found.update({(label, key): f for label, f in zip(fits, shares, strict=True)})
    return found


def _series(
    label: str | None,
    plan: dict[str, Any],
    recipe: dict[str, Any],
    data: SeriesData,
    setup: Setup,
    parts: list[Part],
    features: dict[tuple[str | None, str], list[Feature]],
    style: NumberStyle,
) -> SeriesExplanation:
    keys: list[str] = list(plan["keys"])
    weights = plan.get("weights") or [1 / len(keys)] * len(keys)
    combined = bool(plan.get("combine")) and len(keys) > 1
    models = [
        _model(key, recipe, data, setup, features.get((label, key)), style)
        for key in keys
    ]
    if combined:  # the heaviest member first
        models = sorted(
            (replace(m, weight=float(w)) for m, w in zip(models, weights, strict=True)),
            key=lambda m: -(m.weight or 0),
        )
        members = ", ".join(
            f"{m.model_name} ({format_percent(100 * (m.weight or 0), style)})"
            for m in models
        )
        sentence = (
            f"The forecast is a weighted average of {len(models)} models, each "
            f"weighted by how well it did in the backtests: {members}."
        )
    else:
        sentence = models[0].sentence
    return SeriesExplanation(label, sentence, parts, models)


def _model(
    key: str,
    recipe: dict[str, Any],
    data: SeriesData,
    setup: Setup,
    features: list[Feature] | None,
    style: NumberStyle,
) -> ModelExplanation:
    spec = CATALOG[key]
    name, family = spec.name, spec.family
    params = recipe["params"].get(key)
    if family in ("baseline", "statistical"):
        return ModelExplanation(
            key,
            name,
            family,
            "components",
            f"{name}: {_lower(spec.description)} Its forecast is read as level, "
            "trend and season.",
        )
    if key in SHAP_MODELS:
        found = features or []
        sentence = top_feature_sentence(name, found, style) or (
            f"{name}: {_lower(spec.description)}"
        )
        return ModelExplanation(key, name, family, "features", sentence, [], found)
    described = inputs(
        spec,
        params,
        data,
        setup,
        recipe["target"],
        list(recipe.get("drivers") or []),
        Frequency(**recipe["frequency"]),
    )
    return ModelExplanation(
        key,
        name,
        family,
        "inputs",
        f"{name}: {_lower(spec.description)} It gives no simple measure of what "
        "each input weighs; here is what it reads.",
        [],
        described,
    )


def _lower(description: str) -> str:
    return description if description.endswith(".") else description + "."


def _summary(info: ForecastInfo, explained: list[SeriesExplanation]) -> str:
    if not explained:
        return f"“{info.target}” could not be explained."
    first = explained[0]
    if len(explained) == 1:
        return first.sentence
    where = f" ({first.series})" if first.series else ""
    return (
        f"Each series below is explained on its own. The first{where}: "
        + first.sentence
    )


def shares(explanation: Explanation) -> list[tuple[str, float]]:
    """The first series' feature shares (words, percent), largest first, for a chart.

    Examples
    --------
    >>> shares(explanation)  # doctest: +SKIP
    [('“sales” 12 months earlier', 41.03), ('“promo”', 22.5)]

    """
    for series in explanation.series:
        for model in series.models:
            found = [(f.words, f.share) for f in model.features if f.share is not None]
            if found:
                return [(words, float(share)) for words, share in found]
    return []
