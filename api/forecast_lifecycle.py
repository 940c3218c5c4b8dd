"""Forecast endpoints after the run: refresh, settings and note, history, accuracy."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from api import schemas
from api.override_schemas import OverrideValueOut
from api.routes import _json, _json_body, _user_id, blueprint, get_forecast
from services import refresh, users
from services.accuracy import Accuracy, Scores
from services.accuracy_cache import accuracy
from services.errors import ServiceError


def _scores(scores: Scores) -> schemas.AccuracyScores:
    return schemas.AccuracyScores(**scores.__dict__)


def accuracy_out(result: Accuracy) -> schemas.AccuracyOut:
    """The API's view of a forecast's accuracy."""
    return schemas.AccuracyOut(
        forecast_id=result.forecast_id,
        overall=_scores(result.overall),
        series=[
            schemas.SeriesAccuracy(
                series=s.series, backtest_mase=s.backtest_mase, **s.scores.__dict__
            )
            for s in result.series
        ],
        points=[
            schemas.AccuracyPoint(**{**row, "time": row["time"].isoformat()})
            for row in result.points.iter_rows(named=True)
        ],
        verdict=schemas.VerdictOut(**result.verdict.__dict__),
        backtest_mase=result.backtest_mase,
        overrides=OverrideValueOut(**result.overrides.__dict__)
        if result.overrides
        else None,
    )


@blueprint.post("/forecasts/<forecast_id>/refresh")
def refresh_forecast(forecast_id: str) -> ResponseReturnValue:
    """Queue the same forecast on the dataset's current version."""
    job = refresh.submit_refresh(_user_id(), forecast_id)
    return _json(schemas.JobAccepted(job_id=job.id), 202)


@blueprint.patch("/forecasts/<forecast_id>")
def update_forecast(forecast_id: str) -> ResponseReturnValue:
    """Turn automatic refreshes on or off; set or remove the note."""
    changes = schemas.ForecastUpdate.model_validate(_json_body())
    given = changes.model_fields_set
    refresh.update_forecast(
        _user_id(),
        forecast_id,
        auto_refresh=changes.auto_refresh,
        note=changes.note,
        clear_note="note" in given and changes.note is None,
    )
    return get_forecast(forecast_id)


@blueprint.get("/forecasts/<forecast_id>/accuracy")
def forecast_accuracy(forecast_id: str) -> ResponseReturnValue:
    """The forecast against the actuals the dataset now holds, with a verdict (its
    numbers written in the user's number format)."""
    style = users.number_style(_user_id())
    return _json(accuracy_out(accuracy(_user_id(), forecast_id, style)))


@blueprint.get("/forecasts/<forecast_id>/history")
def forecast_history(forecast_id: str) -> ResponseReturnValue:
    """The forecasts it refreshed and the refreshes made from it, oldest first."""
    entries, style = [], users.number_style(_user_id())
    for entry in refresh.refresh_history(_user_id(), forecast_id):
        try:
            measured: Accuracy | None = accuracy(_user_id(), entry.id, style)
        except ServiceError:  # its columns are gone from the data now
            measured = None
        entries.append(
            schemas.HistoryEntryOut(
                **entry.__dict__,
                current=entry.id == forecast_id,
                accuracy=_scores(measured.overall) if measured else None,
                verdict=schemas.VerdictOut(**measured.verdict.__dict__)
                if measured
                else None,
            )
        )
    return _json(schemas.ForecastHistoryOut(forecast_id=forecast_id, forecasts=entries))
