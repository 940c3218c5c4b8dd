"""Plain numbers in the browser: a 60,000-value series on Explore without scientific
notation, in the user's number format (1,234.5, then 1.234,5 from Settings)."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.helpers import start_and_register, upload

FEATURES = "explore-features-div"
STRENGTHS = "explore-stationarity-div"  # in "Details for analysts"


def _series(folder: Path) -> Path:
    """48 monthly values between 55,000 and 65,000, with decimals."""
    path = folder / "sixty_thousand.csv"
    lines = ["month,sales"]
    for i in range(48):
        month = dt.date(2020 + i // 12, i % 12 + 1, 1)
        value = 60_000 + 4_000 * math.sin(2 * math.pi * i / 12) + 20 * i
        value += 300 * math.sin(7.3 * i) + 0.37  # some noise
        lines.append(f"{month.isoformat()},{value:.2f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _text(dash_duo: Any, element_id: str) -> str:
    """All text of an element, shown or folded away."""
    return str(
        dash_duo.driver.execute_script(
            "return document.getElementById(arguments[0]).textContent", element_id
        )
    )


def _cells(dash_duo: Any) -> str:
    """The features table's cells, one after another with a space between."""
    return str(
        dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]))"
            ".map(cell => cell.textContent).join(' ')",
            f"#{FEATURES} td",
        )
    )


def _explore(dash_duo: Any, base: str, thousands: str) -> tuple[str, str]:
    """Open Explore; wait for the features table in that thousands style."""
    dash_duo.driver.get(base + "/explore")
    dash_duo.wait_for_contains_text("#explore-headline", "", timeout=60)
    pattern = re.compile(rf"\b6\d{re.escape(thousands)}\d{{3}}\b")
    try:
        WebDriverWait(dash_duo.driver, 60).until(
            lambda _driver: pattern.search(_cells(dash_duo))
        )
    except TimeoutException as late:
        shown = _text(dash_duo, "react-entry-point")
        raise AssertionError(f"No 6x{thousands}xxx on Explore: {shown}") from late
    return _cells(dash_duo), _text(dash_duo, "react-entry-point")


def test_sixty_thousand_without_scientific_notation_in_both_formats(
    dash_duo: Any, dash_app: Any, tmp_path: Path
) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, _series(tmp_path), "sales")

    features, page = _explore(dash_duo, base, ",")
    assert re.search(r"\b6\d,\d{3}\b", features)  # 60,123: thousands by commas
    assert not re.search(r"\d{5}", features)  # never 60123 without a separator
    assert "e+" not in page and "e+" not in features
    assert re.search(r"\b[01]\.\d\d\b", _text(dash_duo, STRENGTHS))  # strengths: 0.87

    dash_duo.driver.get(base + "/settings")
    choice = dash_duo.wait_for_element("#settings-number-format-radio")
    WebDriverWait(dash_duo.driver, 30).until(
        lambda _driver: choice.find_elements(By.CSS_SELECTOR, "input:checked")
    )
    label = choice.find_element(By.XPATH, ".//label[contains(., '1.234,5')]")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", label
    )
    label.click()
    dash_duo.wait_for_contains_text(
        "#settings-number-format-alert-div", "1.234,5", timeout=30
    )

    features, page = _explore(dash_duo, base, ".")
    assert re.search(r"\b6\d\.\d{3}\b", features)  # 60.123: thousands by points
    assert not re.search(r"\b6\d,\d{3}\b", features)
    assert "e+" not in page and "e+" not in features
    summary = _text(dash_duo, STRENGTHS)
    assert re.search(r"\b[01],\d\d\b", summary)  # strengths: 0,87
    assert dash_duo.get_logs() == []
