"""Request and response models of the overrides endpoints and their value added."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.overrides import MAX_REASON

REQUEST = ConfigDict(extra="forbid", strict=True)
# More changes than any forecast's steps in one request is a mistake, not a plan.
MAX_CHANGES = 10_000


class OverrideIn(BaseModel):
    """One step's new value and why; ``value`` null removes the step's override."""

    model_config = REQUEST
    series: str | None = Field(
        None, description="As in the forecast's points; null for a single series."
    )
    time: str = Field(
        description="A step of the forecast, ISO 8601 (a date alone means midnight)."
    )
    value: float | None = Field(
        description="The new value; null removes the override (back to the "
        "statistical value)."
    )
    reason: str | None = Field(
        None,
        max_length=MAX_REASON,
        description="Why the value differs from the statistical forecast: required "
        "to set a value (422 `reason_required` without one), optional to remove.",
    )


class OverridesRequest(BaseModel):
    """Changes to a forecast's values, applied all or none."""

    model_config = REQUEST
    overrides: list[OverrideIn] = Field(min_length=1, max_length=MAX_CHANGES)


class OverrideEventOut(BaseModel):
    """One change in the audit trail."""

    id: int
    user: str = Field(description="Who made the change.")
    at: datetime = Field(description="When.")
    series: str | None
    time: str = Field(description="The step, ISO 8601.")
    action: Literal["set", "removed"]
    statistical_value: float
    before: float = Field(description="The step's value before the change.")
    after: float = Field(description="Its value after (statistical when removed).")
    reason: str | None


class OverrideTrailOut(BaseModel):
    """Every change to a forecast's values, oldest first, removals included."""

    forecast_id: str
    overrides: list[OverrideEventOut]


class OverrideValueOut(BaseModel):
    """Whether the overrides helped: errors over the overridden steps with actuals."""

    n: int = Field(ge=0, description="Overridden steps with an actual value.")
    mae_final: float | None = None
    mae_statistical: float | None = None
    mase_final: float | None = None
    mase_statistical: float | None = None
    value_added: float | None = Field(
        None,
        description="Forecast value added: MAE of the statistical values minus MAE "
        "of the final ones (above 0: the overrides helped).",
    )
    message: str = Field(description="The same in a sentence.")
