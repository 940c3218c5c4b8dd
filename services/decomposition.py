"""Splitting a series into trend, seasonal and remainder parts, and their strengths.

The decompositions are statsmodels' (robust STL, MSTL for several seasons, classical
additive or multiplicative); the strengths are Wang, Smith & Hyndman's (2006).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from pydantic import BaseModel

# Imported here, once, not inside functions: threads of the web server importing the
# same large module at the same moment can see it half-initialised.
from statsmodels.tsa.seasonal import MSTL, STL, seasonal_decompose

from services.errors import InvalidInputError

Method = Literal["stl", "additive", "multiplicative"]
TrendDirection = Literal["upward", "downward", "flat"]
# Longer seasons are found and named but not decomposed unless asked for: MSTL with a
# season of 672 (a week of 15-minute steps) takes 13 s on 5,000 points here.
LONGEST_DECOMPOSED = 400


class Decomposition(BaseModel):
    """Trend, seasonal and remainder parts, aligned with ``time``."""

    method: str
    period: int | None
    time: list[str]
    observed: list[float]
    trend: list[float]
    seasonal: list[float]
    remainder: list[float]


@dataclass(frozen=True)
class DecomposedSeries:
    """A decomposition and what it says about the trend and the pattern."""

    decomposition: Decomposition
    trend_strength: float
    seasonal_strength: float | None
    trend_direction: TrendDirection
    note: str | None = None


def decompose(
    data: pl.DataFrame,
    values: np.ndarray,
    method: Method,
    period: int | None,
    seasons: list[int],
) -> DecomposedSeries:
    """Decompose ``values`` (the ``value`` column of ``data``, dated by its ``time``).

    Parameters
    ----------
    method
        ``stl`` (robust STL; MSTL when several of ``seasons`` fit), or classical
        ``additive`` or ``multiplicative``.
    period
        The season length; ``None``, or a season without room for two cycles, gives
        the trend only (a centred rolling mean), with a note saying so.
    seasons
        The detected season lengths, which MSTL decomposes together.

    Raises
    ------
    InvalidInputError
        For a multiplicative decomposition of values that are not all above zero.

    """
    note = None
    if period is None or len(values) < 2 * period + 1:
        if period is not None:
            note = (
                f"Too short for a season of {period}: the "
                "decomposition shows the trend only."
            )
        trend = (
            pl.Series(values)
            .rolling_mean(max(3, len(values) // 10), center=True, min_samples=1)
            .to_numpy()
        )
        seasonal = np.zeros_like(values)
        used = "trend only"
        period = None
    elif method == "stl" and len(several := _fitting_seasons(seasons, values)) > 1:
        fit = MSTL(values, periods=several).fit()
        trend, seasonal = fit.trend, np.asarray(fit.seasonal).sum(axis=1)
        used = "MSTL (" + " and ".join(str(p) for p in several) + ")"
    elif method == "stl":
        fit = STL(values, period=period, robust=True).fit()
        trend, seasonal = fit.trend, fit.seasonal
        used = "STL (robust)"
    else:
        if method == "multiplicative" and (values <= 0).any():
            raise InvalidInputError(
                "A multiplicative decomposition needs values above zero.",
                code="invalid_method",
            )
        fit = seasonal_decompose(
            values, model=method, period=period, extrapolate_trend="freq"
        )
        trend, seasonal = np.asarray(fit.trend), np.asarray(fit.seasonal)
        used = f"classical {method}"
    if method == "multiplicative" and period is not None:
        remainder = values / (trend * seasonal)
        trend_part, seasonal_part, rest = (
            np.log(trend),
            np.log(seasonal),
            np.log(remainder),
        )
    else:
        remainder = values - trend - seasonal
        trend_part, seasonal_part, rest = trend, seasonal, remainder
    trend_strength = _strength(rest, trend_part + rest)
    slope = (trend[-1] - trend[0]) / max(1e-12, np.nanstd(values) or 1.0)
    direction: TrendDirection = (
        "flat"
        if abs(slope) < 0.5 or trend_strength < 0.3
        else "upward"
        if slope > 0
        else "downward"
    )
    times = [str(t) for t in data["time"].to_list()]
    decomposition = Decomposition(
        method=used,
        period=period,
        time=times,
        observed=values.tolist(),
        trend=np.asarray(trend, dtype=float).tolist(),
        seasonal=np.asarray(seasonal, dtype=float).tolist(),
        remainder=np.asarray(remainder, dtype=float).tolist(),
    )
    return DecomposedSeries(
        decomposition=decomposition,
        trend_strength=trend_strength,
        seasonal_strength=_strength(rest, seasonal_part + rest) if period else None,
        trend_direction=direction,
        note=note,
    )


def _fitting_seasons(seasons: list[int], values: np.ndarray) -> list[int]:
    """The detected seasons with room for two full cycles, shortest first.

    Seasons longer than :data:`LONGEST_DECOMPOSED` are left to a chosen period.
    """
    return sorted(
        s for s in seasons if len(values) >= 2 * s + 1 and s <= LONGEST_DECOMPOSED
    )


def _strength(remainder: np.ndarray, component_plus_remainder: np.ndarray) -> float:
    """Wang, Smith & Hyndman (2006): 1 − Var(R) / Var(component + R), floored at 0."""
    total = float(np.nanvar(component_plus_remainder))
    if total <= 0:
        return 0.0
    return float(max(0.0, min(1.0, 1 - np.nanvar(remainder) / total)))
