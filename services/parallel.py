"""Per-series model work on every core, with progress and time budgets relayed.

Local models (one fit per series) are independent across series, so a comparison of
many series spreads them over worker processes. Workers come from a fork server:
never forked from a process that has run Polars (see NOTES). They send progress
messages and the seconds each model used back to the job, which keeps the job's
progress bar moving, stops a model that goes over its time budget everywhere, and
ends the workers at once when the owner cancels.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from collections.abc import Callable
from typing import Any

import numpy as np

import config
from services import backtest, fitting
from services.backtest import Candidate, Outcome, Step
from services.errors import JobCancelledError
from services.fitting import SeriesData, Setup
from services.models import CATALOG

log = logging.getLogger(__name__)

# Fewer series than this run in the job's own process: starting workers costs more.
MIN_PARALLEL_SERIES = 4

_messages: Any = None  # in a worker: the queue back to the job
_over: Any = None  # in a worker: per model, whether it is over its time budget
_keys: list[str] = []


def processes() -> int:
    """Worker processes for one job (the FORECAST_PROCESSES setting; 0: all cores)."""
    wanted = int(config.settings.get("FORECAST_PROCESSES", 0) or 0)
    return max(1, wanted or os.cpu_count() or 1)


def backtest_all(
    candidates: list[Candidate],
    series: dict[str | None, SeriesData],
    setup: Setup,
    step: Step,
) -> dict[str | None, dict[str, Outcome]]:
    """Backtest local models on every series: label → model key → outcome."""
    tasks = [(label, data, candidates, setup) for label, data in series.items()]
    keys = [key for key, _ in candidates]
    results = _run(backtest.backtest_series, tasks, step, keys)
    return dict(zip(series, results, strict=True))


def forecast_all(
    members: dict[str | None, list[Candidate]],
    series: dict[str | None, SeriesData],
    setup: Setup,
    step: Step,
) -> dict[tuple[str | None, str], np.ndarray | None]:
    """Refit each series' local models on all its history: (label, key) → forecast.

    A model that fails gives ``None`` (its traceback goes to the log).
    """
    tasks = [
        (label, series[label], wanted, setup)
        for label, wanted in members.items()
        if wanted
    ]
    keys = sorted({key for wanted in members.values() for key, _ in wanted})
    outputs: dict[tuple[str | None, str], np.ndarray | None] = {}
    for label, by_key in _run(_forecast, tasks, step, keys):
        outputs.update({(label, key): values for key, values in by_key.items()})
    return outputs


def _run(
    work: Callable[..., Any], tasks: list[tuple[Any, ...]], step: Step, keys: list[str]
) -> list[Any]:
    """Run ``work(*task, step, spend)`` for every task, in workers when it pays."""
    budget = backtest.budget_seconds()
    totals = dict.fromkeys(keys, 0.0)

    def spend(key: str, seconds: float) -> bool:
        totals[key] += seconds
        return totals[key] > budget

    workers = min(processes(), len(tasks))
    if workers < 2 or len(tasks) < MIN_PARALLEL_SERIES:
        return [work(*task, step, spend) for task in tasks]
    context = multiprocessing.get_context("forkserver")
    # Workers fork from a server that has imported the model libraries once.
    context.set_forkserver_preload(["services.parallel", "darts.models"])
    messages = context.Queue()
    over = context.RawArray("b", len(keys))
    pool = context.Pool(workers, _start_worker, (messages, over, keys))

    def relay(wait: float) -> None:
        message = messages.get(timeout=wait)
        if message[0] == "step":
            step(message[1])  # raises when the owner cancelled: workers end below
        elif spend(message[1], message[2]):
            over[keys.index(message[1])] = 1

    try:
        pending = [pool.apply_async(_in_worker, (work, task)) for task in tasks]
        while not all(p.ready() for p in pending):
            try:
                relay(0.2)
            except queue.Empty:
                pass
        try:
            while True:
                relay(0.05)
        except queue.Empty:
            pass
        return [p.get() for p in pending]
    finally:
        pool.terminate()
        pool.join()


def _start_worker(messages: Any, over: Any, keys: list[str]) -> None:
    global _messages, _over, _keys
    from services.runner import log_with_job_id

    log_with_job_id()
    _messages, _over, _keys = messages, over, keys


def _worker_step(message: str) -> None:
    _messages.put(("step", message))


def _worker_spend(key: str, seconds: float) -> bool:
    if seconds:
        _messages.put(("spend", key, seconds))
    return bool(_over[_keys.index(key)])


def _in_worker(work: Callable[..., Any], task: tuple[Any, ...]) -> Any:
    return work(*task, _worker_step, _worker_spend)


def _forecast(
    label: str | None,
    data: SeriesData,
    members: list[Candidate],
    setup: Setup,
    step: Step,
    _spend: backtest.Spend,
) -> tuple[str | None, dict[str, np.ndarray | None]]:
    outputs: dict[str, np.ndarray | None] = {}
    for key, params in members:
        spec = CATALOG[key]
        step(f"Forecasting with {spec.name}" + (f" ({label})" if label else ""))
        try:
            [values], _fit, _predict = fitting.fit_predict(spec, params, [data], setup)
        except JobCancelledError:
            raise
        except Exception:
            log.exception("final fit of %s failed on series %s", key, label)
            values = None
        outputs[key] = values
    return label, outputs
