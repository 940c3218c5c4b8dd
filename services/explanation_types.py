"""What an explanation holds: per series, its parts and each model's share in it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from services.explanation_features import Feature
from services.explanation_parts import Part


@dataclass(frozen=True)
class ModelExplanation:
    """One model's part in a forecast.

    ``kind`` is ``components`` (level, trend, season in ``parts``), ``features``
    (SHAP shares in ``features``) or ``inputs`` (what it reads, no numbers).
    ``weight`` is its share (0–1) of a combination, else None.
    """

    model: str
    model_name: str
    family: str
    kind: str
    sentence: str
    parts: list[Part] = field(default_factory=list)
    features: list[Feature] = field(default_factory=list)
    weight: float | None = None


@dataclass(frozen=True)
class SeriesExplanation:
    """Why one series' forecast is what it is: its model(s) and the forecast's parts."""

    series: str | None
    sentence: str
    parts: list[Part]
    models: list[ModelExplanation]


@dataclass(frozen=True)
class Explanation:
    """A forecast explained: a summary sentence, then each series (JSON-able)."""

    forecast_id: str
    model: str
    model_name: str
    sentence: str
    series: list[SeriesExplanation]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        """The explanation :meth:`to_dict` wrote."""

        def model(m: dict[str, Any]) -> ModelExplanation:
            return ModelExplanation(
                **{
                    **m,
                    "parts": [Part(**p) for p in m["parts"]],
                    "features": [Feature(**f) for f in m["features"]],
                }
            )

        return cls(
            **{
                **data,
                "series": [
                    SeriesExplanation(
                        s["series"],
                        s["sentence"],
                        [Part(**p) for p in s["parts"]],
                        [model(m) for m in s["models"]],
                    )
                    for s in data["series"]
                ],
            }
        )
