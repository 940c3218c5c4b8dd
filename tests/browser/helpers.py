"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By


def fill(dash_duo: Any, selector: str, text: str) -> None:
    """Type into a field, replacing what was there."""
    element = dash_duo.find_element(selector)
    element.clear()
    element.send_keys(text)


def start_and_register(dash_duo: Any, dash_app: Any) -> tuple[str, str, str]:
    """Serve the app, create an account through the form; return url, name, password."""
    dash_duo.start_server(dash_app, navigate=False)
    dash_duo.driver.set_window_size(1400, 1000)
    base = dash_duo.server.url
    name, password = f"walker-{uuid.uuid4().hex[:8]}", "walking password"
    dash_duo.driver.get(base + "/")  # anonymous: sent to sign in, offered an account
    dash_duo.wait_for_element("#register-link").click()
    fill(dash_duo, "#username", name)
    fill(dash_duo, "#password", password)
    fill(dash_duo, "#confirm", password)
    dash_duo.find_element("#register-submit").click()
    dash_duo.wait_for_element(".hero")
    return base, name, password


def upload(
    dash_duo: Any, base: str, path: Path, expect: str, timeout: float = 60
) -> None:
    """Send a file through the upload widget and wait for its summary (read in a
    background callback: the first one waits for its fork server to start)."""
    dash_duo.driver.get(base + "/upload")
    dash_duo.wait_for_element("#upload-drop-zone")
    dash_duo.driver.find_element(By.ID, "upload-file-input").send_keys(str(path))
    dash_duo.wait_for_contains_text("#upload-summary-div", expect, timeout=timeout)
