"""OpenTelemetry: nothing is set up unless OTEL_* ask; when on, requests make spans."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from opentelemetry import trace
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from sqlalchemy import text

from api.operations import init_tracing
from services import db, jobs
from services.telemetry import tracing

OTEL_VARIABLES = (
    "OTEL_SDK_DISABLED",
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
)


@pytest.fixture
def exporter(database: None) -> Iterator[InMemorySpanExporter]:
    """Spans kept in memory; the database is no longer traced afterwards."""
    yield InMemorySpanExporter()
    SQLAlchemyInstrumentor().uninstrument()


def test_nothing_is_traced_by_default(server: Any) -> None:
    assert tracing.setup() is None
    assert not getattr(server, "_is_instrumented_by_opentelemetry", False)
    assert not isinstance(trace.get_tracer_provider(), TracerProvider)
    assert not SQLAlchemyInstrumentor().is_instrumented_by_opentelemetry


@pytest.mark.parametrize(
    ("variables", "on"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "none"}, False),
        (
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
                "OTEL_SDK_DISABLED": "true",
            },
            False,
        ),
    ],
)
def test_the_standard_variables_turn_tracing_on(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], on: bool
) -> None:
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert tracing.configured() is on


def test_a_request_makes_a_server_span_with_its_database_spans(
    exporter: InMemorySpanExporter,
) -> None:
    app = Flask("traced")

    @app.get("/things/<thing_id>")
    def thing(thing_id: str) -> dict[str, str]:
        with db.session() as s:
            s.execute(text("SELECT 1"))
        return {"id": thing_id}

    assert init_tracing(app, exporter) is not None
    assert app.test_client().get("/things/7").status_code == 200
    spans = exporter.get_finished_spans()
    [request] = [s for s in spans if s.kind == trace.SpanKind.SERVER]
    assert request.name == "GET /things/<thing_id>"
    # The request's own queries (another thread's, e.g. a job worker's, are their
    # own traces) are children of its span.
    queries = [
        s
        for s in spans
        if s.kind == trace.SpanKind.CLIENT
        and s.context.trace_id == request.context.trace_id
    ]
    assert queries and all(
        q.parent is not None and q.parent.span_id == request.context.span_id
        for q in queries
    )


def test_a_job_span_continues_the_trace_that_submitted_it(
    exporter: InMemorySpanExporter, make_account: Any
) -> None:
    provider = tracing.setup(exporter)
    assert provider is not None
    owner = make_account().id
    with provider.get_tracer("tests").start_as_current_span("submit") as submitting:
        job = jobs.submit(owner, "probe-traced", {})
    origin = jobs.origin(job.id)
    assert origin["traceparent"].startswith("00-")
    with tracing.job_span(job.id, job.kind, origin, provider):
        pass
    [span] = [s for s in exporter.get_finished_spans() if s.name == "job probe-traced"]
    assert span.context.trace_id == submitting.get_span_context().trace_id
    assert span.parent is not None
    assert span.parent.span_id == submitting.get_span_context().span_id
    assert dict(span.attributes or {}) == {"job.id": job.id, "job.kind": "probe-traced"}
    jobs.cancel(owner, job.id)
