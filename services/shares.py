"""Read-only share links: a forecast shown to people without an account.

A link is ``/s/<token>``. The token carries 256 bits of randomness
(``secrets.token_urlsafe(32)``) and is shown to its owner once, when the link is
made; only its SHA-256 hash is kept, so the database alone opens nothing. A link
works until it expires or its owner revokes it, and never outlives its forecast.
Only the owner makes, lists and revokes links; anyone else is told the forecast or
link does not exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy import select, update

from services import db, forecasts, storage
from services.csv_layout import upload_layout
from services.errors import InvalidInputError, NotFoundError
from services.forecasts import ForecastInfo
from services.reports import exports

DEFAULT_DAYS = 30
MAX_DAYS = 365
TOKEN_BYTES = 32  # 256 bits, written as 43 URL-safe characters
# Longer strings are not tokens this service made: refused before hashing.
MAX_TOKEN_CHARS = 64
TOKEN_ALPHABET = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)
ShareStatus = Literal["active", "expired", "revoked"]


@dataclass(frozen=True)
class ShareInfo:
    """A share link as its owner sees it (the token itself is never kept)."""

    id: str
    forecast_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    views: int
    last_viewed_at: datetime | None

    @property
    def status(self) -> ShareStatus:
        """``revoked``, ``expired`` or ``active``, as of now."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= db.utcnow() else "active"


@dataclass(frozen=True)
class NewShare:
    """A link just made: its description and the token, shown this once."""

    share: ShareInfo
    token: str


@dataclass(frozen=True)
class SharedForecast:
    """What a valid link opens: one forecast of its owner's."""

    share_id: str
    owner_id: int
    forecast: ForecastInfo
    expires_at: datetime


def token_hash(token: str) -> str:
    """The SHA-256 hex digest a token is kept as."""
    return hashlib.sha256(token.encode()).hexdigest()


def _info(row: db.Share) -> ShareInfo:
    return ShareInfo(
        row.id,
        row.forecast_id,
        row.created_at,
        row.expires_at,
        row.revoked_at,
        row.views,
        row.last_viewed_at,
    )


def _checked_days(expires_in_days: int) -> int:
    if (
        isinstance(expires_in_days, bool)
        or not isinstance(expires_in_days, int)
        or not 1 <= expires_in_days <= MAX_DAYS
    ):
        raise InvalidInputError(
            f"A link lasts from 1 to {MAX_DAYS} days. Choose a number of days in "
            "that range.",
            code="invalid_expiry",
        )
    return expires_in_days


def create_share(
    user_id: int, forecast_id: str, expires_in_days: int = DEFAULT_DAYS
) -> NewShare:
    """Make a read-only link to one of the user's forecasts.

    Parameters
    ----------
    expires_in_days
        How long the link works, from 1 to 365 days (30 by default).

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.
    InvalidInputError
        When ``expires_in_days`` is outside 1 to 365.

    Examples
    --------
    >>> made = create_share(owner, forecast_id, 7)  # doctest: +SKIP
    >>> f"/s/{made.token}"  # the one time anyone sees the token  # doctest: +SKIP

    """
    days = _checked_days(expires_in_days)
    info = forecasts.get_forecast(user_id, forecast_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = db.utcnow()
    row = db.Share(
        id=db.new_id(),
        forecast_id=info.id,
        user_id=user_id,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
        views=0,
    )
    with db.session() as s:
        s.add(row)
    return NewShare(_info(row), token)


def list_shares(user_id: int, forecast_id: str) -> list[ShareInfo]:
    """The links to one of the user's forecasts, newest first, with their views.

    Revoked and expired links are listed too (see :attr:`ShareInfo.status`).

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.

    """
    info = forecasts.get_forecast(user_id, forecast_id)
    with db.session() as s:
        rows = s.scalars(
            select(db.Share)
            .where(db.Share.user_id == user_id, db.Share.forecast_id == info.id)
            .order_by(db.Share.created_at.desc(), db.Share.id)
        )
        return [_info(r) for r in rows]


def revoke_share(user_id: int, share_id: str) -> ShareInfo:
    """Stop one of the user's links at once (revoking it again changes nothing).

    Raises
    ------
    NotFoundError
        When the user has no such link (another user's link looks the same).

    """
    with db.session() as s:
        row = s.get(db.Share, share_id) if isinstance(share_id, str) else None
        if row is None or row.user_id != user_id:
            raise NotFoundError("There is no such share link.")
        if row.revoked_at is None:
            row.revoked_at = db.utcnow()
        return _info(row)


def _plausible(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_CHARS and set(token) <= TOKEN_ALPHABET


def resolve(token: str, count_view: bool = True) -> SharedForecast | None:
    """The forecast a link opens, or ``None`` for a link that opens nothing.

    ``None`` for an unknown token, and for a link that is revoked, expired, or whose
    forecast is gone. A page view (``count_view``) adds one to the link's views;
    downloads from the page do not.
    """
    if not isinstance(token, str) or not _plausible(token):
        return None
    now = db.utcnow()
    with db.session() as s:
        row = s.scalar(select(db.Share).where(db.Share.token_hash == token_hash(token)))
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            return None
        forecast = s.get(db.Forecast, row.forecast_id)
        if forecast is None or forecast.user_id != row.user_id:
            return None
        if count_view:  # one UPDATE, so views that arrive together all count
            s.execute(
                update(db.Share)
                .where(db.Share.id == row.id)
                .values(views=db.Share.views + 1, last_viewed_at=now)
            )
        owner_id, share_id, expires_at = row.user_id, row.id, row.expires_at
    try:
        info = forecasts.get_forecast(owner_id, forecast.id)
    except NotFoundError:  # deleted in the meantime
        return None
    return SharedForecast(share_id, owner_id, info, expires_at)


def download(shared: SharedForecast, fmt: str) -> bytes | Path | None:
    """The shared forecast's CSV, workbook or PDF report, as its owner gets them.

    The CSV is written in the layout of the owner's upload, as on the Export page.
    The workbook and report of a forecast too large to make within a request are
    the ones its owner last prepared (a :class:`~pathlib.Path`), or ``None`` when
    the owner has prepared none.

    Raises
    ------
    InvalidInputError
        For a format other than csv, xlsx or pdf.

    """
    owner, info = shared.owner_id, shared.forecast
    if exports.checked_format(fmt) == "csv":
        layout = upload_layout(owner, info.dataset_id)
        return exports.render(owner, info.id, fmt, layout=layout)
    if not exports.needs_job(owner, info.id):
        return exports.render(owner, info.id, fmt)
    return prepared_report(owner, info.id, fmt)


def prepared_report(owner_id: int, forecast_id: str, fmt: str) -> Path | None:
    """The newest file of this format a report job made for the forecast, if any."""
    for job in exports.report_jobs(owner_id, forecast_id, limit=20):
        if job.status == "succeeded" and job.params.get("format") == fmt:
            path = storage.report_path(owner_id, job.id, fmt)
            if path.exists():
                return path
    return None


def downloads(shared: SharedForecast) -> list[str]:
    """The formats a shared page offers, of csv, xlsx and pdf.

    The CSV always; the workbook and PDF report when they can be made within the
    request or the owner has prepared them.
    """
    owner, forecast_id = shared.owner_id, shared.forecast.id
    if not exports.needs_job(owner, forecast_id):
        return list(exports.FORMATS)
    return ["csv"] + [
        fmt
        for fmt in exports.REPORTS
        if prepared_report(owner, forecast_id, fmt) is not None
    ]
