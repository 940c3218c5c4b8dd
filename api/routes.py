"""The JSON API under /api/v1: thin adapters over the services."""

from __future__ import annotations

from typing import Any, cast

import polars as pl
import polars.selectors as cs
from flask import Blueprint, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from api import exports, schemas
from api.errors import error_response
from api.openapi import QUERY, REQUIRED_QUERY
from api.query import check_query, openapi_path
from api.uploads import receive
from auth import bearer_token
from services import datasets, forecasts, jobs, override_totals, preview, users
from services.csv_layout import csv_layout
from services.datasets import DatasetInfo
from services.errors import InvalidInputError
from services.forecast_request import ForecastRequest
from services.jobs import JobInfo
from services.reports import reasons
from services.reports.exports import submit_report

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


@blueprint.before_request
def _require_token() -> Response | None:
    """The API takes bearer tokens only (a browser session is not enough)."""
    token = bearer_token()
    account = users.account_for_token(token) if token else None
    if account is None:
        return error_response(
            401,
            "unauthorized",
            "Send a valid API token: Authorization: Bearer <token>.",
        )
    g.api_user = account
    return None


@blueprint.before_request
def _check_query() -> None:
    """Query parameters are what the OpenAPI document declares (a 422 otherwise)."""
    if request.url_rule is not None:
        path = openapi_path(request.url_rule.rule)
        check_query(QUERY.get(path, []), REQUIRED_QUERY.get(path, set()), request.args)


def _user_id() -> int:
    return int(g.api_user.id)


def _json(model: Any, status: int = 200) -> Response:
    response = Response(model.model_dump_json(), mimetype="application/json")
    response.status_code = status
    return response


def dataset_out(info: DatasetInfo) -> schemas.DatasetOut:
    """The API's view of a dataset."""
    p = info.profile
    return schemas.DatasetOut(
        id=info.id,
        name=info.name,
        version_id=info.version_id,
        created_at=info.created_at,
        rows=p.rows,
        columns=[schemas.ColumnOut.of(c) for c in p.columns],
        time_column=p.time_column,
        time_explanation=p.time_explanation,
        start=p.start,
        end=p.end,
        frequency=p.frequency,
        median_gap_days=p.median_gap_days,
        target=p.target,
        target_candidates=p.target_candidates,
        series_id_columns=p.series_id_columns,
        series_count=p.series_count,
        issues=p.issues,
        sheet=p.sheet,
        sheets=p.sheets,
    )


def job_out(job: JobInfo) -> schemas.JobOut:
    """The API's view of a job."""
    done = job.status == "succeeded"
    return schemas.JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status,  # type: ignore[arg-type]
        progress=job.progress,
        message=job.message,
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
        forecast_id=job.result_ref
        if done and job.kind in ("forecast", "scenario")
        else None,
        analysis_id=job.result_ref if done and job.kind == "analysis" else None,
        download_url=f"/api/v1/jobs/{job.id}/file"
        if done and job.kind == "report"
        else None,
    )


@blueprint.post("/datasets")
def create_dataset() -> ResponseReturnValue:
    """Upload a table (multipart field ``file``, optional ``sheet``)."""
    info = receive(request.files.get("file"), _user_id(), request.form.get("sheet"))
    return _json(dataset_out(info), 201)


@blueprint.get("/datasets")
def list_datasets() -> ResponseReturnValue:
    """The caller's datasets."""
    items = [dataset_out(d) for d in datasets.list_datasets(_user_id())]
    return _json(schemas.DatasetList(datasets=items))


@blueprint.get("/datasets/<dataset_id>")
def get_dataset(dataset_id: str) -> ResponseReturnValue:
    """One dataset and the profile of its current version."""
    return _json(dataset_out(datasets.get_dataset(_user_id(), dataset_id)))


@blueprint.patch("/datasets/<dataset_id>/columns")
def update_columns(dataset_id: str) -> ResponseReturnValue:
    """Override roles, the time column, the target or the series columns."""
    changes = schemas.ColumnsUpdate.model_validate(_json_body())
    info = datasets.update_columns(
        _user_id(), dataset_id, changes.model_dump(exclude_unset=True)
    )
    return _json(dataset_out(info))


@blueprint.get("/datasets/<dataset_id>/preview")
def preview_rows(dataset_id: str) -> ResponseReturnValue:
    """Rows of a version: kind, n, offset, column_offset, version; column + contains."""
    args = request.args
    try:
        n, offset = int(args.get("n", "20")), int(args.get("offset", "0"))
        column_offset = int(args.get("column_offset", "0"))
    except ValueError as exc:
        raise InvalidInputError(
            "n, offset and column_offset must be whole numbers."
        ) from exc
    kind = args.get("kind", "head")
    if kind not in ("head", "tail", "sample"):
        raise InvalidInputError("kind must be head, tail or sample.")
    page = preview.rows_page(
        _user_id(),
        dataset_id,
        cast(preview.Kind, kind),
        n,
        offset,
        args.get("version") or None,
        {args["column"]: args.get("contains", "")} if args.get("column") else None,
        column_offset,
    )
    rows = page.rows.with_columns(cs.temporal().dt.to_string())
    return _json(
        schemas.PreviewOut(
            kind=cast(preview.Kind, kind),
            offset=offset,
            n=n,
            total_rows=page.total_rows,
            matched_rows=page.matched_rows,
            total_columns=page.total_columns,
            column_offset=column_offset,
            columns=rows.columns,
            rows=rows.to_dicts(),
        )
    )


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInputError("Send a JSON object in the request body.")
    return body


