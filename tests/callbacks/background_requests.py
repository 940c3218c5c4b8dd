"""The cleaning preview's background callback, driven as Dash's renderer drives it.

The page load's signed ``endId``, the "Preview unusual values" request, then polls
until the answer. Shared by ``test_background.py`` and ``benchmarks/background.py``.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from components import ids

UPDATE = "/_dash-update-component"


def end_id(client: Any) -> str:
    """The page load's signed token, as the page hands it to Dash's renderer."""
    page = client.get("/cleaning").get_data(as_text=True)
    found = re.search(r'<script id="_dash-config"[^>]*>(.*?)</script>', page, re.S)
    assert found, page[:500]
    return str(json.loads(found.group(1))["end_id"])


def preview_body(dash_app: Any, ref: dict[str, str] | None) -> dict[str, Any]:
    """The cleaning page's "Preview unusual values" request, as sent by Dash."""
    prefix = ids.CLEANING_ALERT + ".children@"
    key = next(key for key in dash_app.callback_map if key.startswith(prefix))
    param = {"name": "column", "type": ids.CLEANING_PARAM}
    return {
        "output": key,
        "outputs": {"id": ids.CLEANING_ALERT, "property": key.split(".", 1)[1]},
        "inputs": [
            {"id": ids.CLEANING_PREVIEW_OUTLIERS, "property": "n_clicks", "value": 1}
        ],
        "state": [
            [{"id": param, "property": "value", "value": "sales"}],
            [{"id": param, "property": "id", "value": param}],
            {"id": ids.CLEANING_OP, "property": "value", "value": "outliers"},
            {"id": ids.DATASET_STORE, "property": "data", "value": ref},
        ],
        "changedPropIds": [f"{ids.CLEANING_PREVIEW_OUTLIERS}.n_clicks"],
    }


def poll_body(body: dict[str, Any]) -> dict[str, Any]:
    """A poll: the renderer sends the same dependencies with every value ``None``."""
    poll: dict[str, Any] = json.loads(json.dumps(body))
    for item in poll["inputs"] + poll["state"]:
        if isinstance(item, dict):
            item["value"] = None
    return poll


def start(client: Any, end_id: str, body: dict[str, Any], **args: str) -> Any:
    """Start the callback; its handles (``cacheKey``, ``job``)."""
    answer = client.post(UPDATE, json=body, query_string={"endId": end_id, **args})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    handles = answer.get_json()
    assert set(handles) >= {"cacheKey", "job"}, handles
    return handles


def poll(client: Any, end_id: str, body: dict[str, Any], handles: Any) -> Any:
    """One poll with the callback's handles; the raw answer."""
    query = {"endId": end_id, "cacheKey": handles["cacheKey"], "job": handles["job"]}
    return client.post(UPDATE, json=poll_body(body), query_string=query)


def result(
    client: Any,
    end_id: str,
    body: dict[str, Any],
    handles: Any,
    every_s: float = 0.2,
) -> str:
    """Poll every ``every_s`` until the callback answers; the answer's text.

    ``""`` when the job is gone (nothing more will come).
    """
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = poll(client, end_id, body, handles)
        assert answer.status_code in (200, 204), answer.get_data(as_text=True)
        if answer.status_code == 200 and "response" in answer.get_json():
            return json.dumps(answer.get_json()["response"])
        if answer.status_code == 204:
            return ""
        time.sleep(every_s)  # polling the job's state, as the page does
    raise AssertionError("the background callback did not answer")
