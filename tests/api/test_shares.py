"""Read-only share links: made, listed and revoked by the owner; opened by anyone."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from markupsafe import escape

import config
from services import db, shares
from services.errors import InvalidInputError
from services.reports import content, narrative
from tests.conftest import SAMPLES, ApiClient

FORMATS = {
    "csv": ("text/csv", b"time,series,forecast,"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK",
    ),
    "pdf": ("application/pdf", b"%PDF"),
}


def _forecast(api: ApiClient) -> str:
    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    job = api.post(
        f"/api/v1/datasets/{dataset['id']}/forecasts",
        json={"target": "passengers", "horizon": 6, "models": ["naive"]},
    ).get_json()
    done = api.wait_for_job(job["job_id"])
    assert done["status"] == "succeeded", done
    return str(done["forecast_id"])


@pytest.fixture
def owner(api_for: Callable[[], ApiClient]) -> tuple[ApiClient, str]:
    """A user with one forecast of the airline passengers."""
    api = api_for()
    return api, _forecast(api)


def _share(api: ApiClient, forecast_id: str, **body: Any) -> dict[str, Any]:
    answer = api.post(f"/api/v1/forecasts/{forecast_id}/shares", json=body)
    assert answer.status_code == 201, answer.get_json()
    return dict(answer.get_json())


def _shares(api: ApiClient, forecast_id: str) -> list[dict[str, Any]]:
    answer = api.get(f"/api/v1/forecasts/{forecast_id}/shares")
    assert answer.status_code == 200, answer.get_json()
    return list(answer.get_json()["shares"])


def _address() -> str:
    """A client address of its own, so no other test shares its rate-limit counts."""
    number = uuid.uuid4().int
    return f"10.{number % 250}.{number // 250 % 250}.{number // 62500 % 250 + 1}"


def _anonymous(server: Any) -> Any:
    """A browser with no session, from an address of its own."""
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = _address()
    return client


def _assert_private(answer: Any) -> None:
    assert "noindex" in answer.headers["X-Robots-Tag"]
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in answer.headers["Cache-Control"]
    assert "Content-Security-Policy" in answer.headers
    assert "Set-Cookie" not in answer.headers


def _assert_gone(server: Any, url: str) -> None:
    browser = _anonymous(server)
    for path in (url, f"{url}/forecast.csv", f"{url}/forecast.pdf"):
        answer = browser.get(path)
        assert answer.status_code == 404, path
        assert "This link does not work" in answer.text
        _assert_private(answer)


def test_anyone_with_the_link_reads_the_page_and_the_three_downloads(
    server: Any, owner: tuple[ApiClient, str]
) -> None:
    api, forecast_id = owner
    made = _share(api, forecast_id)
    assert set(made) == {"id", "url", "expires_at"}
    url = made["url"]
    assert re.fullmatch(r"/s/[A-Za-z0-9_-]{43}", url), url  # 256 random bits

    browser = _anonymous(server)
    page = browser.get(url)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    _assert_private(page)
    html = page.text
    assert "Forecast of passengers" in html
    assert "air_passengers.csv" in html  # the dataset's name
    assert '<meta name="robots" content="noindex' in html
    assert "80% range" in html and "95% range" in html  # the chart's ranges, as data
    summary = narrative.summarise(content.collect(api.account.id, forecast_id))
    for sentence in (summary.headline, *summary.paragraphs):
        assert str(escape(sentence)) in html  # the plain summary, as Export shows it
    # The chart is data drawn by the app's own plotly.js, allowed by its policy.
    assert 'type="application/json"' in html
    assert "<script>" not in html  # no inline script the policy would block

    # Everything the page loads or links to is a shared-page route: none into the
    # app, no Dash.
    targets = re.findall(r'(?:href|src|action)="([^"]*)"', html)
    targets.remove("data:,")  # an empty icon: the browser asks the app for none
    routes = server.url_map.bind("localhost")
    for target in targets:
        assert target.startswith("/s/"), target
        assert routes.match(target)[0].startswith("share."), target
    assert not re.search(r"_dash|dash_renderer|(?<!/s)/assets/|/api/|/files/", html)
    for target in targets:
        assert browser.get(target).status_code == 200, target
    assets = [t for t in targets if t.startswith("/s/assets/")]
    assert len(assets) == 4, assets

    for fmt, (mimetype, start) in FORMATS.items():
        assert f'href="{url}/forecast.{fmt}"' in html
        answer = browser.get(f"{url}/forecast.{fmt}")
        assert answer.status_code == 200, fmt
        assert answer.mimetype == mimetype
        assert answer.data.startswith(start), (fmt, answer.data[:20])
        assert "attachment" in answer.headers["Content-Disposition"]
        _assert_private(answer)
    owned = api.get(f"/api/v1/forecasts/{forecast_id}/export?format=csv")
    assert browser.get(f"{url}/forecast.csv").data == owned.data

    # The page's one opening counted; the downloads and assets did not.
    (listed,) = _shares(api, forecast_id)
    assert listed["id"] == made["id"] and listed["status"] == "active"
    assert listed["views"] == 1 and listed["last_viewed_at"] is not None
    assert listed["expires_at"] == made["expires_at"]
    assert "url" not in listed  # the token is not kept, so it cannot be listed


def test_the_token_is_stored_only_as_its_hash(owner: tuple[ApiClient, str]) -> None:
    api, forecast_id = owner
    made = _share(api, forecast_id)
    token = made["url"].removeprefix("/s/")
    with db.session() as s:
        row = s.get_one(db.Share, made["id"])
        stored = [str(getattr(row, c.key)) for c in db.Share.__table__.columns]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in value for value in stored)


def test_revoking_a_link_closes_it_at_once(
    server: Any, owner: tuple[ApiClient, str]
) -> None:
    api, forecast_id = owner
    made = _share(api, forecast_id)
    kept = _share(api, forecast_id, expires_in_days=7)
    browser = _anonymous(server)
    assert browser.get(made["url"]).status_code == 200

    answer = api.client.delete(f"/api/v1/shares/{made['id']}", headers=api.headers)
    assert answer.status_code == 204 and answer.data == b""
    _assert_gone(server, made["url"])
    assert browser.get(kept["url"]).status_code == 200  # the other link still works
    listed = {s["id"]: s for s in _shares(api, forecast_id)}
    assert listed[made["id"]]["status"] == "revoked"
    assert listed[made["id"]]["revoked_at"] is not None
    assert listed[kept["id"]]["status"] == "active"
    again = api.client.delete(f"/api/v1/shares/{made['id']}", headers=api.headers)
    assert again.status_code == 204
    assert browser.get(made["url"]).status_code == 404


def test_an_expired_link_answers_404(server: Any, owner: tuple[ApiClient, str]) -> None:
    api, forecast_id = owner
    made = _share(api, forecast_id, expires_in_days=1)
    with db.session() as s:
        row = s.get_one(db.Share, made["id"])
        assert row.expires_at - row.created_at == timedelta(days=1)
        row.expires_at = db.utcnow() - timedelta(seconds=1)
    _assert_gone(server, made["url"])
    (listed,) = _shares(api, forecast_id)
    assert listed["status"] == "expired" and listed["views"] == 0


def test_only_the_owner_shares_lists_and_revokes(
    server: Any, owner: tuple[ApiClient, str], api_for: Callable[[], ApiClient]
) -> None:
    api, forecast_id = owner
    made = _share(api, forecast_id)
    stranger = api_for()
    for method, url in [
        ("POST", f"/api/v1/forecasts/{forecast_id}/shares"),
        ("GET", f"/api/v1/forecasts/{forecast_id}/shares"),
        ("DELETE", f"/api/v1/shares/{made['id']}"),
    ]:
        answer = stranger.client.open(
            url, method=method, headers=stranger.headers, json={}
        )
        assert answer.status_code == 404, (method, url)
        assert answer.get_json()["error"]["code"] == "not_found"
    assert _anonymous(server).get(made["url"]).status_code == 200  # still open
    assert len(_shares(api, forecast_id)) == 1  # the stranger made none
    # Without a token the API answers 401, as everywhere else.
    anonymous = _anonymous(server)
    assert anonymous.get(f"/api/v1/forecasts/{forecast_id}/shares").status_code == 401


def test_a_deleted_forecasts_links_answer_404(
    server: Any, owner: tuple[ApiClient, str]
) -> None:
    api, forecast_id = owner
    made = _share(api, forecast_id)
    dataset_id = api.get(f"/api/v1/forecasts/{forecast_id}").get_json()["dataset_id"]
    deleted = api.client.delete(f"/api/v1/datasets/{dataset_id}", headers=api.headers)
    assert deleted.status_code == 204
    _assert_gone(server, made["url"])
    with db.session() as s:
        assert s.get(db.Share, made["id"]) is None  # deleted with its forecast


def test_requests_are_checked_strictly(owner: tuple[ApiClient, str]) -> None:
    api, forecast_id = owner
    path = f"/api/v1/forecasts/{forecast_id}/shares"
    for body in (
        {"expires_in_days": 0},
        {"expires_in_days": 366},
        {"expires_in_days": "7"},
        {"expires_in_days": True},
        {"expires_in_days": 7.5},
        {"expires_in_days": 7, "views": 100},
        [],
    ):
        answer = api.post(path, json=body)
        assert answer.status_code == 422, body
        assert answer.get_json()["error"]["code"] == "invalid_request"
    not_json = api.post(path, data="expires_in_days=7", content_type="text/plain")
    assert not_json.status_code == 422

    for days in (1, 365):
        made = _share(api, forecast_id, expires_in_days=days)
        with db.session() as s:
            row = s.get_one(db.Share, made["id"])
            assert row.expires_at - row.created_at == timedelta(days=days)
    no_body = api.post(path)
    assert no_body.status_code == 201
    with db.session() as s:
        row = s.get_one(db.Share, no_body.get_json()["id"])
        assert row.expires_at - row.created_at == timedelta(days=30)
    assert (
        api.client.delete("/api/v1/shares/nothing", headers=api.headers).status_code
        == 404
    )


def test_the_service_checks_days_and_counts_only_page_views(
    owner: tuple[ApiClient, str],
) -> None:
    api, forecast_id = owner
    user_id = api.account.id
    for days in (0, 366, -1):
        with pytest.raises(InvalidInputError) as refused:
            shares.create_share(user_id, forecast_id, days)
        assert refused.value.code == "invalid_expiry"
    made = shares.create_share(user_id, forecast_id, 3)
    assert made.share.status == "active"
    opened = shares.resolve(made.token)
    assert opened is not None and opened.forecast.id == forecast_id
    assert opened.owner_id == user_id
    assert shares.resolve(made.token, count_view=False) is not None
    (listed,) = shares.list_shares(user_id, forecast_id)
    assert listed.views == 1
    for nonsense in ("", "x" * 500, "a/b", made.token + "x", "ü" * 43):
        assert shares.resolve(nonsense) is None


@pytest.fixture
def share_limit() -> Iterator[None]:
    """A small limit on shared pages for one test."""
    before = config.settings.get("SHARE_RATE_LIMIT")
    config.settings.set("SHARE_RATE_LIMIT", "3 per minute")
    yield
    config.settings.set("SHARE_RATE_LIMIT", before)


def test_shared_pages_are_rate_limited_per_address_and_the_api_is_not(
    server: Any, owner: tuple[ApiClient, str], share_limit: None
) -> None:
    api, forecast_id = owner
    url = _share(api, forecast_id)["url"]
    browser = _anonymous(server)
    assert browser.get(url).status_code == 200
    assert browser.get(f"{url}/forecast.csv").status_code == 200
    assert browser.get("/s/not-a-token").status_code == 404  # counted too
    refused = browser.get(url)
    assert refused.status_code == 429
    assert "Too many requests" in refused.text
    assert "per 1 minute" not in refused.text  # the limiter's own words stay inside
    assert int(refused.headers["Retry-After"]) > 0
    _assert_private(refused)
    assert _anonymous(server).get(url).status_code == 200  # another address
    api.client.environ_base["REMOTE_ADDR"] = browser.environ_base["REMOTE_ADDR"]
    for _ in range(5):
        assert api.get(f"/api/v1/forecasts/{forecast_id}/shares").status_code == 200


@pytest.fixture
def large_reports() -> Iterator[None]:
    """Every forecast counts as too large for a workbook made within a request."""
    before = config.settings.get("REPORT_INLINE_MAX_SERIES")
    config.settings.set("REPORT_INLINE_MAX_SERIES", 0)
    yield
    config.settings.set("REPORT_INLINE_MAX_SERIES", before)


def test_a_large_forecast_offers_the_files_its_owner_prepared(
    server: Any, owner: tuple[ApiClient, str], large_reports: None
) -> None:
    api, forecast_id = owner
    url = _share(api, forecast_id)["url"]
    browser = _anonymous(server)
    page = browser.get(url).text
    assert f'href="{url}/forecast.csv"' in page
    assert "forecast.xlsx" not in page and "forecast.pdf" not in page
    assert "once its owner has prepared them" in page
    assert browser.get(f"{url}/forecast.xlsx").status_code == 404
    assert browser.get(f"{url}/forecast.csv").status_code == 200

    job = api.post(
        f"/api/v1/forecasts/{forecast_id}/export/jobs", json={"format": "xlsx"}
    ).get_json()
    assert api.wait_for_job(job["job_id"])["status"] == "succeeded"
    page = browser.get(url).text
    assert f'href="{url}/forecast.xlsx"' in page and "forecast.pdf" not in page
    shared = browser.get(f"{url}/forecast.xlsx")
    assert shared.status_code == 200
    assert shared.data == api.get(f"/api/v1/jobs/{job['job_id']}/file").data