@blueprint.post("/datasets/<dataset_id>/forecasts")
def start_forecast(dataset_id: str) -> ResponseReturnValue:
    """Queue a forecast of the dataset's current version."""
    wanted = ForecastRequest.model_validate(_json_body())
    job = forecasts.submit_forecast(_user_id(), dataset_id, wanted)
    return _json(schemas.JobAccepted(job_id=job.id), 202)


@blueprint.get("/jobs")
def list_jobs() -> ResponseReturnValue:
    """The caller's recent jobs."""
    return _json(schemas.JobList(jobs=[job_out(j) for j in jobs.list_jobs(_user_id())]))


@blueprint.get("/jobs/<job_id>")
def get_job(job_id: str) -> ResponseReturnValue:
    """One job's status and progress."""
    return _json(job_out(jobs.get_job(_user_id(), job_id)))


@blueprint.post("/jobs/<job_id>/cancel")
def cancel_job(job_id: str) -> ResponseReturnValue:
    """Ask a job to stop; 409 when it has already ended."""
    return _json(job_out(jobs.cancel(_user_id(), job_id)), 202)


@blueprint.get("/forecasts/<forecast_id>")
def get_forecast(forecast_id: str) -> ResponseReturnValue:
    """A forecast's points with the central interval at ``level`` (80 or 95)."""
    level_text = request.args.get("level", "80")
    if not level_text.isdigit():
        raise InvalidInputError(
            "The interval level must be 80 or 95.", code="invalid_level"
        )
    info = forecasts.get_forecast(_user_id(), forecast_id)
    every = forecasts.forecast_points(_user_id(), forecast_id)
    points = forecasts.points_at_level(every, int(level_text))
    series = request.args.get("series")
    board = (
        info.metrics.get("series_leaderboards", {}).get(series, [])
        if series
        else info.metrics.get("leaderboard", [])
    )
    if series:
        points = points.filter(pl.col("series") == series)
    return _json(
        schemas.ForecastOut(
            id=info.id,
            dataset_id=info.dataset_id,
            target=info.target,
            model=info.model,
            model_name=info.model_name,
            horizon=info.horizon,
            level=80 if level_text == "80" else 95,
            created_at=info.created_at,
            points=[
                schemas.ForecastPoint(
                    series=r["series"],
                    time=r["time"].isoformat(),
                    value=r["value"],
                    lower=r["lower"],
                    upper=r["upper"],
                    statistical_value=r["statistical_forecast"],
                    reason=r["override_reason"],
                    hierarchy_level=r.get("hierarchy_level"),
                )
                for r in points.iter_rows(named=True)
            ],
            levels=info.metrics.get("levels") or [],
            hierarchy=info.request.get("hierarchy"),
            reconciliation=info.request.get("reconciliation"),
            leaderboard=[
                schemas.LeaderboardRow(
                    **{
                        k: v
                        for k, v in reasons.scored(row).items()
                        if k in schemas.LeaderboardRow.model_fields
                    }
                )
                for row in board
            ],
            mlflow_run_id=info.metrics.get("mlflow_run_id"),
            notes=override_totals.forecast_notes(info, every),
            previous_id=info.previous_id,
            auto_refresh=info.auto_refresh,
            note=info.note,
            baseline_id=info.baseline_id,
            scenario=info.scenario,
        )
    )


@blueprint.get("/models")
def list_models() -> ResponseReturnValue:
    """The model catalog with each model's parameter schema."""
    from services.models import CATALOG

    return [
        schemas.CatalogEntry(
            key=s.key,
            name=s.name,
            family=s.family,
            description=s.description,
            native_intervals=s.native_intervals,
            multi_series=s.multi_series,
            covariates=s.covariates,
            min_history=s.min_history,
            available=s.available,
            unavailable_reason=s.unavailable_reason,
            params_schema=s.schema(),
        ).model_dump()
        for s in CATALOG.values()
    ]


@blueprint.get("/forecasts/<forecast_id>/export")
def export_forecast(forecast_id: str) -> ResponseReturnValue:
    """The forecast as a file: ``format=csv`` (with ``sep`` and ``decimal``),
    ``xlsx`` or ``pdf`` (the report)."""
    fmt = request.args.get("format", "csv")
    layout = csv_layout(request.args.get("sep"), request.args.get("decimal"))
    return exports.export_response(_user_id(), forecast_id, fmt, layout)


@blueprint.post("/forecasts/<forecast_id>/export/jobs")
def export_job(forecast_id: str) -> ResponseReturnValue:
    """Make the workbook or PDF report as a job (for forecasts of many series)."""
    body = schemas.ReportRequest.model_validate(request.get_json(silent=True) or {})
    user_id = _user_id()
    job = submit_report(user_id, forecast_id, body.format, users.number_style(user_id))
    return _json(schemas.JobAccepted(job_id=job.id), 202)


@blueprint.get("/jobs/<job_id>/file")
def job_file(job_id: str) -> ResponseReturnValue:
    """The file a finished report job made; 409 while it is not ready."""
    return exports.report_response(_user_id(), job_id)


@blueprint.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 document of this API."""
    from api.openapi import document

    return jsonify(document())


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@blueprint.route("/<path:_rest>", methods=list(METHODS))
def unknown(_rest: str) -> ResponseReturnValue:
    """Unknown API paths are JSON 404s (not the app's pages); a method an endpoint
    does not take is a 405 that lists, in ``Allow``, the ones it does."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in METHODS:
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.add(method)
    if allowed:
        implicit = {"HEAD", "OPTIONS"} if "GET" in allowed else {"OPTIONS"}
        raise MethodNotAllowed(valid_methods=sorted(allowed | implicit))
    return error_response(404, "not_found", "There is no such API endpoint.")
