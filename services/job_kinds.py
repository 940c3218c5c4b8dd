"""The kinds of job: what a handler receives, and which handler runs each kind.

A handler lives in the service module that owns the work and takes a ``JobContext``;
it returns a result reference (or ``None``). ``KINDS`` maps each kind to a loader
that imports the handler's module only when a job of that kind runs, so a worker
records itself and beats before the (slow) model libraries load.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from services import jobs


@dataclass
class JobContext:
    """What a job handler gets: the owner, the parameters, and a way to report."""

    job_id: str
    user_id: int
    params: dict[str, Any] = field(default_factory=dict)

    def progress(self, fraction: float, message: str) -> None:
        """Report progress; raise ``JobCancelledError`` if the owner asked to stop."""
        jobs.report(self.job_id, fraction, message)

    def cancelled(self) -> bool:
        """Whether the owner asked to stop."""
        return jobs.cancel_requested(self.job_id)


Handler = Callable[[JobContext], "str | None"]
# Imports a kind's handler; module-level, so it travels to a worker by reference.
Loader = Callable[[], Handler]


def _forecast() -> Handler:
    from services.forecasts import run_forecast_job

    return run_forecast_job


def _analysis() -> Handler:
    from services.stored_analyses import run_analysis_job

    return run_analysis_job


def _report() -> Handler:
    from services.reports.exports import run_report_job

    return run_report_job


def _scenario() -> Handler:
    from services.scenarios import run_scenario_job

    return run_scenario_job


KINDS: Mapping[str, Loader] = {
    "forecast": _forecast,
    "scenario": _scenario,
    "analysis": _analysis,
    "report": _report,
}
