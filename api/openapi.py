"""The OpenAPI document, generated from the Pydantic models that validate the API."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from api import override_schemas, schemas
from api.errors import CODES
from api.explanation_schemas import ExplanationOut
from services.appending import ADD_MODES
from services.forecast_request import ForecastRequest
from services.preview import PAGE_COLUMNS
from services.scenarios import ScenarioRequest

REF = "#/components/schemas/{model}"

# method, path, summary, request model, (status, response model), error statuses
ROUTES: list[
    tuple[str, str, str, type[BaseModel] | None, tuple[int, Any], list[int]]
] = [
    (
        "post",
        "/api/v1/datasets",
        "Upload a table (multipart field `file`, optional `sheet`)",
        None,
        (201, schemas.DatasetOut),
        [401, 413, 415, 422],
    ),
    (
        "get",
        "/api/v1/datasets",
        "List your datasets",
        None,
        (200, schemas.DatasetList),
        [401],
    ),
    (
        "get",
        "/api/v1/datasets/{dataset_id}",
        "A dataset and its profile",
        None,
        (200, schemas.DatasetOut),
        [401, 404],
    ),
    (
        "patch",
        "/api/v1/datasets/{dataset_id}/columns",
        "Override column roles, the time column, the target or the series columns",
        schemas.ColumnsUpdate,
        (200, schemas.DatasetOut),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/datasets/{dataset_id}/preview",
        "Rows of a version (`kind` head, tail or sample; `n`; `offset`; `version`), "
        f"at most {PAGE_COLUMNS} columns from `column_offset`",
        None,
        (200, schemas.PreviewOut),
        [401, 404, 422],
    ),
    (
        "post",
        "/api/v1/datasets/{dataset_id}/versions",
        "Apply a cleaning recipe to a version; the result becomes current",
        schemas.VersionRequest,
        (201, schemas.VersionOut),
        [401, 404, 422],
    ),
    (
        "post",
        "/api/v1/datasets/{dataset_id}/data",
        "Add newer data from a file (multipart `file`, optional `mode` append or "
        "replace, `sheet`); a cleaning recipe of the current version is replayed",
        None,
        (201, schemas.AddedDataOut),
        [401, 404, 413, 415, 422],
    ),
    (
        "get",
        "/api/v1/datasets/{dataset_id}/versions",
        "The lineage, oldest first",
        None,
        (200, list[schemas.VersionSummary]),
        [401, 404],
    ),
    (
        "get",
        "/api/v1/datasets/{dataset_id}/versions/{version_id}",
        "A version's profile",
        None,
        (200, schemas.DatasetOut),
        [401, 404],
    ),
    (
        "post",
        "/api/v1/datasets/{dataset_id}/versions/{version_id}/current",
        "Make a version current again",
        None,
        (200, schemas.DatasetOut),
        [401, 404],
    ),
    (
        "get",
        "/api/v1/datasets/{dataset_id}/versions/{version_id}/compare",
        "Compare a column with another version (`with`, `column`, `series`)",
        None,
        (200, schemas.ComparisonOut),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/datasets/{dataset_id}/outliers",
        "What a detector would flag (`column`, `method`, `sensitivity`, `version`)",
        None,
        (200, schemas.OutliersOut),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/datasets/{dataset_id}/analysis",
        "Seasons, trend and seasonal strength, ADF/KPSS, ACF/PACF, a summary "
        "(`target`, `version`, `series`, `full=true` for the whole series)",
        None,
        (200, schemas.AnalysisOut),
        [401, 404, 422],
    ),
    (
        "post",
        "/api/v1/datasets/{dataset_id}/analysis/jobs",
        "Analyse the whole series as a job",
        schemas.AnalysisJobRequest,
        (202, schemas.JobAccepted),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/analyses/{analysis_id}",
        "A full analysis made by a job",
        None,
        (200, schemas.AnalysisOut),
        [401, 404],
    ),
    (
        "delete",
        "/api/v1/datasets/{dataset_id}",
        "Delete a dataset and its files",
        None,
        (204, "empty"),
        [401, 404],
    ),
    (
        "post",
        "/api/v1/datasets/{dataset_id}/forecasts",
        "Queue a forecast",
        ForecastRequest,
        (202, schemas.JobAccepted),
        [401, 404, 422],
    ),
    ("get", "/api/v1/jobs", "Your recent jobs", None, (200, schemas.JobList), [401]),
    (
        "get",
        "/api/v1/jobs/{job_id}",
        "A job's status",
        None,
        (200, schemas.JobOut),
        [401, 404],
    ),
    (
        "post",
        "/api/v1/jobs/{job_id}/cancel",
        "Ask a job to stop",
        None,
        (202, schemas.JobOut),
        [401, 404, 409],
    ),
    (
        "get",
        "/api/v1/forecasts/{forecast_id}",
        "A forecast's points (`level` 80 or 95)",
        None,
        (200, schemas.ForecastOut),
        [401, 404, 422],
    ),
    (
        "patch",
        "/api/v1/forecasts/{forecast_id}",
        "Turn automatic refreshes on or off (`auto_refresh`), set or remove the "
        "`note`; answers the forecast (`level` 80 or 95)",
        schemas.ForecastUpdate,
        (200, schemas.ForecastOut),
        [401, 404, 422],
    ),
    (
        "post",
        "/api/v1/forecasts/{forecast_id}/refresh",
        "Queue the same forecast (target, horizon, series, models, transform, "
        "drivers, folds) on the dataset's current version; the new forecast's "
        "`previous_id` is this one",
        None,
        (202, schemas.JobAccepted),
        [401, 404, 422],
    ),
    (
        "post",
        "/api/v1/forecasts/{forecast_id}/scenarios",
        "What if: forecast again with other future values of the drivers, as a job "
        "(202); once it has succeeded, the job's `forecast_id` is the scenario, a "
        "forecast with `baseline_id` and `scenario` (its name). Only for a model "
        "that uses drivers and a forecast made with them (else 409 "
        "`model_takes_no_drivers`); `time` must be a forecast step (422)",
        ScenarioRequest,
        (202, schemas.JobAccepted),
        [401, 404, 409, 422],
    ),
    (
        "get",
        "/api/v1/forecasts/{forecast_id}/history",
        "The forecast's refresh history, oldest first, each with its errors "
        "against the data now",
        None,
        (200, schemas.ForecastHistoryOut),
        [401, 404],
    ),
    (
        "get",
        "/api/v1/forecasts/{forecast_id}/accuracy",
        "The forecast against the actuals the dataset's current version holds: "
        "errors overall and per series, the points, and a verdict",
        None,
        (200, schemas.AccuracyOut),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/forecasts/{forecast_id}/explanation",
        "Why the model says so: the forecast split into level, trend and season, "
        "the features that matter most (SHAP shares), or a combination's members, "
        "each with a sentence",
        None,
        (200, ExplanationOut),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/forecasts/{forecast_id}/export",
        "Download a forecast (`format` csv, xlsx or the pdf report; a CSV's `sep` "
        "and `decimal`); 409 `report_too_large` for a workbook or report to make "
        "as a job",
        None,
        (200, "file"),
        [401, 404, 409, 422],
    ),
    (
        "post",
        "/api/v1/forecasts/{forecast_id}/export/jobs",
        "Make the workbook or PDF report as a job with progress",
        schemas.ReportRequest,
        (202, schemas.JobAccepted),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/jobs/{job_id}/file",
        "The file a finished report job made (its `download_url`)",
        None,
        (200, "file"),
        [401, 404, 409],
    ),
    (
        "get",
        "/api/v1/models",
        "The model catalog with parameter schemas",
        None,
        (200, list[schemas.CatalogEntry]),
        [401],
    ),
    (
        "post",
        "/api/v1/forecasts/{forecast_id}/shares",
        "Make a read-only link to a forecast, to open with no login at its `url` "
        "(`expires_in_days` 1 to 365, default 30; the body may be left out)",
        schemas.ShareRequest,
        (201, schemas.ShareCreated),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/forecasts/{forecast_id}/shares",
        "A forecast's read-only links with their views",
        None,
        (200, schemas.ShareList),
        [401, 404],
    ),
    (
        "delete",
        "/api/v1/shares/{share_id}",
        "Revoke a read-only link: it answers 404 at once",
        None,
        (204, "empty"),
        [401, 404],
    ),
    (
        "put",
        "/api/v1/forecasts/{forecast_id}/overrides",
        "Override forecast values, each with a reason (`value` null removes an "
        "override); all or none; answers the forecast, each point with its "
        "`statistical_value` and `reason`",
        override_schemas.OverridesRequest,
        (200, schemas.ForecastOut),
        [401, 404, 422],
    ),
    (
        "get",
        "/api/v1/forecasts/{forecast_id}/overrides",
        "The overrides' audit trail (who, when, before, after, reason), removals too",
        None,
        (200, override_schemas.OverrideTrailOut),
        [401, 404],
    ),
    ("get", "/health", "Liveness, without sign-in", None, (200, schemas.Health), []),
]

QUERY: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "/api/v1/datasets/{dataset_id}/versions/{version_id}/compare": [
        ("with", {"type": "string", "description": "The other version's id"}),
        ("column", {"type": "string", "description": "A column of both versions"}),
        ("series", {"type": "string", "description": "One series, by its label"}),
    ],
    "/api/v1/datasets/{dataset_id}/outliers": [
        ("column", {"type": "string", "description": "A numeric column"}),
        (
            "method",
            {
                "type": "string",
                "enum": ["iqr", "zscore", "hampel", "stl"],
                "default": "iqr",
            },
        ),
        (
            "sensitivity",
            {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "Default: the method's own (1.5 for iqr, 3 for the "
                "others)",
            },
        ),
        ("version", {"type": "string", "description": "Default: the current one"}),
    ],
    "/api/v1/datasets/{dataset_id}/analysis": [
        ("target", {"type": "string", "description": "Default: the dataset's"}),
        ("version", {"type": "string", "description": "Default: the current one"}),
        ("series", {"type": "string", "description": "One series, by its label"}),
        (
            "full",
            {
                "type": "boolean",
                "default": False,
                "description": "The whole series instead of its recent window",
            },
        ),
    ],
    "/api/v1/datasets/{dataset_id}/preview": [
        ("kind", {"type": "string", "enum": ["head", "tail", "sample"]}),
        ("n", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20}),
        ("offset", {"type": "integer", "minimum": 0, "default": 0}),
        (
            "column_offset",
            {
                "type": "integer",
                "minimum": 0,
                "default": 0,
                "description": "The first column to show; a page shows at most "
                f"{PAGE_COLUMNS}",
            },
        ),
        ("version", {"type": "string"}),
        ("column", {"type": "string"}),
        ("contains", {"type": "string"}),
    ],
    "/api/v1/forecasts/{forecast_id}": [
        ("level", {"type": "integer", "enum": [80, 95], "default": 80}),
        ("series", {"type": "string"}),
    ],
    "/api/v1/forecasts/{forecast_id}/export": [
        (
            "format",
            {"type": "string", "enum": ["csv", "xlsx", "pdf"], "default": "csv"},
        ),
        (
            "sep",
            {
                "type": "string",
                "enum": [",", ";", "tab"],
                "default": ",",
                "description": "The CSV's separator",
            },
        ),
        (
            "decimal",
            {
                "type": "string",
                "enum": [".", ","],
                "default": ".",
                "description": "The CSV's decimal mark; it must differ from `sep`",
            },
        ),
    ],
}


# Query parameters that must be given, by path.
REQUIRED_QUERY: dict[str, set[str]] = {
    "/api/v1/datasets/{dataset_id}/versions/{version_id}/compare": {"with", "column"},
    "/api/v1/datasets/{dataset_id}/outliers": {"column"},
}
# Operations that take a file: the fields of their multipart bodies.
UPLOAD_FIELDS: dict[str, Any] = {
    "file": {"type": "string", "format": "binary"},
    "sheet": {"type": "string", "description": "For a workbook: the sheet to read"},
}
MULTIPART: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/datasets"): UPLOAD_FIELDS,
    ("post", "/api/v1/datasets/{dataset_id}/data"): {
        **UPLOAD_FIELDS,
        "mode": {
            "type": "string",
            "enum": list(ADD_MODES),
            "default": "append",
            "description": "append: add newer rows, revising the points the file "
            "repeats; replace: the file becomes the whole history",
        },
    },
}
# Operations that take no body as an empty one.
OPTIONAL_BODY = {
    "/api/v1/datasets/{dataset_id}/analysis/jobs",
    "/api/v1/forecasts/{forecast_id}/shares",
}
INT64 = {"minimum": -(2**63), "maximum": 2**63 - 1}


def document() -> dict[str, Any]:
    """Build the OpenAPI 3.1 document."""
    # Requests are described as they are validated (``models`` takes plain keys as
    # well as objects), answers as they are written.
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (schemas.ErrorResponse, "serialization")
    ]
    for _m, _p, _s, request_model, (_status, response), _e in ROUTES:
        if request_model:
            models.append((request_model, "validation"))
        item = _item(response)
        if item is not None:
            models.append((item, "serialization"))
    _, defs = models_json_schema(list(dict.fromkeys(models)), ref_template=REF)
    components = defs.get("$defs", {})
    components["ErrorResponse"]["properties"]["error"]["description"] = (
        "`code` is one of: " + ", ".join(CODES)
    )
    paths: dict[str, dict[str, Any]] = {}
    for method, path, summary, request_model, (status, response), errors in ROUTES:
        operation: dict[str, Any] = {"summary": summary, "responses": {}}
        params = [
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
            for n in _path_params(path)
        ]
        required = REQUIRED_QUERY.get(path, set())
        params += [
            {
                "name": n,
                "in": "query",
                "required": n in required,
                # integers meet 64-bit libraries: bounded as they are checked
                "schema": {**INT64, **s} if s.get("type") == "integer" else s,
            }
            for n, s in QUERY.get(path, [])
        ]
        if params:
            operation["parameters"] = params
        if request_model:
            operation["requestBody"] = {
                "required": path not in OPTIONAL_BODY,
                "content": {
                    "application/json": {
                        "schema": {"$ref": REF.format(model=request_model.__name__)}
                    }
                },
            }
        elif (method, path) in MULTIPART:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": MULTIPART[method, path],
                        }
                    }
                },
            }
        content: dict[str, Any] | None
        if response == "empty":
            operation["responses"][str(status)] = {"description": "Deleted"}
            content = None
        elif response == "file":
            content = {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "application/pdf": {},
            }
        else:
            model = typing.cast(type[BaseModel], _item(response))
            ref = {"$ref": REF.format(model=model.__name__)}
            array = typing.get_origin(response) is list
            content = {
                "application/json": {
                    "schema": {"type": "array", "items": ref} if array else ref
                }
            }
        if content is not None:
            operation["responses"][str(status)] = {
                "description": "OK",
                "content": content,
            }
        for error in errors:
            operation["responses"][str(error)] = {
                "description": "Error",
                "content": {
                    "application/json": {
                        "schema": {"$ref": REF.format(model="ErrorResponse")}
                    }
                },
            }
        if path != "/health":
            operation["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Forecast Studio API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _item(response: Any) -> type[BaseModel] | None:
    """The model of a JSON answer: ``Model`` or ``list[Model]`` (a JSON array)."""
    if typing.get_origin(response) is list:
        response = typing.get_args(response)[0]
    return response if isinstance(response, type) else None


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]
