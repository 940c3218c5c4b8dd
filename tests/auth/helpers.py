"""Signing in and out through the real forms, as a browser does."""

from __future__ import annotations

import re
from typing import Any


def form_token(page: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def meta_token(page: str) -> str:
    """The CSRF token a page carries in ``<meta name="csrf-token">``."""
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert found, page[:2000]
    return found.group(1)


def sign_in(client: Any, username: str, password: str, next_: str = "") -> Any:
    """Sign in through the real form, CSRF token included."""
    token = form_token(client.get("/login").get_data(as_text=True))
    return client.post(
        f"/login{next_}",
        data={"csrf_token": token, "username": username, "password": password},
    )


def sign_out(client: Any) -> Any:
    """Sign out as the navigation bar does: a POST with the page's token."""
    token = meta_token(client.get("/upload").get_data(as_text=True))
    return client.post("/logout", data={"csrf_token": token})
