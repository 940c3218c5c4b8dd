"""Fixtures of the integration tests: a database of the local Redis of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration import processes

CLAIM = "forecast-studio-test-run"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """An empty database of the local Redis for this test, emptied after it (or skip).

    Claimed as ``processes.claim_redis_db`` does (the first empty one among 8–15), so
    parallel runs and the benchmarks never share one.
    """
    redis = pytest.importorskip("redis")
    try:
        url = processes.claim_redis_db(CLAIM)
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379: start it (NOTES.md)")
    if url is None:
        pytest.skip("No empty Redis database among 8–15 for this run")
    try:
        yield url
    finally:
        processes.release_redis_db(url)
