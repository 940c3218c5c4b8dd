"""The API's view of an explanation: Pydantic models for validation and OpenAPI."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PartOut(BaseModel):
    """One part of the forecast: level, trend or season, in a sentence."""

    name: str = Field(description="`level`, `trend` or `season`.")
    value: float | None = Field(
        description="The level in the data's units, the trend per step, or the "
        "season's highest point in percent above the level (null: no season)."
    )
    sentence: str


class FeatureOut(BaseModel):
    """Something a model looks at, in plain words, with its importance."""

    feature: str = Field(description="The model's own name for it.")
    words: str = Field(description="The same in plain words.")
    share: float | None = Field(
        description="Percent of the total absolute SHAP value (null where the model "
        "is described without numbers)."
    )
    sentence: str


class ModelExplanationOut(BaseModel):
    """One model's part in the forecast."""

    model: str
    model_name: str
    family: str
    kind: str = Field(
        description="`components` (read as level, trend and season), `features` "
        "(SHAP shares) or `inputs` (what it reads, without numbers)."
    )
    sentence: str
    parts: list[PartOut]
    features: list[FeatureOut]
    weight: float | None = Field(
        description="Its weight (0–1) in a combination; null for a single model."
    )


class SeriesExplanationOut(BaseModel):
    """Why one series' forecast is what it is."""

    series: str | None
    sentence: str
    parts: list[PartOut]
    models: list[ModelExplanationOut]


class ExplanationOut(BaseModel):
    """A forecast explained in sentences, series by series."""

    forecast_id: str
    model: str
    model_name: str
    sentence: str
    series: list[SeriesExplanationOut]
    notes: list[str]
