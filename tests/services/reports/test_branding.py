"""Branding: checked, remembered per user, the logo kept in the user's folder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.errors import InvalidInputError
from services.reports.branding import (
    DEFAULT_ACCENT,
    DEFAULT_TITLE,
    get_branding,
    save_branding,
)
from tests.services.reports.test_pdf import PNG


def test_branding_is_remembered_per_user(make_account: Callable[..., Any]) -> None:
    ana, bo = make_account(), make_account()
    assert get_branding(ana.id).title == DEFAULT_TITLE
    saved = save_branding(ana.id, " Acme planning ", "#AA3300", PNG)
    assert (saved.title, saved.accent, saved.logo_type) == (
        "Acme planning",
        "#aa3300",
        "image/png",
    )
    assert get_branding(ana.id) == saved
    assert get_branding(bo.id).accent == DEFAULT_ACCENT and not get_branding(bo.id).logo
    kept = save_branding(ana.id, "Acme", "#aa3300")  # no new logo: the old one stays
    assert kept.logo == PNG
    assert save_branding(ana.id, "", "", remove_logo=True) == get_branding(ana.id)
    assert get_branding(ana.id).logo is None
    assert get_branding(ana.id).title == DEFAULT_TITLE


@pytest.mark.parametrize(
    ("title", "accent", "logo"),
    [
        ("x" * 121, "#123456", None),
        ("Acme", "red; background: url(file:///etc/passwd)", None),
        ("Acme", "#12345", None),
        ("Acme", "#123456", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("Acme", "#123456", PNG + b"0" * 1_000_000),
    ],
)
def test_invalid_branding_is_refused(
    make_account: Callable[..., Any], title: str, accent: str, logo: bytes | None
) -> None:
    account = make_account()
    with pytest.raises(InvalidInputError) as error:
        save_branding(account.id, title, accent, logo)
    assert error.value.code == "invalid_branding"
    assert get_branding(account.id).title == DEFAULT_TITLE
