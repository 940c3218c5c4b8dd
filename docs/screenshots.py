"""Redraw the README's pictures of the pages: docs/screenshot-<page>.png.

Run ``PYTHONPATH=. .venv/bin/python docs/screenshots.py`` whenever a page changes
(it takes a few minutes: the forecast is real). It serves the app with gunicorn, as
``make run`` does, on a free port with a scratch data folder, and walks through it
as a new user in headless Chromium at 1440 pixels wide: the sign-in and registration
pages, Home, Upload with the airline passengers sample loaded, Columns, Cleaning with
a step previewed and applied, Explore, Models once the automatic forecast ("Forecast
this") is ready, Export and Settings. A long page is drawn whole, up to 2,400 pixels
high. The pictures of the background work (``screenshot-upload-reading.png``,
``screenshot-export-background.png``, ``screenshot-export-jobs.png``) are not redrawn.

Every step waits for what the page shows (a text, an element) and for Dash to have
no callback pending, not for a fixed time (only half a second before each picture,
for Plotly to finish redrawing at the new height). A page that never shows what is
waited for stops the run with its address and what was missing; the scratch folder
is then kept, with ``failed.png`` (the page as it was) and the server's log.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from benchmarks.latency import base_env
from components import ids
from components.cleaning import ACTIONS, DETECTORS, OPS
from tests.integration import processes

DOCS = Path(__file__).resolve().parent
WIDTH, HEIGHT, MAX_HEIGHT = 1440, 1000, 2400
SAMPLE = "air_passengers"
# Callbacks the page still waits for (Dash's own store, as dash.testing reads it).
PENDING = """
if (!window.store) { return 0; }
const state = window.store.getState();
const callbacks = Object.assign({}, state.callbacks);
delete callbacks.stored; delete callbacks.completed;
const waiting = Object.values(callbacks).reduce((n, list) => n + list.length, 0);
const spinning = document.querySelectorAll('[data-dash-is-loading="true"]').length;
return waiting + spinning + (state.isLoading ? 1 : 0);
"""


class Walk:
    """A browser on the app, and the steps a person takes in it."""

    def __init__(self, driver: Any, base: str) -> None:
        self.driver = driver
        self.base = base

    def go(self, path: str) -> None:
        """Open a page of the app by its address."""
        self.driver.get(self.base + path)

    def wait(self, condition: Callable[[Any], Any], what: str, timeout: float) -> Any:
        """Wait for ``condition``; stop the run with ``what`` when it never holds."""
        try:
            return WebDriverWait(self.driver, timeout, 0.2).until(condition)
        except TimeoutException:
            raise RuntimeError(
                f"{self.driver.current_url}: no {what} after {timeout:.0f} s"
            ) from None

    def element(self, selector: str, timeout: float = 30) -> Any:
        """The visible element ``selector``, once it is."""
        return self.wait(
            ec.visibility_of_element_located((By.CSS_SELECTOR, selector)),
            selector,
            timeout,
        )

    def text(self, selector: str, text: str, timeout: float = 30) -> None:
        """Wait until ``selector`` holds ``text``."""
        self.wait(
            ec.text_to_be_present_in_element((By.CSS_SELECTOR, selector), text),
            f"“{text}” in {selector}",
            timeout,
        )

    def click(self, selector: str, timeout: float = 30) -> None:
        """Click ``selector`` once it can be clicked (by script: a chart redrawing
        above it cannot move it away from the pointer)."""
        button = self.wait(
            ec.element_to_be_clickable((By.CSS_SELECTOR, selector)), selector, timeout
        )
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
            button,
        )

    def type(self, selector: str, text: str) -> None:
        """Type into a field, replacing what was there."""
        field = self.element(selector)
        field.clear()
        field.send_keys(text)

    def choose(self, selector: str, label: str) -> None:
        """Pick the option ``label`` of the Dash dropdown ``selector`` (a real click
        opens it; a menu that did not open is closed and opened again)."""
        option = (
            By.XPATH,
            "//*[contains(@class, 'dash-dropdown-options')]//*[contains(@class, "
            f"'dash-dropdown-option') and normalize-space()={_xpath(label)}]",
        )
        for _attempt in range(3):
            field = self.element(selector)
            self.driver.execute_script(
                "arguments[0].scrollIntoView({block: 'center'})", field
            )
            field.click()
            try:
                WebDriverWait(self.driver, 5, 0.2).until(
                    ec.element_to_be_clickable(option)
                ).click()
            except TimeoutException:
                self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
                continue
            self.text(selector, label, timeout=10)
            return
        raise RuntimeError(
            f"{self.driver.current_url}: no option “{label}” in {selector}"
        )

    def settle(self, timeout: float = 30) -> None:
        """Wait until no callback is pending and no spinner shows, for half a second
        in a row; pages that poll may never be still, so give up quietly after
        ``timeout`` (each step has already waited for what it needs)."""
        still_since = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.driver.execute_script(PENDING):
                still_since = None
            elif still_since is None:
                still_since = time.monotonic()
            elif time.monotonic() - still_since > 0.5:
                return
            time.sleep(0.1)

    def shoot(self, name: str) -> None:
        """Draw the page, as tall as it is (at most MAX_HEIGHT), into docs/."""
        self.settle()
        self.driver.execute_script("window.scrollTo(0, 0)")
        height = self.driver.execute_script(
            "return Math.max(document.documentElement.scrollHeight,"
            " document.body.scrollHeight)"
        )
        self._viewport(max(HEIGHT, min(int(height), MAX_HEIGHT)))
        self.settle()  # charts resize to the new viewport
        time.sleep(0.5)  # let Plotly's transitions end: nothing to wait on here
        self.driver.save_screenshot(str(DOCS / f"screenshot-{name}.png"))
        self._viewport(HEIGHT)
        print(f"docs/screenshot-{name}.png", flush=True)

    def _viewport(self, height: int) -> None:
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )


def _param(name: str) -> str:
    """The selector of the cleaning step's field ``name``."""
    return f'[id=\'{{"name":"{name}","type":"{ids.CLEANING_PARAM}"}}\']'


