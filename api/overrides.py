"""Override endpoints: set or remove a forecast's values with reasons; the trail."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from api import override_schemas as schemas
from api.routes import _json, _json_body, _user_id, blueprint, get_forecast
from services import overrides
from services.overrides import OverrideChange


@blueprint.put("/forecasts/<forecast_id>/overrides")
def put_overrides(forecast_id: str) -> ResponseReturnValue:
    """Set (a value with a reason) or remove (``value`` null) overrides."""
    body = schemas.OverridesRequest.model_validate(_json_body())
    overrides.set_overrides(
        _user_id(),
        forecast_id,
        [OverrideChange(o.series, o.time, o.value, o.reason) for o in body.overrides],
    )
    return get_forecast(forecast_id)


@blueprint.get("/forecasts/<forecast_id>/overrides")
def override_trail(forecast_id: str) -> ResponseReturnValue:
    """The audit trail: who changed which value when, before, after and why."""
    events = overrides.audit_trail(_user_id(), forecast_id)
    return _json(
        schemas.OverrideTrailOut(
            forecast_id=forecast_id,
            overrides=[
                schemas.OverrideEventOut(
                    id=e.id,
                    user=e.user,
                    at=e.at,
                    series=e.series,
                    time=e.time,
                    action=e.action,  # type: ignore[arg-type]
                    statistical_value=e.statistical,
                    before=e.before,
                    after=e.after,
                    reason=e.reason,
                )
                for e in events
            ],
        )
    )
