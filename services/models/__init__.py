"""The model catalog: every model a comparison can run, as a spec with a factory."""

from __future__ import annotations

from services.models.base import ModelSpec
from services.models.baselines import BASELINES
from services.models.deep import DEEP_LEARNING
from services.models.foundation import FOUNDATION
from services.models.ml import MACHINE_LEARNING
from services.models.statistical import STATISTICAL

CATALOG: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in (
        *BASELINES,
        *STATISTICAL,
        *MACHINE_LEARNING,
        *DEEP_LEARNING,
        *FOUNDATION,
    )
}
# What "automatic" compares: cheap and strong on business data. A weighted average of
# the five statistical models (the M4 competition's "SCUM" four and Dynamic Optimized
# Theta, each weighted by its backtest error) joins them and is preferred unless one
# model is clearly better (benchmarks/README.md: the fifth helped on M3 and M1).
AUTOMATIC = [
    "seasonal_naive",
    "drift",
    "auto_ets",
    "auto_theta",
    "dynamic_theta",
    "auto_ces",
    "auto_arima",
]
COMBINED = ["auto_ets", "auto_theta", "dynamic_theta", "auto_ces", "auto_arima"]
ENSEMBLES = {
    "combination": "Combination (weighted average of ETS, Theta, Dynamic Theta, "
    "CES, ARIMA)",
    # With many series (below), the global LightGBM in Dynamic Theta's place.
    "combination_global": "Combination (weighted average of ETS, Theta, CES, ARIMA "
    "and LightGBM across series)",
}
# With this many series or more, "automatic" also compares one LightGBM learnt from
# all of them, and it takes Dynamic Optimized Theta's place in the combination (a
# near twin of Theta: with both, the Theta method counted twice). Its errors differ
# from the statistical models', which each extrapolate one series' own past: on all
# of M3 and M1 it lowered automatic's MASE by 2% or more; learnt from groups of 5
# series it helped less or hurt, from groups of 10 it helped a little
# (benchmarks/README.md, "A global LightGBM member").
GLOBAL_MEMBER = "global_lightgbm"
MANY_SERIES = 10
AUTOMATIC_MANY = [k for k in AUTOMATIC if k != "dynamic_theta"] + [GLOBAL_MEMBER]
COMBINED_MANY = [k for k in COMBINED if k != "dynamic_theta"] + [GLOBAL_MEMBER]


def get_spec(key: str) -> ModelSpec:
    """The catalog entry for ``key``.

    Raises
    ------
    KeyError
        For an unknown key.

    """
    return CATALOG[key]


__all__ = [
    "AUTOMATIC",
    "AUTOMATIC_MANY",
    "CATALOG",
    "COMBINED",
    "COMBINED_MANY",
    "ENSEMBLES",
    "GLOBAL_MEMBER",
    "MANY_SERIES",
    "ModelSpec",
    "get_spec",
]
