"""The callback gate: replayed requests with wrong values get a 400, never a 5xx."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components import ids
from tests.auth import helpers as auth_helpers
from tests.conftest import SAMPLES, make_dataset

UPDATE = "/_dash-update-component"
# A value of every JSON kind, and text no option or id has.
WRONG = ["no-such-thing", {"a": 1}, [1, "x"], 7, 2.5, True, None]
CLICKS = ("n_clicks", "n_intervals", "submit_n_clicks")


def sign_in(client: Any, account: Any, password: str) -> None:
    """Sign in through the real form, CSRF token included; it must succeed."""
    answer = auth_helpers.sign_in(client, account.username, password)
    assert answer.status_code == 302


@pytest.fixture
def browser(
    server: Any, make_account: Any, tmp_path: Path
) -> Iterator[tuple[Any, Any]]:
    """A signed-in browser session with a real dataset; its store's reference.

    When its account is the run's first, it is the administrator, and the replayed
    requests may close registration: it is opened again afterwards, or later tests
    could not create accounts.
    """
    from services import users

    account = make_account("gate password")
    client = server.test_client()
    sign_in(client, account, "gate password")
    assert client.get("/_dash-layout").status_code == 200  # Dash adds its router
    info = make_dataset(account.id, SAMPLES / "air_passengers.csv", tmp_path)
    was_open = users.registration_open()
    yield client, {"dataset_id": info.id, "version_id": info.version_id}
    users.set_registration_open(was_open)


def _server_callbacks(dash_app: Any) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in dash_app.callback_map.items() if "callback" in v}


def _outputs(key: str) -> Any:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs: list[Any] = []
    for part in parts:
        id_, prop = part.rsplit(".", 1)
        outputs.append([] if id_.startswith("{") else {"id": id_, "property": prop})
    return outputs if key.startswith("..") else outputs[0]


def _layout_values(dash_app: Any, ref: dict[str, str]) -> dict[tuple[str, str], Any]:
    """What the page holds before anyone acts: the layout's values, a real dataset."""
    values: dict[tuple[str, str], Any] = {
        (ids.DATASET_STORE, "data"): ref,
        (ids.URL, "pathname"): "/models",
        ("_pages_location", "pathname"): "/models",
        ("_pages_location", "search"): "",
    }
    for component in dash_app.validation_layout._traverse():
        component_id = getattr(component, "id", None)
        if isinstance(component_id, str):
            for prop in component._prop_names:
                values.setdefault((component_id, prop), getattr(component, prop, None))
    return values


def _id_text(component_id: Any) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def _body(
    key: str, spec: dict[str, Any], values: dict[tuple[str, str], Any], **wrong: Any
) -> dict[str, Any]:
    """A callback request as the renderer sends it; ``wrong`` maps a dependency's
    position to the value sent instead (a pattern then matches one component)."""
    deps = spec["inputs"] + spec["state"]
    wrong_patterns = {deps[int(p)]["id"] for p in wrong if deps[int(p)]["id"][0] == "{"}
    items: list[Any] = []
    for position, dep in enumerate(deps):
        if dep["id"].startswith("{"):
            if dep["id"] not in wrong_patterns:
                items.append([])  # no component matches the pattern
                continue
            one = {
                k: "x" if isinstance(v, list) else v
                for k, v in json.loads(dep["id"]).items()
            }
            value = one if dep["property"] == "id" else None
            value = wrong.get(str(position), value)
            items.append([{"id": one, "property": dep["property"], "value": value}])
            continue
        value = (
            1 if dep["property"] in CLICKS else values.get((dep["id"], dep["property"]))
        )
        value = wrong.get(str(position), value)
        items.append({"id": dep["id"], "property": dep["property"], "value": value})
    count = len(spec["inputs"])
    # The input that changed: the wrong one if it is an input, else the first.
    changing = [int(p) for p in wrong if int(p) < count] or [0]
    changed = [
        f"{_id_text(one['id'])}.{one['property']}"
        for item in [items[changing[0]]]
        for one in (item if isinstance(item, list) else [item])
    ]
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": items[:count],
        "state": items[count:],
        "changedPropIds": changed,
    }