def _xpath(text: str) -> str:
    """``text`` as an XPath string literal."""
    if "'" not in text:
        return f"'{text}'"
    parts = text.split("'")
    return "concat(" + ', "\'", '.join(f"'{p}'" for p in parts) + ")"


def walk(page: Walk) -> None:
    """Take every page's picture, in the order a new user meets them."""
    page.go("/")  # anonymous: sent to sign in, offered an account
    page.element("#register-link")
    page.shoot("signin")
    page.click("#register-link")
    page.element("#confirm")
    page.shoot("register")
    password = "a demo password"
    page.type("#username", "demo")  # a fresh database each run
    page.type("#password", password)
    page.type("#confirm", password)
    page.click("#register-submit")
    page.element("#home-start-div button")  # the sample, forecast in one click
    page.shoot("home")

    page.go("/upload")
    page.click(f'[id*=\'"key":"{SAMPLE}"\'][id*="upload-sample-button"]')
    page.text("#upload-summary-div", "passengers", timeout=120)
    page.element("#upload-forecast-button")
    page.element("#upload-chart-graph .main-svg")
    page.shoot("upload")

    page.go("/columns")
    page.text("#columns-dataset-div", "air_passengers.csv")
    page.text("#columns-roles-div", "passengers")
    page.shoot("columns")

    page.go("/cleaning")
    page.text("#cleaning-dataset-div", "air_passengers.csv")
    page.choose("#cleaning-op-dropdown", OPS["outliers"])
    page.text("#cleaning-params-div", "Unusual means")
    # Robust STL at 6: the four months farthest from trend and season (at the
    # default 3 it finds 14 in this clean series, and says that many are a pattern).
    page.choose(_param("method"), DETECTORS["stl"])
    page.type(_param("sensitivity"), "6")
    page.choose(_param("action"), ACTIONS["interpolate"])
    page.click("#cleaning-preview-outliers-button")
    page.text("#cleaning-alert-div", "would be treated", timeout=120)
    page.click("#cleaning-add-button")
    page.text("#cleaning-recipe-div", f"1. {OPS['outliers']}")
    page.click("#cleaning-apply-button")
    page.text("#cleaning-alert-div", "Version 2 made", timeout=60)
    page.text("#cleaning-counts-text", "changed")
    page.element("#cleaning-compare-graph .main-svg")
    page.shoot("cleaning")
    # The rest forecasts the sample as it is, like Home's button: version 1 again.
    page.click(f"[id*='{ids.CLEANING_RESTORE}']")
    page.text("#cleaning-dataset-div", "version 1")

    page.go("/explore")
    page.text("#explore-dataset-div", "air_passengers.csv")
    page.element("#explore-summary-div p, #explore-summary-div .alert", 60)
    page.shoot("explore")

    page.go("/upload")
    page.click("#upload-forecast-button", timeout=60)
    page.text("#models-dataset-div", "air_passengers.csv", timeout=60)
    page.text("#models-status-div", "Forecast ready", timeout=900)
    page.element("#models-forecast-graph .main-svg", 60)
    for name in ("80% range", "95% range"):
        page.text("#models-forecast-graph .legend", name, 60)
    page.element("#models-scores-div table", 60)
    page.shoot("forecast")

    page.go("/export")
    page.text("#export-forecasts-div", "air_passengers.csv", timeout=60)
    page.element("#export-forecast-graph .main-svg", 60)
    page.element("#export-models-graph .main-svg", 60)
    page.shoot("export")

    page.go("/settings")
    page.element("#settings-number-format-radio")
    page.element("#settings-tokens-div")
    page.shoot("settings")


def browser() -> Any:
    """Headless Chromium at 1440 × 1000, one device pixel per CSS pixel."""
    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new",
        f"--window-size={WIDTH},{HEIGHT}",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        "--no-sandbox",  # as root, as the browser tests run here
        "--disable-dev-shm-usage",
        # WebGL in software: the Upload page's chart is drawn with it.
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    return driver


def main() -> None:
    """Serve the app from a scratch data folder, walk through it, stop it."""
    scratch = Path(tempfile.mkdtemp(prefix="screenshots-"))
    env = base_env(scratch)
    port = int(env["FORECAST_STUDIO_PORT"])
    log = scratch / "server.log"
    server = processes.start(processes.WEB, env, log)
    try:
        processes.wait_ready(port, [server], 180)
        driver = browser()
        try:
            walk(Walk(driver, f"http://127.0.0.1:{port}"))
        except (RuntimeError, WebDriverException):
            driver.save_screenshot(str(scratch / "failed.png"))
            print(f"Stopped; the page as it was: {scratch / 'failed.png'}")
            print(f"The server's log: {log}", file=sys.stderr)
            raise
        finally:
            driver.quit()
    finally:
        processes.stop(server, 60)
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
