"""Version endpoints: recipes, lineage, profiles, compare, restore, outliers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import TEST_DATA, ApiClient

GAPS = TEST_DATA / "messy" / "gaps.csv"


def test_recipe_lineage_compare_restore(api: ApiClient) -> None:
    dataset = api.upload(GAPS).get_json()
    base = f"/api/v1/datasets/{dataset['id']}"
    made = api.post(
        f"{base}/versions",
        json={
            "parent": dataset["version_id"],
            "steps": [
                {"op": "regularize", "fill": None},
                {"op": "impute", "column": "sales", "method": "linear", "max_gap": 3},
            ],
        },
    )
    assert made.status_code == 201, made.get_json()
    version = made.get_json()
    assert version["parent"] == dataset["version_id"] and version["hash"]
    assert version["changes"][1]["filled"] > 0
    assert version["profile"]["time_column"] == "date"
    lineage = api.get(f"{base}/versions").get_json()
    assert [v["id"] for v in lineage] == [dataset["version_id"], version["id"]]
    assert lineage[1]["current"] is True
    first = api.get(f"{base}/versions/{dataset['version_id']}").get_json()
    assert first["rows"] == dataset["rows"]
    compared = api.get(
        f"{base}/versions/{dataset['version_id']}/compare?with="
        f"{version['id']}&column=sales"
    ).get_json()
    assert compared["counts"]["filled"] == version["changes"][1]["filled"]
    assert {p["change"] for p in compared["changed"]} == {"filled"}
    assert (
        compared["stats"]["after"]["missing"]
        <= compared["stats"]["before"]["missing"] + version["changes"][0]["rows_added"]
    )
    restored = api.post(f"{base}/versions/{dataset['version_id']}/current")
    assert restored.status_code == 200
    assert api.get(base).get_json()["version_id"] == dataset["version_id"]


def test_invalid_steps_and_outlier_preview(api: ApiClient) -> None:
    dataset = api.upload(GAPS).get_json()
    base = f"/api/v1/datasets/{dataset['id']}"
    for steps in (
        [{"op": "impute", "column": "nope"}],
        [{"op": "fly"}],
        [
            {"op": "impute", "column": "sales", "method": "drop"},
            {"op": "rename", "column": "sales", "to": "date"},
        ],
    ):
        response = api.post(f"{base}/versions", json={"steps": steps})
        assert response.status_code == 422, steps
        assert (
            "Step" in response.get_json()["error"]["message"]
            or "step" in response.get_json()["error"]["message"]
        )
    found = api.get(f"{base}/outliers?column=sales&method=zscore&sensitivity=2")
    assert found.status_code == 200 and found.get_json()["method"] == "zscore"
    assert api.get(f"{base}/outliers?column=sales&method=magic").status_code == 422
    assert len(api.get(f"{base}/versions").get_json()) == 1  # nothing was changed


def test_delete_and_strangers(api_for: object) -> None:
    owner, stranger = api_for(), api_for()  # type: ignore[operator]
    dataset = owner.upload(GAPS).get_json()
    base = f"/api/v1/datasets/{dataset['id']}"
    assert stranger.get(f"{base}/versions").status_code == 404
    assert stranger.client.delete(base, headers=stranger.headers).status_code == 404
    assert owner.client.delete(base, headers=owner.headers).status_code == 204
    assert owner.get(base).status_code == 404


def test_cleaning_month_end_data_keeps_its_calendar(
    api: ApiClient, tmp_path: Path
) -> None:
    ends = pd.date_range("2022-01-31", periods=24, freq="ME")
    rows = [
        f"{d:%d.%m.%Y},{100 + i}" for i, d in enumerate(ends) if d.month != 6
    ]  # June is missing each year
    path = tmp_path / "month_ends.csv"
    path.write_text("date,sales\n" + "\n".join(rows) + "\n")
    dataset = api.upload(path).get_json()
    assert dataset["frequency"]["anchor"]["code"] == "month_end"
    base = f"/api/v1/datasets/{dataset['id']}"
    regular = api.post(
        f"{base}/versions", json={"steps": [{"op": "regularize", "fill": "linear"}]}
    ).get_json()
    assert "2022-06-30, 2023-06-30" in regular["changes"][0]["description"]
    assert regular["profile"]["frequency"]["anchor"]["code"] == "month_end"
    quarterly = api.post(
        f"{base}/versions",
        json={
            "steps": [{"op": "resample", "frequency": {"unit": "quarter", "step": 1}}]
        },
    ).get_json()
    assert quarterly["rows"] == 8
    assert quarterly["profile"]["frequency"]["anchor"]["code"] == "quarter_end"
    assert quarterly["profile"]["end"] == "2023-12-31"
