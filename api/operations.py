"""Operating the app over HTTP: request ids, JSON access logs, /ready, /metrics, traces.

``/health`` (in ``api/__init__.py``) and ``/ready`` need no sign-in; ``/metrics``
takes ``Authorization: Bearer`` with an administrator's API token or ``METRICS_TOKEN``,
and nothing else (not even a signed-in browser).
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import Any

from flask import Flask, Response, g, jsonify, request
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter

import config
from api.errors import error_response
from auth import bearer_token
from services import users
from services.telemetry import logs, metrics, readiness, tracing

log = logging.getLogger("forecast_studio.requests")
# Paths never traced: probes and scrapes would drown the traces people look for.
UNTRACED = "health,ready,metrics"


def _user_fields() -> dict[str, Any]:
    """The signed-in user of the request being answered (without loading it)."""
    from flask import has_request_context

    if not has_request_context():
        return {}
    user = g.get("api_user") or g.get("_login_user")
    user_id = getattr(user, "id", None)
    return {"user_id": user_id} if user_id is not None else {}


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = logs.request_id_from(request.headers.get("X-Request-ID"))
    logs.REQUEST_ID.set(g.request_id)


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a request that failed before the first hook ran
        return response
    seconds = time.perf_counter() - started
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    metrics.observe_request(route, request.method, response.status_code, seconds)
    response.headers["X-Request-ID"] = g.request_id
    # The route template, not the path: a shared page's path holds its secret token.
    log.info(
        "%s %s %s",
        request.method,
        route,
        response.status_code,
        extra={
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
    return response


def _forget(_error: BaseException | None) -> None:
    logs.REQUEST_ID.set(None)


def _metrics_reader() -> bool:
    """Whether the request carries the metrics token or an administrator's token."""
    token = bearer_token()
    if not token:
        return False
    expected = str(config.settings.get("METRICS_TOKEN", "") or "")
    if expected and hmac.compare_digest(token.encode(), expected.encode()):
        return True
    account = users.account_for_token(token)
    return account is not None and account.is_admin


def init_tracing(
    server: Flask, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """Trace Flask requests and the database when tracing is on (or ``exporter`` given).

    Returns the tracer provider, or ``None`` when tracing is off.
    """
    provider = tracing.setup(exporter)
    if provider is not None:
        from opentelemetry.instrumentation.flask import FlaskInstrumentor

        FlaskInstrumentor.instrument_app(  # type: ignore[no-untyped-call]
            server, tracer_provider=provider, excluded_urls=UNTRACED
        )
    return provider


def init_operations(server: Flask) -> None:
    """Install JSON logs, request ids, request metrics, /ready, /metrics and traces."""
    logs.configure(str(config.settings.LOG_LEVEL), context=_user_fields)
    # First of all hooks, so the sign-in guard's refusals are timed and logged too.
    server.before_request_funcs.setdefault(None, []).insert(0, _start)
    server.after_request(_finish)
    server.teardown_request(_forget)
    init_tracing(server)

    @server.get("/ready")
    def ready() -> Response:
        problems = readiness.problems()
        if problems:
            response = jsonify(status="unavailable", reason=" ".join(problems))
            response.status_code = 503
            return response
        return jsonify(status="ready")

    @server.get("/metrics")
    def metrics_page() -> Response:
        if not _metrics_reader():
            response = error_response(
                401,
                "unauthorized",
                "Send an administrator's API token or the metrics token: "
                "Authorization: Bearer <token>.",
            )
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return Response(
            metrics.exposition(), headers={"Content-Type": metrics.CONTENT_TYPE}
        )
