"""Why the model says so: a forecast's explanation in sentences, for programs."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from api.explanation_schemas import ExplanationOut
from api.routes import _json, _user_id, blueprint
from services import explanations, users


@blueprint.get("/forecasts/<forecast_id>/explanation")
def forecast_explanation(forecast_id: str) -> ResponseReturnValue:
    """Why the model says so: level, trend and season, the features that matter, or
    a combination's members (numbers in the user's number format)."""
    style = users.number_style(_user_id())
    explained = explanations.explain(_user_id(), forecast_id, style)
    return _json(ExplanationOut.model_validate(explained.to_dict()))
