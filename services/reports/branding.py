"""A user's report branding (title, accent colour, logo), remembered between exports."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from services import db, storage
from services.errors import InvalidInputError

DEFAULT_TITLE = "Forecast report"
DEFAULT_ACCENT = "#2f5bea"
MAX_TITLE = 120
MAX_LOGO_BYTES = 1_000_000
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# Raster logos only, recognised by their first bytes (an SVG could point elsewhere).
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Branding:
    """What a report's cover and headings show besides the forecast."""

    title: str = DEFAULT_TITLE
    accent: str = DEFAULT_ACCENT
    logo: bytes | None = None

    @property
    def logo_type(self) -> str | None:
        """The logo's MIME type, from its first bytes."""
        return logo_type(self.logo) if self.logo else None


def logo_type(content: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` when ``content`` is one, else ``None``."""
    return next((t for sig, t in _SIGNATURES.items() if content.startswith(sig)), None)


def _key(user_id: int) -> str:
    return f"report_branding:{int(user_id)}"


def _logo_path(user_id: int) -> Path:
    folder = storage.user_dir(user_id) / "branding"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "logo"


def get_branding(user_id: int) -> Branding:
    """The user's last branding (the defaults before the first save)."""
    with db.session() as s:
        row = s.get(db.AppSetting, _key(user_id))
        stored = json.loads(row.value) if row is not None else {}
    path = _logo_path(user_id)
    return Branding(
        title=stored.get("title", DEFAULT_TITLE),
        accent=stored.get("accent", DEFAULT_ACCENT),
        logo=path.read_bytes() if path.exists() else None,
    )


def check_branding(
    title: str | None, accent: str | None, logo: bytes | None = None
) -> Branding:
    """A valid branding from what the user typed (empty fields: the defaults).

    Raises
    ------
    InvalidInputError
        For a title longer than 120 characters, a colour that is not ``#rrggbb``,
        or a logo that is not a PNG or JPEG image of at most 1 MB.

    """
    title = (title or "").strip() or DEFAULT_TITLE
    accent = (accent or "").strip() or DEFAULT_ACCENT
    if len(title) > MAX_TITLE:
        raise InvalidInputError(
            f"The report title can have at most {MAX_TITLE} characters.",
            code="invalid_branding",
        )
    if not _HEX.match(accent):
        raise InvalidInputError(
            "The accent colour must look like #2f5bea.", code="invalid_branding"
        )
    if logo is not None and (len(logo) > MAX_LOGO_BYTES or logo_type(logo) is None):
        raise InvalidInputError(
            "The logo must be a PNG or JPEG image of at most 1 MB.",
            code="invalid_branding",
        )
    return Branding(title, accent.lower(), logo)


def save_branding(
    user_id: int,
    title: str | None,
    accent: str | None,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Check and remember the user's branding; a new logo replaces the old one.

    Raises
    ------
    InvalidInputError
        As :func:`check_branding`.

    """
    branding = check_branding(title, accent, logo)
    value = json.dumps({"title": branding.title, "accent": branding.accent})
    with db.session() as s:
        row = s.get(db.AppSetting, _key(user_id))
        if row is None:
            s.add(db.AppSetting(key=_key(user_id), value=value))
        else:
            row.value = value
    path = _logo_path(user_id)
    if logo is not None:
        path.write_bytes(logo)
    elif remove_logo:
        path.unlink(missing_ok=True)
    return get_branding(user_id)
