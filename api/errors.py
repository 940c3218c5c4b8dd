"""Mapping failures to JSON answers: ``{"error": {"code", "message"}}`` with a 4xx."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

import config
from services.errors import (
    ConflictError,
    FileTooLargeError,
    NotFoundError,
    ServiceError,
    UnreadableFileError,
)

log = logging.getLogger(__name__)

STATUS = {
    NotFoundError: 404,
    ConflictError: 409,
    FileTooLargeError: 413,
    UnreadableFileError: 415,
}
# Every code the API answers with, for the OpenAPI document.
CODES = [
    "unauthorized",
    "not_found",
    "method_not_allowed",
    "conflict",
    "job_ended",
    "file_too_large",
    "unreadable_file",
    "invalid_request",
    "invalid_target",
    "invalid_level",
    "invalid_sheet",
    "invalid_role",
    "unknown_column",
    "unknown_model",
    "invalid_driver",
    "invalid_series_id",
    "unknown_series",
    "invalid_step",
    "invalid_mode",
    "columns_mismatch",
    "column_types_mismatch",
    "recipe_failed",
    "invalid_transform",
    "invalid_method",
    "model_unavailable",
    "no_time_column",
    "series_too_short",
    "irregular_time",
    "too_many_gaps",
    "duplicate_timestamps",
    "no_model_fits",
    "report_too_large",
    "report_not_ready",
    "not_explainable",
    "invalid_expiry",
    "reason_required",
    "reason_too_long",
    "unknown_step",
    "no_override",
    "model_takes_no_drivers",
    "scenario_unavailable",
    "invalid_scenario",
    "internal_error",
]


def error_response(status: int, code: str, message: str) -> Response:
    """A JSON error answer."""
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def status_of(exc: ServiceError) -> int:
    """The HTTP status for a service error: 404, 409, 413, 415, else 422."""
    for kind, status in STATUS.items():
        if isinstance(exc, kind):
            return status
    return 422


def too_large_message() -> str:
    """The sentence for an upload over the limit."""
    return (
        f"The file is larger than the {config.settings.MAX_UPLOAD_MB} MB limit. "
        "Upload a smaller file, or remove columns you do not need."
    )


def install(server: Flask) -> None:
    """Answer API requests with JSON errors, whatever goes wrong."""

    @server.errorhandler(ServiceError)
    def _service_error(exc: ServiceError) -> Response:
        return error_response(status_of(exc), exc.code, exc.message)

    @server.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError) -> Response:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        return error_response(422, "invalid_request", f"{where}: {first['msg']}")

    @server.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc: RequestEntityTooLarge) -> Response:
        return error_response(413, "file_too_large", too_large_message())

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response | HTTPException:
        if not request.path.startswith("/api/"):
            return exc
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(
            exc.code or 400, "invalid_request"
        )
        response = error_response(exc.code or 400, code, exc.description or code)
        for name, value in exc.get_headers():  # a 405's Allow, a 401's challenge
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @server.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.path)
        return error_response(
            500,
            "internal_error",
            "Something went wrong on our side. It has been logged.",
        )
