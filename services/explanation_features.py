"""What a model with features looks at: SHAP shares in plain words, or its inputs.

LightGBM and linear regression are refit exactly as the final forecast fits them (the
same parameters, seed, transform and drivers) and explained with Darts'
``ShapExplainer`` (SHAP's tree or linear explainer): a feature's importance is its
share of the total absolute SHAP value over every explained step. The deep networks
and Chronos-2 get no numbers: SHAP on them means refitting a network (or running a
pretrained model hundreds of times) for each explanation, minutes where a user
waits. They are described by what they read instead: how many past values, which
drivers, the calendar.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from services import fitting
from services.calendars import Frequency, step_name
from services.fitting import SeriesData, Setup
from services.models.base import ModelSpec
from services.numbers import DEFAULT_STYLE, NumberStyle, format_percent

# The most features one explanation lists, and the smallest share it keeps.
TOP_FEATURES = 8
MIN_SHARE = 0.5
# Models whose features Darts' ShapExplainer explains quickly.
SHAP_MODELS = ("lightgbm", "linear_regression")
_NAME = re.compile(r"^(?P<name>.*)_(?P<kind>target|pastcov|futcov)_lag(?P<lag>-?\d+)$")
_CALENDAR = {
    "month": "month of the year",
    "dayofweek": "day of the week",
    "weekofyear": "week of the year",
    "quarter": "quarter of the year",
    "hour": "hour of the day",
    "day": "day of the month",
    "dayofyear": "day of the year",
}


@dataclass(frozen=True)
class Feature:
    """One thing a model looks at, in words, with its share of the importance.

    ``share`` is a percentage of the total absolute SHAP value (None where the model
    is described without numbers).
    """

    feature: str
    words: str
    share: float | None
    sentence: str


def words_for(feature: str, target: str, frequency: Frequency | None) -> str:
    """A Darts feature name in plain words.

    Examples
    --------
    >>> month = Frequency(unit="month", step=1)
    >>> words_for("value_target_lag-12", "sales", month)
    '“sales” 12 months earlier'
    >>> words_for("promo_futcov_lag0", "sales", month)
    '“promo”'
    >>> words_for("darts_enc_fc_dta_month_futcov_lag0", "sales", month)
    'month of the year'

    """
    if feature.startswith("darts_enc_"):
        for key, words in _CALENDAR.items():
            if re.search(rf"_{key}(_|$)", feature):
                return words
        return "the calendar"
    match = _NAME.match(feature)
    if match is None:
        return f"“{feature}”"
    name = target if match["kind"] == "target" else match["name"]
    lag = int(match["lag"])
    if lag == 0:
        return f"“{name}”"
    steps = step_name(frequency, abs(lag)) if frequency else f"{abs(lag)} steps"
    return f"“{name}” {steps} {'earlier' if lag < 0 else 'ahead'}"


def importance(
    spec: ModelSpec,
    params: dict[str, Any] | None,
    data: list[SeriesData],
    setup: Setup,
    target: str,
    frequency: Frequency | None,
    style: NumberStyle = DEFAULT_STYLE,
) -> list[list[Feature]]:
    """The features that matter most to ``spec`` refit on ``data``, per series.

    Each series' list is sorted by share, at most :data:`TOP_FEATURES` long, leaving
    out features under :data:`MIN_SHARE` percent.
    """
    from darts.explainability import ShapExplainer

    context = fitting.context_for(spec, setup.season, data, setup.horizon)
    model = spec.model(params, context)
    together = spec.multi_series and len(data) > 1
    steps = [
        fitting.pipeline(d.transform, d.ts, context.season, together) for d in data
    ]
    trains = [
        d.ts if p is None else p.fit_transform(d.ts)
        for d, p in zip(data, steps, strict=True)
    ]
    past = [d.past for d in data] if context.past_covariates else None
    future = [d.future for d in data] if context.future_covariates else None
    model.fit(trains, past_covariates=past, future_covariates=future)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explained = ShapExplainer(
            model,
            background_series=trains,
            background_past_covariates=past,
            background_future_covariates=future,
            test_stationarity=False,
        ).explain()
    per_series = explained.explained_forecasts
    if isinstance(per_series, dict):
        per_series = [per_series]
    return [
        _ranked(_totals(horizons), target, frequency, style) for horizons in per_series
    ]


def _totals(horizons: dict[int, dict[str, Any]]) -> dict[str, float]:
    """Absolute SHAP values summed over horizons and times, per feature.

    A quantile model explains each quantile; its median stands for it.
    """
    totals: dict[str, float] = {}
    for by_component in horizons.values():
        names = list(by_component)
        chosen = next((n for n in names if "q0.500" in n), names[0])
        values = by_component[chosen]
        magnitudes = np.nansum(np.abs(values.values()), axis=0)
        for name, size in zip(values.components, magnitudes, strict=True):
            totals[str(name)] = totals.get(str(name), 0.0) + float(size)
    return totals


def _ranked(
    totals: dict[str, float],
    target: str,
    frequency: Frequency | None,
    style: NumberStyle,
) -> list[Feature]:
    grouped: dict[str, tuple[str, float]] = {}
    for name, size in totals.items():
        words = words_for(name, target, frequency)
        first, total = grouped.get(words, (name, 0.0))
        grouped[words] = (first, total + size)
    whole = sum(size for _, size in grouped.values())
    if whole <= 0:
        return []
    features = [
        Feature(
            name,
            words,
            100 * size / whole,
            f"{words[0].upper() + words[1:]} carries about "
            f"{format_percent(100 * size / whole, style)} of what moves the forecast.",
        )
        for words, (name, size) in grouped.items()
    ]
    features.sort(key=lambda f: -(f.share or 0))
    return [f for f in features if (f.share or 0) >= MIN_SHARE][:TOP_FEATURES]


def top_feature_sentence(
    model_name: str, features: list[Feature], style: NumberStyle = DEFAULT_STYLE
) -> str | None:
    """What matters most to the model, said with its share as the chart writes it.

    The share is the feature's own, formatted once in ``style``: the sentence and
    the bar of :func:`services.explanation_figures.importance_chart` read the same.
    None without a measured share.

    Examples
    --------
    >>> promo = Feature("promo_futcov_lag0", "“promo”", 8.46, "")
    >>> top_feature_sentence("LightGBM", [promo], NumberStyle.POINT_COMMA).split("(")[1]
    'about 8,5% of what moves the forecast).'
    >>> top_feature_sentence("LightGBM", [promo], NumberStyle.POINT_COMMA)
    'LightGBM looks at one thing only: “promo” (about 8,5% of what moves the forecast).'

    """
    if not features or features[0].share is None:
        return None
    top = features[0]
    share = f"about {format_percent(top.share, style)} of what moves the forecast"
    if len(features) == 1:
        return f"{model_name} looks at one thing only: {top.words} ({share})."
    return (
        f"{model_name} looks at {len(features)} things; what matters most is "
        f"{top.words} ({share})."
    )


def inputs(
    spec: ModelSpec,
    params: dict[str, Any] | None,
    data: SeriesData,
    setup: Setup,
    target: str,
    drivers: list[str],
    frequency: Frequency | None,
) -> list[Feature]:
    """What a deep network, Chronos-2 or LightGBM across series reads, in words."""
    reads = _window(spec, params, data, setup)
    length = f"the last {step_name(frequency, reads)}" if frequency else "the last"
    history = (
        f"{length} of “{target}”" if reads else f"the recent history of “{target}”"
    )
    found = [
        Feature(
            "history",
            f"recent “{target}”",
            None,
            f"It reads {history} and learns the shape of what comes next.",
        )
    ]
    for name in drivers:
        found.append(
            Feature(name, f"“{name}”", None, f"It reads the driver “{name}” too.")
        )
    if spec.key in ("tsmixer", "tide", "global_lightgbm") and setup.season > 1:
        found.append(
            Feature(
                "calendar",
                "the calendar",
                None,
                "It knows where each step falls in the season (the calendar).",
            )
        )
    return found


def _window(
    spec: ModelSpec, params: dict[str, Any] | None, data: SeriesData, setup: Setup
) -> int:
    """How many past values the model reads (0 when it cannot be said)."""
    if spec.key == "chronos2":
        limit = int((params or {}).get("context_length", 2048))
        return min(limit, len(data.ts))
    try:
        context = fitting.context_for(spec, setup.season, [data], setup.horizon)
        return int(getattr(spec.model(params, context), "input_chunk_length", 0))
    except Exception:  # a network that cannot be built here: said without a number
        return 0
