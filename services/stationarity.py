"""Is the level steady? ADF and KPSS, with and without a trend, read together.

ADF's null hypothesis is a unit root (a wandering level), KPSS's a steady one; each is
run around a fixed level and around a straight-line trend (statsmodels' ``adfuller``
and ``kpss``), and the four p-values give one verdict.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel

# Imported here, once, not inside functions: threads of the web server importing the
# same large module at the same moment can see it half-initialised.
from statsmodels.tsa.stattools import adfuller, kpss

Verdict = Literal[
    "stationary", "trend-stationary", "difference-stationary", "inconclusive"
]
ALPHA = 0.05


class TestResult(BaseModel):
    """A test statistic and its p-value."""

    statistic: float
    pvalue: float


@dataclass(frozen=True)
class Stationarity:
    """The four tests and their joint verdict; ``None`` where they could not run."""

    adf: TestResult | None = None
    kpss: TestResult | None = None
    # The same two tests allowing for a straight-line trend (read jointly with them).
    adf_trend: TestResult | None = None
    kpss_trend: TestResult | None = None
    verdict: Verdict | None = None
    notes: list[str] = field(default_factory=list)


def check_stationarity(values: np.ndarray) -> Stationarity:
    """Run ADF and KPSS around a level and around a trend, and read them together.

    Series of fewer than 20 points and constants are not tested (a note says so).
    Above 2,000 points ADF uses 24 lags instead of choosing them by AIC, for speed.
    """
    if len(values) < 20:
        return Stationarity(
            notes=["Too short for stationarity tests (they need 20 points)."]
        )
    if np.ptp(values) == 0:
        return Stationarity(
            notes=["The values never change, so there is nothing to test."]
        )
    long = len(values) > 2000
    with warnings.catch_warnings():  # KPSS warns when its p-value is off its table
        warnings.simplefilter("ignore")
        adf = {
            r: adfuller(
                values,
                regression=r,
                autolag=None if long else "AIC",
                maxlag=24 if long else None,
            )[:2]
            for r in ("c", "ct")
        }
        kp = {r: kpss(values, regression=r, nlags="auto")[:2] for r in ("c", "ct")}
    adf_level, adf_trend = (
        TestResult(statistic=float(adf[r][0]), pvalue=float(adf[r][1]))
        for r in ("c", "ct")
    )
    kpss_level, kpss_trend = (
        TestResult(statistic=float(kp[r][0]), pvalue=float(kp[r][1]))
        for r in ("c", "ct")
    )
    return Stationarity(
        adf=adf_level,
        kpss=kpss_level,
        adf_trend=adf_trend,
        kpss_trend=kpss_trend,
        verdict=read_jointly(adf["c"][1], kp["c"][1], adf["ct"][1], kp["ct"][1]),
    )


def read_jointly(
    adf_p: float, kpss_p: float, adf_trend_p: float, kpss_trend_p: float
) -> Verdict:
    """ADF (null: a unit root) and KPSS (null: stationary) read together.

    Examples
    --------
    >>> read_jointly(0.01, 0.10, 0.01, 0.10)
    'stationary'
    >>> read_jointly(0.60, 0.01, 0.70, 0.01)
    'difference-stationary'

    """
    if adf_p < ALPHA and kpss_p >= ALPHA:
        return "stationary"
    if adf_trend_p < ALPHA and kpss_trend_p >= ALPHA:
        return "trend-stationary"
    if adf_p >= ALPHA and kpss_p < ALPHA:
        return "difference-stationary"
    return "inconclusive"
