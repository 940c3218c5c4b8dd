"""Shared read-only pages, ``/s/<token>``: one forecast, rendered on the server.

These routes need no sign-in (they are in ``auth.PUBLIC_ENDPOINTS``): the token is
the only key, checked by ``services.shares.resolve`` on every request. A page holds
the forecast's summary, its charts as data drawn by plotly.js, and links to its
three downloads under the same token, and nothing else: no Dash, no callbacks, no
links into the app. Pages, downloads and assets are rate-limited per address,
marked ``noindex``, never cached, and send no referrer.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import plotly
from flask import Blueprint, Response, abort, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from api.errors import status_of
from auth.limits import limiter, share_limit
from services import forecasts, shares
from services.errors import NotFoundError, ServiceError
from services.reports import exports
from services.reports.shared import shared_page

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The only files a shared page loads, all from this app: nothing from elsewhere.
ASSETS = {
    "bootstrap.min.css": ROOT / "assets" / "00-vendor" / "bootstrap.min.css",
    "plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
    "share.css": HERE / "static" / "share" / "share.css",
    "share.js": HERE / "static" / "share" / "share.js",
}
ASSET_MAX_AGE_S = 24 * 3600
PRIVATE = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}

blueprint = Blueprint("share", __name__, template_folder="templates")
# One count per address over every shared page, download and asset.
shared_limit = limiter.shared_limit(share_limit, scope="share-pages")


@blueprint.after_request
def _private(response: Response) -> Response:
    """No search engine lists a shared page, and no link out reveals its address."""
    response.headers.update(PRIVATE)
    if response.cache_control.max_age is None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _message(title: str, text: str, status: int) -> ResponseReturnValue:
    return render_template("share/message.html", title=title, text=text), status


def _missing() -> ResponseReturnValue:
    return _message(
        "This link does not work",
        "The forecast you were sent is not available here: the link may have "
        "expired or been withdrawn, or the forecast deleted. Ask the person who "
        "sent it for a new link.",
        404,
    )


@blueprint.errorhandler(RateLimitExceeded)
def _too_many(_exc: RateLimitExceeded) -> ResponseReturnValue:
    return _message(
        "Too many requests",
        "Too many shared pages were opened from your network. Wait a few minutes "
        "and try again.",
        429,
    )


@blueprint.errorhandler(ServiceError)
def _service_error(exc: ServiceError) -> ResponseReturnValue:
    if isinstance(exc, NotFoundError):
        return _missing()
    return _message("This forecast cannot be shown", exc.message, status_of(exc))


@blueprint.errorhandler(Exception)
def _unexpected(exc: Exception) -> ResponseReturnValue:
    if isinstance(exc, HTTPException):
        return exc
    log.exception("unexpected error on a shared page")
    return _message(
        "Something went wrong",
        "This page could not be shown because of a problem on our side. It has "
        "been logged. Try again later.",
        500,
    )


@blueprint.get("/s/<token>")
@shared_limit
def page(token: str) -> ResponseReturnValue:
    """The shared forecast: summary, charts and downloads; 404 for a dead link."""
    shared = shares.resolve(token)
    if shared is None:
        return _missing()
    return render_template(
        "share/page.html",
        token=token,
        page=shared_page(shared),
        names=exports.NAMES,
    )


@blueprint.get("/s/<token>/forecast.<fmt>")
@shared_limit
def download(token: str, fmt: str) -> ResponseReturnValue:
    """The shared forecast's CSV, workbook or PDF report, as its owner gets them."""
    shared = shares.resolve(token, count_view=False)
    if shared is None or fmt not in exports.FORMATS:
        return _missing()
    data = shares.download(shared, fmt)
    if data is None:
        return _missing()
    return send_file(
        data if isinstance(data, Path) else io.BytesIO(data),
        mimetype=exports.MIMETYPES[fmt],
        as_attachment=True,
        download_name=forecasts.file_name(shared.forecast, fmt),
    )


@blueprint.get("/s/assets/<name>")
@shared_limit
def asset(name: str) -> ResponseReturnValue:
    """The stylesheets and scripts a shared page loads (a fixed list)."""
    path = ASSETS.get(name)
    if path is None:
        abort(404)
    return send_file(path, max_age=ASSET_MAX_AGE_S)
