"""The model catalog: every model a comparison can run, as a spec with a factory."""

from __future__ import annotations

from services.models.base import ModelSpec
from services.models.baselines import BASELINES
from services.models.ml import MACHINE_LEARNING
from services.models.statistical import STATISTICAL

CATALOG: dict[str, ModelSpec] = {
    spec.key: spec for spec in (*BASELINES, *STATISTICAL, *MACHINE_LEARNING)
}
# What "automatic" compares: cheap and strong on business data; the median of the best
# three of them joins as an ensemble.
AUTOMATIC = [
    "seasonal_naive",
    "drift",
    "auto_ets",
    "auto_theta",
    "auto_ces",
    "auto_arima",
]
ENSEMBLES = {
    "median_top3": "Median of the best three",
    "mean_top3": "Mean of the best three",
}


def get_spec(key: str) -> ModelSpec:
    """The catalog entry for ``key``.

    Raises
    ------
    KeyError
        For an unknown key.

    """
    return CATALOG[key]


__all__ = ["AUTOMATIC", "CATALOG", "ENSEMBLES", "ModelSpec", "get_spec"]
