"""Deny by default, isolation between users, and the sign-in pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from dash.exceptions import PreventUpdate

from auth import PUBLIC_ENDPOINTS
from tests.auth.helpers import form_token, meta_token, sign_in
from tests.conftest import SAMPLES, ApiClient

SAMPLE_ARGS = {
    "filename": "app.css",
    "package_name": "dash",
    "path": "anything",
    "fingerprinted_path": "dash_renderer.min.js",
}


def test_every_route_refuses_anonymous_requests(server: Any) -> None:
    client = server.test_client()
    checked = 0
    for rule in server.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{arg}>", SAMPLE_ARGS.get(arg, "x" * 32), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, json={})
            if response.status_code in (301, 302, 303, 307, 308):
                assert response.location.startswith("/login"), (method, url)
            else:
                assert response.status_code == 401, (method, url, response.status_code)
            checked += 1
    assert checked >= 20
    for method, url in [
        ("POST", "/_dash-update-component"),
        ("GET", "/_dash-layout"),
        ("GET", "/_dash-dependencies"),
        ("GET", "/api/v1/datasets"),
        ("POST", "/api/v1/datasets"),
    ]:
        assert client.open(url, method=method, json={}).status_code == 401, url
    assert client.get("/models").location.startswith("/login?next=/models")
    assert client.get("/health").get_json() == {"status": "ok"}


def test_a_browser_session_is_not_an_api_token(client: Any, make_account: Any) -> None:
    account = make_account("session password")
    assert sign_in(client, account.username, "session password").status_code == 302
    assert client.get("/upload").status_code == 200
    assert client.get("/api/v1/datasets").status_code == 401


def test_other_users_objects_do_not_exist(
    api_for: Any, logged_in: Any, server: Any
) -> None:
    owner: ApiClient = api_for()
    stranger: ApiClient = api_for()
    dataset = owner.upload(SAMPLES / "air_passengers.csv").get_json()
    job_id = owner.post(
        f"/api/v1/datasets/{dataset['id']}/forecasts",
        json={"target": "passengers", "horizon": 6},
    ).get_json()["job_id"]
    forecast_id = owner.wait_for_job(job_id)["forecast_id"]

    for method, url in [
        ("GET", f"/api/v1/datasets/{dataset['id']}"),
        ("POST", f"/api/v1/datasets/{dataset['id']}/forecasts"),
        ("GET", f"/api/v1/jobs/{job_id}"),
        ("POST", f"/api/v1/jobs/{job_id}/cancel"),
        ("GET", f"/api/v1/forecasts/{forecast_id}"),
        ("GET", f"/api/v1/forecasts/{forecast_id}/export?format=csv"),
    ]:
        response = stranger.client.open(
            url,
            method=method,
            headers=stranger.headers,
            json={"target": "passengers", "horizon": 3},
        )
        assert response.status_code == 404, (method, url)
        assert response.get_json()["error"]["code"] == "not_found"
    assert stranger.get("/api/v1/datasets").get_json()["datasets"] == []
    assert stranger.get("/api/v1/jobs").get_json()["jobs"] == []

    from callbacks import models

    forged = {"dataset_id": dataset["id"], "version_id": dataset["version_id"]}
    with logged_in(stranger.account):
        polled = models.poll_job(1, {"job_id": job_id}, forged)
        assert polled[0] == 0 and polled[-2] is None  # no progress, no forecast
        assert models.show_forecast({"forecast_id": forecast_id})[0] == {
            "display": "none"
        }
        with pytest.raises(PreventUpdate):
            models.draw_forecast(None, {"forecast_id": forecast_id})
        choices = models.show_choices(forged)
        assert choices[1] == [] and choices[4] is True  # no targets, run disabled
    with logged_in(owner.account):
        assert models.poll_job(1, {"job_id": job_id}, forged)[-2] == {
            "forecast_id": forecast_id
        }

    browser = server.test_client()
    sign_in(browser, stranger.account.username, "correct horse battery")
    assert browser.get(f"/files/forecasts/{forecast_id}.csv").status_code == 404


def test_sign_in_needs_the_csrf_token_and_the_right_password(
    client: Any, make_account: Any
) -> None:
    account = make_account("right password")
    no_token = client.post(
        "/login", data={"username": account.username, "password": "right password"}
    )
    assert no_token.status_code == 200  # the form again, not signed in
    assert client.get("/upload").status_code == 302
    wrong = sign_in(client, account.username, "wrong password")
    assert "not right" in wrong.get_data(as_text=True)
    assert sign_in(client, account.username, "right password").status_code == 302


@pytest.mark.parametrize(
    "next_,expected",
    [
        ("?next=/models", "/models"),
        ("?next=//evil.example/x", "/"),
        ("?next=https://evil.example/", "/"),
        ("?next=/\\evil.example", "/"),
    ],
)
def test_next_only_redirects_within_the_app(
    server: Any, make_account: Any, next_: str, expected: str
) -> None:
    account = make_account("next password")
    response = sign_in(server.test_client(), account.username, "next password", next_)
    assert response.location == expected


def test_register_then_sign_out(client: Any) -> None:
    token = form_token(client.get("/register").get_data(as_text=True))
    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "username": "newcomer-" + token[:8],
            "password": "newcomer password",
            "confirm": "newcomer password",
        },
    )
    assert response.status_code == 302
    assert client.get("/upload").status_code == 200
    client.get("/logout")  # a GET only asks to confirm
    assert client.get("/upload").status_code == 200
    token = meta_token(client.get("/upload").get_data(as_text=True))
    signed_out = client.post(
        "/logout", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "You have signed out." in signed_out and "Welcome" not in signed_out
    assert client.get("/upload").status_code == 302


def test_session_cookies_are_http_only_and_same_site(
    client: Any, make_account: Any
) -> None:
    account = make_account("cookie password")
    response = sign_in(client, account.username, "cookie password")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_page_upload_route_enforces_the_limit(
    server: Any, make_account: Any, tmp_path: Path
) -> None:
    account = make_account("upload password")
    client = server.test_client()
    sign_in(client, account.username, "upload password")
    big = tmp_path / "big.csv"
    big.write_text("day,value\n" + "2024-01-01,1\n" * 2000)
    limit = server.config["MAX_CONTENT_LENGTH"]
    server.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        with big.open("rb") as handle:
            response = client.post(
                "/files/upload",
                data={"file": (handle, "big.csv")},
                headers={"X-Requested-With": "forecast-studio"},
            )
    finally:
        server.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "limit" in response.get_json()["error"]["message"]
    with big.open("rb") as handle:
        forged = client.post("/files/upload", data={"file": (handle, "big.csv")})
    assert forged.status_code == 400  # no custom header: not from our page


def test_api_tokens_open_the_api_only(api: ApiClient) -> None:
    assert api.get("/api/v1/datasets").status_code == 200
    for path in ("/", "/upload", "/settings", "/files/forecasts/" + "x" * 32 + ".csv"):
        response = api.get(path)
        assert response.status_code == 302, path
        assert response.location.startswith("/login"), path
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert api.get(path).status_code == 401, path
    callback = api.post("/_dash-update-component", json={"output": "x.children"})
    assert callback.status_code == 401
    with (SAMPLES / "air_passengers.csv").open("rb") as handle:
        upload = api.client.post(
            "/files/upload",
            data={"file": (handle, "air_passengers.csv")},
            headers={**api.headers, "X-Requested-With": "forecast-studio"},
        )
    assert upload.status_code == 401
    assert api.get("/api/v1/datasets").get_json()["datasets"] == []


def _assert_security_headers(response: Any, where: str) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, where
    assert "default-src 'self'" in policy and "'unsafe-eval'" not in policy, where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
    # Served over plain HTTP here (SESSION_COOKIE_SECURE off): no HSTS.
    assert "Strict-Transport-Security" not in headers, where


def test_security_headers_on_every_kind_of_route(
    server: Any, api: ApiClient, make_account: Any
) -> None:
    anonymous = server.test_client()
    browser = server.test_client()
    account = make_account("headers password")
    signed_in = sign_in(browser, account.username, "headers password")
    dash_asset = "/_dash-component-suites/dash/dcc/async-graph.js"
    answers = {
        "sign-in redirect": signed_in,
        "sign-in page": anonymous.get("/login"),
        "registration page": anonymous.get("/register"),
        "sign-in stylesheet": anonymous.get("/auth/static/auth.css"),
        "redirect to sign in": anonymous.get("/models"),
        "anonymous Dash": anonymous.get("/_dash-layout"),
        "health": anonymous.get("/health"),
        "page": browser.get("/upload"),
        "sign-out page": browser.get("/logout"),
        "Dash layout": browser.get("/_dash-layout"),
        "Dash callback error": browser.post("/_dash-update-component", json={}),
        "Dash asset": browser.get(dash_asset),
        "app asset": browser.get("/assets/app.css"),
        "missing asset": browser.get("/assets/no-such-file.css"),
        "method not allowed": browser.put("/login"),
        "API": api.get("/api/v1/datasets"),
        "API without token": anonymous.get("/api/v1/datasets"),
        "API not found": api.get("/api/v1/no-such-thing"),
        "API invalid request": api.post("/api/v1/datasets"),
        "sign-out without token": browser.post("/logout"),
    }
    statuses = {where: answer.status_code for where, answer in answers.items()}
    assert {200, 302, 400, 401, 404, 405, 422} <= set(statuses.values()), statuses
    for where, answer in answers.items():
        _assert_security_headers(answer, where)
