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


@dataclass(frozen=True)
class Context:
    """What a model is built for, beyond its own parameters.

    Parameters
    ----------
    season
        The season length to use (1: no season).
    length
        Points of history the model is fitted on (the shortest series).
    past_covariates, future_covariates
        Whether the user's drivers come as past-only or known-future covariates.
    series_count
        How many series one fit sees (global models fit them all at once).
    horizon
        How many steps ahead the model is asked to forecast.
    say
        Reports a progress message to the job (e.g. training epochs) without
        counting a step; only set when the model runs in the job's own process.

    """

    season: int
    length: int = 0
    past_covariates: bool = False
    future_covariates: bool = False
    series_count: int = 1
    horizon: int = 1
    say: Callable[[str], None] | None = None


class NoParams(BaseModel):
    """A model with nothing to tune."""


@dataclass(frozen=True)
class ModelSpec:
    """One model of the catalog.

    Parameters
    ----------
    build
        ``build(params, context)`` returns an unfitted Darts model.
    complexity
        Lower is simpler; on a near tie the simpler model is chosen.

    """

    key: str
    name: str
    family: Family
    description: str
    build: Callable[[BaseModel, Context], Any]
    params: type[BaseModel] = NoParams
    native_intervals: bool = True
    # Intervals from sampling the fitted distribution instead of direct quantiles.
    sampled: bool = False
    # Global: one model fitted across all series at once (else one per series).
    multi_series: bool = False
    # A global model that scales each series itself (else each is scaled to 0–1).
    scales_itself: bool = False
    covariates: bool = False
    min_history: int = 4
    complexity: int = 1
    # What an operator must add for the model to run here ("" when it can). Asked each
    # time, not at import: an operator may add it (e.g. weights) while the app runs.
    requirement: Callable[[], str] | None = None
    tags: list[str] = field(default_factory=list)

    @property
    def setup_instructions(self) -> str:
        """What an operator must add for the model to run, and how ("" if nothing).

        It may name settings and folders, so only administrators read it (Settings →
        System).
        """
        return self.requirement() if self.requirement else ""

    @property
    def unavailable_reason(self) -> str:
        """Why the model cannot run here, in words for anyone ("" if it can)."""
        if not self.setup_instructions:
            return ""
        return f"{self.name} is not set up on this server; ask your administrator."

    @property
    def available(self) -> bool:
        """Whether the model can run on this installation now."""
        return not self.setup_instructions

    def model(self, params: dict[str, Any] | None, context: Context) -> Any:
        """An unfitted model with validated parameters."""
        return self.build(self.params.model_validate(params or {}), context)

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the parameters (the page builds its form from it)."""
        return self.params.model_json_schema()
