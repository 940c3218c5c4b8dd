"""The JOB_BACKEND setting: who runs jobs, and a clear refusal of what cannot work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import config
from services import job_backend


@pytest.fixture
def settings() -> Iterator[Callable[..., None]]:
    """Set settings for one test; they are put back after it."""
    saved: dict[str, Any] = {}

    def set_(**values: Any) -> None:
        for key, value in values.items():
            saved.setdefault(key, config.settings.get(key))
            config.settings.set(key, value)

    yield set_
    for key, value in saved.items():
        config.settings.set(key, value)


def test_celery_without_redis_refuses_to_start(settings: Callable[..., None]) -> None:
    settings(JOB_BACKEND="celery", REDIS_URL="")
    with pytest.raises(RuntimeError, match="needs REDIS_URL"):
        job_backend.check()


def test_an_unknown_backend_is_named(settings: Callable[..., None]) -> None:
    settings(JOB_BACKEND="celeri")
    with pytest.raises(RuntimeError, match='"local" or "celery", not "celeri"'):
        job_backend.check()


@pytest.mark.parametrize(
    ("backend", "workers", "web_runs"),
    [("local", 2, True), ("local", 0, False), ("celery", 2, False)],
)
def test_the_web_process_runs_jobs_only_with_a_local_pool(
    settings: Callable[..., None], backend: str, workers: int, web_runs: bool
) -> None:
    settings(JOB_BACKEND=backend, JOB_WORKERS=workers, REDIS_URL="redis://x:6379/0")
    assert job_backend.web_runs_jobs() is web_runs
