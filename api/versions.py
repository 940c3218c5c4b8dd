"""Dataset endpoints beyond upload: versions, outliers, deletion and analysis."""

from __future__ import annotations

from typing import Any, cast

from flask import Response, request
from flask.typing import ResponseReturnValue

from api import schemas
from api.routes import _json, _json_body, _user_id, blueprint, dataset_out
from services import datasets, jobs, versions
from services.analysis import WINDOW, analyse_dataset
from services.datasets import DatasetInfo
from services.errors import InvalidInputError
from services.outliers import DEFAULT_SENSITIVITY, OutlierMethod
from services.stored_analyses import analysis_params, load_analysis
from services.versions import VersionInfo


def _summary(version: VersionInfo) -> dict[str, Any]:
    return {
        "id": version.id,
        "parent": version.parent,
        "created_at": version.created_at,
        "recipe": version.recipe,
        "hash": version.hash,
        "rows": version.rows,
        "missing": version.missing,
        "current": version.is_current,
    }


def _profile(dataset_id: str, version: VersionInfo) -> schemas.DatasetOut:
    info = datasets.get_dataset(_user_id(), dataset_id)
    as_version = DatasetInfo(
        info.id,
        info.name,
        version.id,
        version.number,
        info.created_at,
        version.profile,
        info.columns_config,
    )
    return dataset_out(as_version)


@blueprint.post("/datasets/<dataset_id>/versions")
def create_version(dataset_id: str) -> ResponseReturnValue:
    """Apply a cleaning recipe; the new version becomes current."""
    wanted = schemas.VersionRequest.model_validate(_json_body())
    version = versions.create_version(
        _user_id(), dataset_id, wanted.parent, wanted.steps
    )
    return _json(
        schemas.VersionOut(
            **_summary(version),
            changes=version.changes,
            profile=_profile(dataset_id, version),
        ),
        201,
    )


@blueprint.get("/datasets/<dataset_id>/versions")
def list_versions(dataset_id: str) -> ResponseReturnValue:
    """The lineage, oldest first."""
    lineage = [
        schemas.VersionSummary(**_summary(v)).model_dump(mode="json")
        for v in versions.list_versions(_user_id(), dataset_id)
    ]
    return lineage


@blueprint.get("/datasets/<dataset_id>/versions/<version_id>")
def get_version(dataset_id: str, version_id: str) -> ResponseReturnValue:
    """That version's profile, as in the upload answer."""
    version = versions.get_version(_user_id(), dataset_id, version_id)
    return _json(_profile(dataset_id, version))


@blueprint.post("/datasets/<dataset_id>/versions/<version_id>/current")
def make_current(dataset_id: str, version_id: str) -> ResponseReturnValue:
    """Make this version the dataset's current one again."""
    return _json(dataset_out(versions.make_current(_user_id(), dataset_id, version_id)))


@blueprint.get("/datasets/<dataset_id>/versions/<version_id>/compare")
def compare(dataset_id: str, version_id: str) -> ResponseReturnValue:
    """A column in this version and in ``with``: counts, statistics, changed points."""
    other, column = request.args.get("with"), request.args.get("column")
    if not other or not column:
        raise InvalidInputError(
            "Give the other version (with=) and a column (column=)."
        )
    result = versions.compare(
        _user_id(),
        dataset_id,
        version_id,
        other,
        column,
        request.args.get("series") or None,
    )
    changed = result.points.filter(result.points["change"].is_not_null())
    return _json(
        schemas.ComparisonOut(
            column=result.column,
            series=result.series,
            counts=result.counts,
            stats=result.stats,
            changed=[
                schemas.ComparisonPoint(**{**r, "time": r["time"].isoformat()})
                for r in changed.iter_rows(named=True)
            ],
        )
    )


@blueprint.get("/datasets/<dataset_id>/outliers")
def outliers(dataset_id: str) -> ResponseReturnValue:
    """The points a detector would flag; nothing is changed."""
    args = request.args
    method = args.get("method", "iqr")
    if method not in DEFAULT_SENSITIVITY:
        raise InvalidInputError("method must be iqr, zscore, hampel or stl.")
    try:
        sensitivity = float(args.get("sensitivity") or DEFAULT_SENSITIVITY[method])
    except ValueError as exc:
        raise InvalidInputError("sensitivity must be a number.") from exc
    if not 0 < sensitivity <= 100:
        raise InvalidInputError("sensitivity must be above 0 and at most 100.")
    found = versions.find_outliers(
        _user_id(),
        dataset_id,
        args.get("column", ""),
        cast(OutlierMethod, method),
        sensitivity,
        args.get("version") or None,
    )
    return _json(
        schemas.OutliersOut(
            column=args.get("column", ""),
            method=method,
            sensitivity=sensitivity,
            count=found.height,
            points=[
                schemas.OutlierPoint(**{**r, "time": r["time"].isoformat()})
                for r in found.iter_rows(named=True)
            ],
        )
    )


@blueprint.delete("/datasets/<dataset_id>")
def delete_dataset(dataset_id: str) -> ResponseReturnValue:
    """Delete a dataset and its files."""
    versions.delete_dataset(_user_id(), dataset_id)
    return Response(status=204)


@blueprint.get("/datasets/<dataset_id>/analysis")
def analysis(dataset_id: str) -> ResponseReturnValue:
    """Frequency, seasons, strengths, stationarity, ACF/PACF and a plain summary."""
    args = request.args
    result = analyse_dataset(
        _user_id(),
        dataset_id,
        args.get("target") or None,
        args.get("version") or None,
        args.get("series") or None,
        window=None if args.get("full") == "true" else WINDOW,
    )
    return _json(schemas.AnalysisOut(**result.model_dump(exclude={"decomposition"})))


@blueprint.post("/datasets/<dataset_id>/analysis/jobs")
def start_full_analysis(dataset_id: str) -> ResponseReturnValue:
    """Analyse the whole series as a job (long series take minutes)."""
    body = request.get_json(silent=True)
    wanted = schemas.AnalysisJobRequest.model_validate({} if body is None else body)
    params = analysis_params(_user_id(), dataset_id, wanted.target, wanted.series)
    job = jobs.submit(_user_id(), "analysis", params)
    return _json(schemas.JobAccepted(job_id=job.id), 202)


@blueprint.get("/analyses/<analysis_id>")
def get_analysis(analysis_id: str) -> ResponseReturnValue:
    """A full analysis made by a job."""
    result = load_analysis(_user_id(), analysis_id)
    return _json(schemas.AnalysisOut(**result.model_dump(exclude={"decomposition"})))
