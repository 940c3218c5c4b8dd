"""Whether overrides helped: "forecast value added" over the overridden steps.

Demand planners judge an override by comparing, on the steps it changed, the error
of the final value with the error the statistical forecast would have made. Here both
are measured on the overridden steps that have an actual value: MAE, and MASE (each
absolute error scaled by its series' in-sample seasonal naive error, as in
``services.accuracy``, then averaged). ``value_added`` is the statistical MAE minus
the final MAE: above 0 the overrides helped, below 0 they made the forecast worse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from services.metrics import seasonal_scale
from services.numbers import DEFAULT_STYLE, NumberStyle, format_number
from services.overrides import with_override_columns


@dataclass(frozen=True)
class OverrideValue:
    """Errors of the final and the statistical values over the overridden steps."""

    n: int
    mae_final: float | None
    mae_statistical: float | None
    mase_final: float | None
    mase_statistical: float | None
    value_added: float | None
    message: str


def _mean(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(np.mean(finite)) if finite.size else None


def value_added(
    points: pl.DataFrame,
    actuals: pl.DataFrame,
    made_from: pl.DataFrame,
    season: int,
    style: NumberStyle = DEFAULT_STYLE,
) -> OverrideValue | None:
    """The overrides' value added; ``None`` when the forecast has no override.

    Parameters
    ----------
    points
        The forecast's points with overrides applied (``forecasts.forecast_points``).
    actuals
        Series, time and ``actual`` (null where not known yet), as in
        ``Accuracy.points``.
    made_from
        The history the forecast was made from (series, time, value): MASE's scale.
    season
        The season length of the data's frequency.
    style
        How the sentence writes numbers.

    """
    changed = (
        with_override_columns(points)
        .filter(pl.col("override_reason").is_not_null())
        .with_columns(pl.col("series").cast(pl.String))
    )
    if changed.is_empty():
        return None
    known = changed.join(
        actuals.select("series", "time", "actual"),
        on=["series", "time"],
        nulls_equal=True,
    ).drop_nulls("actual")
    if known.is_empty():
        return OverrideValue(
            0,
            None,
            None,
            None,
            None,
            None,
            "1 value was overridden; it has no actual value yet."
            if changed.height == 1
            else f"{changed.height} values were overridden; none has an actual "
            "value yet.",
        )
    scale = {
        label: seasonal_scale(
            made_from.filter(
                pl.col("series").is_null()
                if label is None
                else pl.col("series") == label
            )
            .sort("time")["value"]
            .to_numpy()
            .astype(float),
            season,
        )
        for label in known["series"].unique().to_list()
    }
    actual = known["actual"].to_numpy().astype(float)
    final = np.abs(known["forecast"].to_numpy().astype(float) - actual)
    statistical = np.abs(
        known["statistical_forecast"].to_numpy().astype(float) - actual
    )
    scales = np.array([scale[s] for s in known["series"].to_list()], dtype=float)
    mae_final, mae_statistical = float(np.mean(final)), float(np.mean(statistical))
    added = mae_statistical - mae_final
    n = known.height
    steps = "step" if n == 1 else "steps"
    if added > 0:
        verdict = "the overrides helped: their error"
    elif added < 0:
        verdict = "the overrides made the forecast worse: their error"
    else:
        verdict = "the overrides made no difference: their error"
    return OverrideValue(
        n,
        mae_final,
        mae_statistical,
        _mean(final / scales),
        _mean(statistical / scales),
        added,
        f"On the {n} overridden {steps} with an actual value, {verdict} (MAE) is "
        f"{format_number(mae_final, style)}, against "
        f"{format_number(mae_statistical, style)} for the statistical forecast.",
    )
