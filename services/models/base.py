"""What a catalog entry is: a key, plain words, a parameter schema and a factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

Family = Literal[
    "baseline", "statistical", "machine learning", "deep learning", "foundation"
]
QUANTILES = [0.025, 0.1, 0.5, 0.9, 0.975]


class NoParams(BaseModel):
    """A model with nothing to tune."""


@dataclass(frozen=True)
class ModelSpec:
    """One model of the catalog.

    Parameters
    ----------
    build
        ``build(params, season)`` returns an unfitted Darts model.
    complexity
        Lower is simpler; on a near tie the simpler model is chosen.

    """

    key: str
    name: str
    family: Family
    description: str
    build: Callable[[BaseModel, int], Any]
    params: type[BaseModel] = NoParams
    native_intervals: bool = True
    # Intervals from sampling the fitted distribution instead of direct quantiles.
    sampled: bool = False
    multi_series: bool = False
    covariates: bool = False
    min_history: int = 4
    complexity: int = 1
    available: bool = True
    unavailable_reason: str = ""
    tags: list[str] = field(default_factory=list)

    def model(self, params: dict[str, Any] | None, season: int) -> Any:
        """An unfitted model with validated parameters."""
        return self.build(self.params.model_validate(params or {}), season)

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the parameters (the page builds its form from it)."""
        return self.params.model_json_schema()
