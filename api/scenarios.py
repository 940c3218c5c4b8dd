"""Scenarios: a forecast made again with other future values of its drivers."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from api import schemas
from api.routes import _json, _json_body, _user_id, blueprint
from services import scenarios


@blueprint.post("/forecasts/<forecast_id>/scenarios")
def create_scenario(forecast_id: str) -> ResponseReturnValue:
    """Queue a scenario of a forecast; the job, once succeeded, has ``forecast_id``."""
    asked = scenarios.ScenarioRequest.model_validate(_json_body())
    job = scenarios.create_scenario(
        _user_id(),
        forecast_id,
        asked.name,
        {
            column: [value.model_dump() for value in values]
            for column, values in asked.drivers.items()
        },
    )
    return _json(schemas.JobAccepted(job_id=job.id), 202)
