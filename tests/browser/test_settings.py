"""Settings in the browser: a user's own API tokens; System for administrators only,
with its link to the MLflow UI; the Home page's promise of three downloads."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import fill, start_and_register


def _api_status(base: str, token: str) -> int:
    request = urllib.request.Request(
        base + "/api/v1/datasets", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_a_user_makes_copies_and_revokes_a_token_and_sees_no_system(
    dash_duo: Any, dash_app: Any, make_account: Any
) -> None:
    make_account()  # someone else is (or was) the first account: the administrator
    base, _name, _password = start_and_register(dash_duo, dash_app)
    home = dash_duo.find_element(".page").text
    assert "CSV, an Excel workbook, or a PDF report" in home

    dash_duo.driver.get(base + "/settings")
    dash_duo.wait_for_contains_text("#settings-tokens-div", "no API tokens")
    # The cards line up: side by side, as tall as each other; below, as wide.
    cards = dash_duo.driver.find_elements("css selector", ".page .card")
    password, tokens, number = (card.rect for card in cards[:3])
    assert password["y"] == tokens["y"] and password["height"] == tokens["height"]
    assert number["x"] == password["x"] and number["width"] == password["width"]
    assert "At least 8 characters." in dash_duo.find_element(".page").text
    fill(dash_duo, "#settings-token-name-input", "nightly export")
    dash_duo.find_element("#settings-token-create-button").click()
    dash_duo.wait_for_contains_text("#settings-token-new-div", "not shown again")
    token = dash_duo.find_element("#settings-token-value-code").text
    assert token.startswith("fs_")
    dash_duo.find_element("#settings-token-copy-clipboard").click()
    dash_duo.wait_for_contains_text("#settings-tokens-div", "nightly export")
    assert "never" in dash_duo.find_element("#settings-tokens-div").text
    assert _api_status(base, token) == 200

    dash_duo.driver.get(base + "/settings")  # shown once: not after a reload
    dash_duo.wait_for_contains_text("#settings-tokens-div", "nightly export")
    assert token not in dash_duo.find_element(".page").text
    assert "never" not in dash_duo.find_element("#settings-tokens-div").text  # used
    assert not dash_duo.find_element("#settings-system-div").is_displayed()
    assert "Tracking store" not in dash_duo.driver.page_source

    dash_duo.find_element("#settings-tokens-div button").click()  # Revoke
    dash_duo.wait_for_contains_text("#settings-tokens-div", "no API tokens")
    assert _api_status(base, token) == 401
    assert dash_duo.get_logs() == []


@pytest.fixture
def mlflow_ui() -> Iterator[str]:
    """The MLflow UI on the app's tracking store, as an operator runs it."""
    import config
    from services.tracking import tracking_uri

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("mlflow")),
            "server",
            "--backend-store-uri",
            tracking_uri(),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its web workers are stopped with it, as a group
    )
    url = f"http://127.0.0.1:{port}"
    config.settings.set("MLFLOW_UI_URL", url)
    try:
        yield url
    finally:
        config.settings.set("MLFLOW_UI_URL", "")
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def _wait_until_serving(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)  # waiting on the server to answer, not on a timing


def test_an_administrator_sees_system_and_opens_the_mlflow_ui(
    dash_duo: Any, dash_app: Any, make_admin: Any, mlflow_ui: str
) -> None:
    admin = make_admin("admin's password")
    dash_duo.start_server(dash_app, navigate=False)
    base = dash_duo.server.url
    dash_duo.driver.get(base + "/settings")
    fill(dash_duo, "#username", admin.username)
    fill(dash_duo, "#password", "admin's password")
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_contains_text("#settings-system-div", "Tracking store")
    system = dash_duo.find_element("#settings-system-div").text
    assert "Every model is set up." in system and "JOB_BACKEND" in system
    link = dash_duo.find_element("#settings-system-mlflow-link")
    assert link.get_attribute("href").rstrip("/") == mlflow_ui

    _wait_until_serving(mlflow_ui)
    dash_duo.driver.get(mlflow_ui)
    dash_duo.wait_for_contains_text("body", "Experiments", timeout=60)
