"""A large upload in the browser: read in the background with its steps, cancelled
(nothing kept), then sent again and read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import multiprocess.forkserver
import polars as pl
import psutil
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from services import datasets, storage, users
from tests.browser.helpers import start_and_register, upload

ROWS = 2_000_000  # about 80 MB: reading it takes seconds, long enough to cancel


def _large_csv(folder: Path) -> Path:
    start = dt.datetime(2000, 1, 1)
    path = folder / "minutes.csv"
    pl.DataFrame(
        {
            "time": pl.datetime_range(
                start, start + dt.timedelta(minutes=ROWS - 1), "1m", eager=True
            ),
            "store": [f"store {i % 7}" for i in range(ROWS)],
            "sales": pl.int_range(ROWS, eager=True) * 1.5,
        }
    ).write_csv(path)
    return path


def _step_shown(dash_duo: Any, starts: str) -> str:
    """The step the reading names above its progress bar, once it is ``starts``…"""
    step = dash_duo.find_element("#upload-read-step-div")
    return str(
        WebDriverWait(dash_duo.driver, 60).until(
            lambda _driver: step.text.startswith(starts) and step.text
        )
    )


def _readers() -> list[psutil.Process]:
    """The processes reading an upload for this test's app: the read's fork server
    and the child it forks. Both descend from the app's background-callback fork
    server (a read runs in a background callback), so readers of other test runs on
    the machine, and of this process's own fork server, are never counted."""
    server_pid = multiprocess.forkserver._forkserver._forkserver_pid
    if server_pid is None:  # not started yet: nothing of this app reads
        return []
    found = []
    try:
        descendants = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    for process in descendants:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                if "services.parse_process" in " ".join(process.cmdline()):
                    found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def test_a_large_upload_shows_its_steps_and_can_be_cancelled(
    dash_duo: Any, dash_app: Any, tmp_path: Path
) -> None:
    base, name, _password = start_and_register(dash_duo, dash_app)
    owner = users.find_account(name)
    assert owner is not None
    large = _large_csv(tmp_path)
    dash_duo.driver.get(base + "/upload")
    dash_duo.wait_for_element("#upload-drop-zone")
    dash_duo.driver.find_element(By.ID, "upload-file-input").send_keys(str(large))

    # Sent, then read in the background: the row shows the steps, Cancel stops it.
    dash_duo.wait_for_style_to_equal(
        "#upload-read-progress-div", "display", "block", timeout=60
    )
    _step_shown(dash_duo, "Reading")
    # Cancelled while its processes read (a step of a fast read may pass unpolled).
    WebDriverWait(dash_duo.driver, 30, poll_frequency=0.05).until(lambda _d: _readers())
    dash_duo.find_element("#upload-read-cancel-button").click()
    dash_duo.wait_for_style_to_equal("#upload-read-progress-div", "display", "none")
    WebDriverWait(dash_duo.driver, 30).until(lambda _driver: not _readers())
    dash_duo.wait_for_contains_text("#upload-status-div", "nothing of the file")
    pending = storage.user_dir(owner.id) / "pending"
    assert not pending.exists() or list(pending.iterdir()) == []
    assert datasets.list_datasets(owner.id) == []
    assert "Upload a file" in dash_duo.find_element("#upload-summary-div").text

    # Sent again and left to finish: the table is read, nothing is left waiting.
    upload(dash_duo, base, large, "minutes.csv", timeout=180)
    assert [d.profile.rows for d in datasets.list_datasets(owner.id)] == [ROWS]
    assert list(pending.iterdir()) == []
    assert "Read minutes.csv" in dash_duo.find_element("#upload-status-div").text
    assert dash_duo.get_logs() == []
