"""The sign-in throttle: per account (exact under parallel attempts) and per address."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import config
from services import db, users
from tests.auth.helpers import form_token, sign_in

ROOT = Path(__file__).resolve().parents[2]


def _address() -> str:
    """A client address of its own, so no other test shares its counts."""
    number = uuid.uuid4().int
    return f"10.{number % 250}.{number // 250 % 250}.{number // 62500 % 250 + 1}"


def _attempt(server: Any, address: str, username: str, password: str) -> Any:
    """One sign-in through the form, from a fresh browser at ``address``."""
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return sign_in(client, username, password)


@pytest.fixture
def setting() -> Iterator[Callable[[str, Any], None]]:
    """Change settings for one test."""
    changed: dict[str, Any] = {}

    def change(name: str, value: Any) -> None:
        changed.setdefault(name, config.settings.get(name))
        config.settings.set(name, value)

    yield change
    for name, value in changed.items():
        config.settings.set(name, value)


def test_parallel_wrong_passwords_are_all_counted(
    server: Any, make_account: Any
) -> None:
    account = make_account("the right password")
    limit = int(config.settings.LOGIN_MAX_FAILURES)

    # 24 wrong passwords, 8 at a time, each from its own address.
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda _: _attempt(
                    server, _address(), account.username, "a wrong password"
                ).get_data(as_text=True),
                range(24),
            )
        )
    with db.session() as s:
        assert s.get_one(db.User, account.id).failed_logins == 24
    assert sum("not right" in a for a in answers) == limit
    assert sum("Too many failed sign-ins" in a for a in answers) == 24 - limit

    # After the limit even the right password is refused, from anywhere...
    refused = _attempt(server, _address(), account.username, "the right password")
    assert refused.status_code == 200 and "Too many failed" in refused.text
    # ...until the window has passed.
    with db.session() as s:
        user = s.get_one(db.User, account.id)
        assert user.failures_since is not None
        user.failures_since -= timedelta(
            seconds=float(config.settings.LOGIN_FAILURE_WINDOW_S)
        )
    accepted = _attempt(server, _address(), account.username, "the right password")
    assert accepted.status_code == 302


def test_one_address_is_limited_across_accounts(
    server: Any, make_account: Any, api: Any, setting: Any
) -> None:
    setting("LOGIN_RATE_LIMIT", "5 per minute")
    accounts = [make_account() for _ in range(8)]
    address = _address()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda a: _attempt(server, address, a.username, "a wrong password"),
                accounts,
            )
        )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 5 + [429] * 3
    refusal = next(a for a in answers if a.status_code == 429)
    assert "Too many sign-in attempts from your network" in refusal.text
    assert "per 1 minute" not in refusal.text  # the limiter's own text stays inside
    assert int(refusal.headers["Retry-After"]) > 0
    # Another address is not affected; nor are the API and the pages' callbacks.
    other = _attempt(server, _address(), accounts[0].username, "correct horse battery")
    assert other.status_code == 302
    browser = server.test_client()
    sign_in(browser, accounts[1].username, "correct horse battery")
    for client in (browser, api.client):
        client.environ_base["REMOTE_ADDR"] = address
    for _ in range(8):
        assert api.get("/api/v1/datasets").status_code == 200
        assert browser.get("/_dash-layout").status_code == 200


def test_registration_is_limited_per_address(server: Any, setting: Any) -> None:
    setting("REGISTER_RATE_LIMIT", "2 per minute")
    address = _address()
    statuses = []
    for _ in range(3):
        client = server.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = form_token(client.get("/register").get_data(as_text=True))
        name = f"limited-{uuid.uuid4().hex[:8]}"
        answer = client.post(
            "/register",
            data={
                "csrf_token": token,
                "username": name,
                "password": "a long password",
                "confirm": "a long password",
            },
        )
        statuses.append(answer.status_code)
    assert statuses == [302, 302, 429]
    assert "Try again later" in answer.text
    assert users.find_account(name) is None


def test_limits_are_kept_in_redis_when_it_is_set(tmp_path: Path) -> None:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    address = _address()
    # A separate web process (one app per process), configured by environment.
    script = f"""
from app import server
from tests.auth.helpers import sign_in
client = server.test_client()
client.environ_base["REMOTE_ADDR"] = "{address}"
print([sign_in(client, "nobody", "a wrong password").status_code for _ in range(3)])
"""
    environment = {
        **os.environ,
        "FORECAST_STUDIO_ENV": "testing",
        "FORECAST_STUDIO_DATA_DIR": str(tmp_path),
        "FORECAST_STUDIO_REDIS_URL": url,
        "FORECAST_STUDIO_LOGIN_RATE_LIMIT": "2 per minute",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[200, 200, 429]"
    store = redis.Redis.from_url(url)
    keys = [k.decode() for k in store.scan_iter("*forecast-studio*")]
    assert any(address in k for k in keys), keys
    for key in keys:
        if address in key:
            store.delete(key)
