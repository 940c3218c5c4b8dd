"""Next month's data in the browser: added to a cleaned dataset from the Upload page,
told in a sentence, seen by Models; a file with other columns changes nothing."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By

from services import datasets, users, versions
from tests.browser.helpers import start_and_register, upload
from tests.conftest import TEST_DATA

ADDING = TEST_DATA / "adding"


def _add(dash_duo: Any, name: str, shown: str) -> None:
    """Send a file through the card's drop zone (the zone picks where it goes), once
    the page shows ``shown`` and its chart: the card does not move under the click."""
    dash_duo.wait_for_contains_text("#upload-summary-div", shown, timeout=30)
    dash_duo.wait_for_element("#upload-chart-graph .main-svg", timeout=30)
    zone = dash_duo.find_element("#upload-add-drop-zone")
    # At once: Bootstrap scrolls smoothly, and a click would land mid-scroll.
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", zone
    )
    zone.click()
    input_ = dash_duo.driver.find_element(By.ID, "upload-file-input")
    input_.send_keys(str(ADDING / name))


def test_newer_months_are_added_and_every_page_sees_them(
    dash_duo: Any, dash_app: Any
) -> None:
    base, name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, ADDING / "history.csv", "2024-06-01")
    owner = users.find_account(name)
    assert owner is not None
    (info,) = datasets.list_datasets(owner.id)
    assert info.profile.rows == 18
    # A cleaning step, as the Cleaning page applies it: fill the missing month.
    fill = [{"op": "impute", "column": "sales", "method": "linear"}]
    cleaned = versions.create_version(owner.id, info.id, None, fill)

    dash_duo.driver.get(base + "/upload")
    dash_duo.wait_for_contains_text(
        "#upload-add-title-div", "Add newer data to “history.csv”", timeout=30
    )
    _add(dash_duo, "newer.csv", "2024-06-01")
    dash_duo.wait_for_contains_text(
        "#upload-add-status-div",
        "Added 3 new months, updated 1 value; your cleaning steps were applied "
        "again (Filled 2 missing months of “sales” by linear interpolation).",
        timeout=90,
    )
    dash_duo.wait_for_contains_text("#upload-summary-div", "2024-09-01", timeout=30)
    now = datasets.get_dataset(owner.id, info.id)
    assert now.profile.rows == 21 and now.version_id != cleaned.id
    assert now.profile.columns[1].missing == 0  # the replayed step filled the gap

    # Another page follows the new current version.
    dash_duo.find_element("a.step-link[href='/models']").click()
    dash_duo.wait_for_contains_text("#models-dataset-div", "21 rows", timeout=30)

    # A file with other columns: the service's words, and nothing changes.
    dash_duo.find_element("a.step-link[href='/upload']").click()
    dash_duo.wait_for_contains_text("#upload-add-title-div", "history.csv", timeout=30)
    _add(dash_duo, "other_columns.csv", "2024-09-01")
    dash_duo.wait_for_contains_text("#upload-add-status-div", "revenue", timeout=90)
    said = dash_duo.find_element("#upload-add-status-div").text
    assert "sales" in said and "Traceback" not in said
    assert datasets.get_dataset(owner.id, info.id).version_id == now.version_id
    assert "2024-09-01" in dash_duo.find_element("#upload-summary-div").text