def test_every_callback_answers_wrong_values_without_a_5xx(
    dash_app: Any, browser: tuple[Any, Any]
) -> None:
    client, ref = browser
    callbacks = _server_callbacks(dash_app)
    values = _layout_values(dash_app, ref)
    statuses: Counter[int] = Counter()
    failures = []
    for key, spec in callbacks.items():
        for position in range(len(spec["inputs"] + spec["state"])):
            for value in WRONG:
                body = _body(key, spec, values, **{str(position): value})
                answer = client.post(UPDATE, json=body)
                statuses[answer.status_code] += 1
                if answer.status_code >= 500:
                    failures.append((key, position, value))
                elif answer.status_code == 400:
                    assert answer.get_json()["error"]["code"] == "invalid_request"
    assert not failures, "\n".join(f"{k[:50]} {p} {v!r}" for k, p, v in failures)
    assert len(callbacks) >= 40  # the pages' callbacks and Dash's router
    assert any(key.startswith(".._pages_content") for key in callbacks)
    assert statuses[400] > 300, statuses


def test_what_the_pages_send_passes_the_gate(
    dash_app: Any, browser: tuple[Any, Any]
) -> None:
    client, ref = browser
    values = _layout_values(dash_app, ref)
    for key, spec in _server_callbacks(dash_app).items():
        answer = client.post(UPDATE, json=_body(key, spec, values))
        assert answer.status_code in (200, 204), (key, answer.get_data(as_text=True))


@pytest.mark.parametrize(
    "pathname", ["models", "", "https://example.com/x", 7, {"a": "/"}, ["/"]]
)
def test_the_page_router_refuses_a_path_that_is_not_one(
    dash_app: Any, browser: tuple[Any, Any], pathname: Any
) -> None:
    client, ref = browser
    key = next(k for k in _server_callbacks(dash_app) if "_pages_content" in k)
    spec = dash_app.callback_map[key]
    values = _layout_values(dash_app, ref)
    answer = client.post(UPDATE, json=_body(key, spec, values, **{"0": pathname}))
    assert answer.status_code == 400
    assert "_pages_location.pathname" in answer.get_json()["error"]["message"]
    for path in ("/models", "/no/such/page", "/%ff/../..", "//"):
        ok = client.post(UPDATE, json=_body(key, spec, values, **{"0": path}))
        assert ok.status_code == 200, path


def test_requests_that_do_not_fit_the_callback_get_a_400(
    dash_app: Any, browser: tuple[Any, Any]
) -> None:
    client, ref = browser
    values = _layout_values(dash_app, ref)
    key = next(k for k in _server_callbacks(dash_app) if "models-job-store" in k)
    spec = dash_app.callback_map[key]
    good = _body(key, spec, values)
    broken = [
        "not json",
        [],
        {**good, "output": "no-such-component.children"},
        {**good, "output": "_pages_dummy.children"},  # a clientside callback
        {**good, "inputs": good["inputs"][1:]},
        {**good, "inputs": [{"id": "models-run-button", "value": 1}]},
        {**good, "outputs": good["outputs"][:1]},
        {**good, "outputs": {"id": "x", "property": "children"}},
        {**good, "changedPropIds": ['{"job":"a"'] + good["changedPropIds"]},
        {**good, "changedPropIds": ["models-cancel-button.n_clicks"]},
    ]
    opened = dict(good, inputs=list(good["inputs"]))
    opened["inputs"][1] = [
        {"id": {"type": ids.MODELS_RUN_OPEN}, "property": "n_clicks", "value": 1}
    ]  # the pattern's "job" key is missing
    broken.append(opened)
    for body in broken:
        if isinstance(body, str):
            answer = client.post(UPDATE, data=body, content_type="application/json")
        else:
            answer = client.post(UPDATE, json=body)
        assert answer.status_code == 400, body
        assert answer.get_json()["error"]["code"] == "invalid_request"
    assert client.post(UPDATE, json=good).status_code in (200, 204)
