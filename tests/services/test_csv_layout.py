"""CSV layouts: what a download may ask for, and the layout of an uploaded file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.csv_layout import PLAIN, CsvLayout, csv_layout, upload_layout
from services.errors import InvalidInputError, NotFoundError
from tests.conftest import SAMPLES, TEST_DATA, make_dataset


def test_asked_layouts_and_the_refused_ones() -> None:
    assert csv_layout() == csv_layout(",", ".") == PLAIN and PLAIN.plain
    assert csv_layout(";", ",") == CsvLayout(";", ",")
    assert csv_layout("tab", ",") == CsvLayout("\t", ",")
    assert csv_layout(";", ",").label == "CSV for Excel with ; and decimal comma"
    assert csv_layout("tab").label == "CSV for Excel with tabs and decimal point"
    assert csv_layout(";", ",").query == "sep=%3B&decimal=%2C"
    assert csv_layout("tab", ".").query == "sep=tab&decimal=."
    for sep, decimal, says in (
        ("|", None, "sep must be “,”, “;” or “tab”"),
        ("\\t", None, "sep must be"),
        (None, ";", "decimal must be “.” or “,”"),
        (",", ",", "sep and decimal must differ"),
        (None, ",", "sep and decimal must differ"),
    ):
        with pytest.raises(InvalidInputError, match=says) as refused:
            csv_layout(sep, decimal)
        assert refused.value.code == "invalid_request"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (TEST_DATA / "european_sales.csv", CsvLayout(";", ",")),  # Latin-1, 1.182,38
        (TEST_DATA / "messy" / "european_latin1_report.csv", CsvLayout(";", ",")),
        (TEST_DATA / "messy" / "tab_separated.tsv", CsvLayout("\t", ".")),
        (TEST_DATA / "messy" / "utf16le_excel_unicode.txt", CsvLayout("\t", ".")),
        (TEST_DATA / "messy" / "thousands_us.csv", PLAIN),  # "39,060.40", quoted
        (TEST_DATA / "messy" / "pipe_delimited.txt", PLAIN),
        (SAMPLES / "air_passengers.csv", PLAIN),
        (TEST_DATA / "store_units.xlsx", PLAIN),  # a workbook has no layout
    ],
    ids=lambda value: value.name if isinstance(value, Path) else "",
)
def test_the_layout_an_upload_used(
    make_account: Any, tmp_path: Path, source: Path, expected: CsvLayout
) -> None:
    account = make_account()
    dataset = make_dataset(account.id, source, tmp_path)
    assert upload_layout(account.id, dataset.id) == expected


def test_another_users_upload_is_not_found(make_account: Any, tmp_path: Path) -> None:
    owner, stranger = make_account(), make_account()
    dataset = make_dataset(owner.id, TEST_DATA / "european_sales.csv", tmp_path)
    with pytest.raises(NotFoundError):
        upload_layout(stranger.id, dataset.id)
