"""A European export in the browser: the right roles, an override that persists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services import users
from tests.browser.helpers import start_and_register, upload
from tests.conftest import SAMPLES, TEST_DATA, make_dataset

ROLE = '#\\{\\"column\\"\\:\\"{name}\\"\\,\\"type\\"\\:\\"columns-role-dropdown\\"\\}'


def _role(dash_duo: Any, name: str) -> Any:
    return dash_duo.find_element(ROLE.replace("{name}", name))


def test_roles_of_a_semicolon_file_and_an_override_that_persists(
    dash_duo: Any, dash_app: Any
) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, TEST_DATA / "european_sales.csv", "Umsatz")
    dash_duo.wait_for_contains_text("#upload-summary-div", "daily")

    dash_duo.driver.get(base + "/columns")
    dash_duo.wait_for_contains_text("#columns-roles-div", "Umsatz")
    assert "time" in _role(dash_duo, "Datum").text
    assert "numeric" in _role(dash_duo, "Umsatz").text
    assert "constant" in _role(dash_duo, "Bemerkung").text

    dash_duo.select_dcc_dropdown(
        ROLE.replace("{name}", "Bemerkung"), value="text — free text"
    )
    dash_duo.find_element("#columns-save-button").click()
    dash_duo.wait_for_contains_text("#columns-alert-div", "Saved")

    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text("#columns-roles-div", "Umsatz")
    assert "text" in _role(dash_duo, "Bemerkung").text
    assert "changed" in dash_duo.find_element("#columns-roles-div").text
    assert dash_duo.get_logs() == []


def test_a_new_session_starts_on_the_newest_dataset(
    dash_duo: Any, dash_app: Any, tmp_path: Path
) -> None:
    base, name, _password = start_and_register(dash_duo, dash_app)
    account = next(a for a in users.list_accounts() if a.username == name)
    for sample in ("air_passengers.csv", "victoria_electricity_daily.csv"):
        make_dataset(account.id, SAMPLES / sample, tmp_path)  # made elsewhere (API)

    dash_duo.driver.get(base + "/columns")  # this tab has never chosen a dataset
    dash_duo.wait_for_contains_text("#columns-roles-div", "demand_gwh", timeout=20)
    dash_duo.driver.get(base + "/upload")
    dash_duo.wait_for_contains_text(
        "#upload-summary-div", "victoria_electricity_daily.csv"
    )
    assert dash_duo.get_logs() == []
