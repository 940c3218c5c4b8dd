"""The security headers: HSTS over HTTPS only, and a policy naming Dash's scripts."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from flask import Flask

from auth.headers import install_headers


def _server(secure: bool) -> Flask:
    server = Flask(__name__)
    server.config["SESSION_COOKIE_SECURE"] = secure
    server.add_url_rule("/", "index", lambda: "hello")
    install_headers(server, lambda: ["'sha256-abc='"])
    return server


def test_hsts_only_when_cookies_are_https_only() -> None:
    secure = _server(secure=True).test_client()
    for response in (secure.get("/"), secure.get("/missing")):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert (
            "script-src 'self' 'sha256-abc='"
            in response.headers["Content-Security-Policy"]
        )
    plain = _server(secure=False).test_client().get("/")
    assert "Strict-Transport-Security" not in plain.headers


def test_the_policy_allows_dash_inline_scripts_by_hash_only(
    server: Any, make_account: Any
) -> None:
    from tests.auth.helpers import sign_in

    account = make_account("policy password")
    browser = server.test_client()
    sign_in(browser, account.username, "policy password")
    page = browser.get("/upload")
    policy = page.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    html = re.sub(r"<!--.*?-->", "", page.get_data(as_text=True), flags=re.S)
    inline = re.findall(
        r"<script(?: id=\"_dash-renderer\" type=\"application/javascript\")?>"
        r"(.*?)</script>",
        html,
        flags=re.S,
    )
    assert len(inline) >= 2  # Dash's start-up and its page router's title update
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
