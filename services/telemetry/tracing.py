"""OpenTelemetry tracing: off unless the standard ``OTEL_*`` variables ask for it.

Tracing is on when ``OTEL_TRACES_EXPORTER`` names an exporter (``otlp`` or
``console``) or an OTLP endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``), and ``OTEL_SDK_DISABLED`` is not ``true``.
Everything else (service name, resource attributes, sampler, headers, protocol
``http/protobuf``) comes from the SDK's own ``OTEL_*`` variables. The web layer traces
Flask requests; this module also traces the database and each job, whose span
continues the trace of the request that submitted it (``traceparent`` in the job's
parameters).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

SERVICE_NAME = "forecast-studio"
_provider: TracerProvider | None = None


def configured() -> bool:
    """Whether the environment asks for traces."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def _exporter_from_environment() -> SpanExporter:
    if os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "console":
        return ConsoleSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter,
    )

    return OTLPSpanExporter()  # endpoint, headers, timeout: from OTEL_EXPORTER_OTLP_*


def setup(exporter: SpanExporter | None = None) -> TracerProvider | None:
    """The tracer provider of this process, made on the first call; ``None`` when off.

    Parameters
    ----------
    exporter
        Where spans go, exported as each ends (tests pass an in-memory exporter).
        Without it, spans go in batches to the exporter the environment names, and
        the provider becomes the process's global one.

    """
    global _provider
    if exporter is not None:
        provider = _new_provider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        _instrument_database(provider)
        return provider
    if _provider is None and configured():
        _provider = _new_provider()
        _provider.add_span_processor(BatchSpanProcessor(_exporter_from_environment()))
        trace.set_tracer_provider(_provider)
        _instrument_database(_provider)
    return _provider


def _new_provider() -> TracerProvider:
    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name.
    named = "OTEL_SERVICE_NAME" in os.environ or "service.name=" in os.environ.get(
        "OTEL_RESOURCE_ATTRIBUTES", ""
    )
    return TracerProvider(
        resource=Resource.create({} if named else {"service.name": SERVICE_NAME})
    )


def _instrument_database(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    from services import db

    instrumentor = SQLAlchemyInstrumentor()
    if instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.uninstrument()
    # The instrumentation declares SQLAlchemy < 2.1 but works with 2.1 (the tests
    # check its spans): skip its version check.
    instrumentor.instrument(
        engine=db.engine(), tracer_provider=provider, skip_dep_check=True
    )


def shutdown() -> None:
    """Send the spans still buffered and stop tracing in this process."""
    global _provider
    if _provider is not None:
        _provider.shutdown()
        _provider = None


def carrier() -> dict[str, str]:
    """The current trace context as W3C headers (empty when nothing is traced)."""
    headers: dict[str, str] = {}
    propagate.inject(headers)
    return headers


@contextmanager
def job_span(
    job_id: str,
    kind: str,
    params: Mapping[str, Any],
    provider: TracerProvider | None = None,
) -> Iterator[None]:
    """Trace one job's run (when tracing is on), under the request that submitted it.

    The spans are sent before the block ends: a job's process exits without running
    exit handlers. ``provider`` defaults to this process's (see ``setup``).
    """
    provider = provider or setup()
    if provider is None:
        yield
        return
    parent = propagate.extract({"traceparent": str(params.get("traceparent", ""))})
    tracer = provider.get_tracer(__name__)
    try:
        with tracer.start_as_current_span(
            f"job {kind}",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            attributes={"job.id": job_id, "job.kind": kind},
        ):
            yield
    finally:
        provider.force_flush()
