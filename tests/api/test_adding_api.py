"""POST /api/v1/datasets/<id>/data: newer data in, the recipe replayed, 404 and 422."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import TEST_DATA, ApiClient

GAPS = (TEST_DATA / "messy" / "gaps.csv").read_text().splitlines()


def _csv(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _send(api: ApiClient, dataset_id: str, path: Path, **form: str) -> Any:
    with path.open("rb") as handle:
        return api.post(
            f"/api/v1/datasets/{dataset_id}/data",
            data={"file": (handle, path.name), **form},
            content_type="multipart/form-data",
        )


def test_newer_data_is_added_and_the_recipe_replayed(
    api: ApiClient, tmp_path: Path
) -> None:
    dataset = api.upload(_csv(tmp_path, "history.csv", GAPS[:61])).get_json()
    base = f"/api/v1/datasets/{dataset['id']}"
    steps = [{"op": "regularize", "fill": "linear"}]
    cleaned = api.post(f"{base}/versions", json={"steps": steps}).get_json()
    newer = [GAPS[0], "2024-02-29,50", *GAPS[61:]]  # revises 2024-02-29 (was 102)
    answer = _send(api, dataset["id"], _csv(tmp_path, "march.csv", newer))
    assert answer.status_code == 201, answer.get_json()
    added = answer.get_json()
    assert added["mode"] == "append" and added["rows_removed"] is None
    assert (added["rows_added"], added["values_revised"]) == (25, 1)
    assert added["recipe_replayed"] is True
    assert added["changes"][0]["op"] == "regularize"
    assert added["changes"][0]["rows_added"] > 0  # the new March gaps were filled
    assert added["profile"]["end"].startswith("2024-03-30")
    assert api.get(base).get_json()["version_id"] == added["version_id"]
    lineage = api.get(f"{base}/versions").get_json()
    assert [v["id"] for v in lineage] == [
        dataset["version_id"],
        cleaned["id"],
        added["raw_version_id"],
        added["version_id"],
    ]
    assert lineage[2]["recipe"][0]["op"] == "append"
    assert lineage[3]["recipe"] == cleaned["recipe"]

    replaced = _send(
        api,
        dataset["id"],
        _csv(tmp_path, "all.csv", GAPS[:1] + GAPS[41:]),
        mode="replace",
    )
    assert replaced.status_code == 201, replaced.get_json()
    body = replaced.get_json()
    assert body["mode"] == "replace" and body["rows_removed"] == 40
    assert body["recipe_replayed"] is True
    assert body["profile"]["start"].startswith("2024-02-13")


def test_strangers_other_columns_and_unknown_modes_are_refused(
    api_for: Any, tmp_path: Path
) -> None:
    owner, stranger = api_for(), api_for()
    dataset = owner.upload(_csv(tmp_path, "history.csv", GAPS[:61])).get_json()
    newer = _csv(tmp_path, "march.csv", GAPS[:1] + GAPS[61:])
    assert _send(stranger, dataset["id"], newer).status_code == 404
    assert _send(owner, "f" * 32, newer).status_code == 404
    wrong = _send(owner, dataset["id"], newer, mode="merge")
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["code"] == "invalid_mode"
    assert "“append”" in wrong.get_json()["error"]["message"]
    other = _csv(tmp_path, "other.csv", ["day,sales", *GAPS[61:]])
    refused = _send(owner, dataset["id"], other)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "columns_mismatch"
    assert "“date”" in error["message"] and "“day”" in error["message"]
    nothing = owner.post(
        f"/api/v1/datasets/{dataset['id']}/data",
        data={},
        content_type="multipart/form-data",
    )
    assert nothing.status_code == 422
    lineage = owner.get(f"/api/v1/datasets/{dataset['id']}/versions").get_json()
    assert [v["id"] for v in lineage] == [dataset["version_id"]]
