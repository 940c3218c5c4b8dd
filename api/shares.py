"""Share-link endpoints: make, list and revoke read-only links to a forecast."""

from __future__ import annotations

from flask import Response, request, url_for
from flask.typing import ResponseReturnValue

from api import schemas
from api.routes import _json, _user_id, blueprint
from services import shares
from services.errors import InvalidInputError
from services.shares import ShareInfo


def share_out(info: ShareInfo) -> schemas.ShareOut:
    """The API's view of a link."""
    return schemas.ShareOut(
        id=info.id,
        forecast_id=info.forecast_id,
        created_at=info.created_at,
        expires_at=info.expires_at,
        revoked_at=info.revoked_at,
        status=info.status,
        views=info.views,
        last_viewed_at=info.last_viewed_at,
    )


@blueprint.post("/forecasts/<forecast_id>/shares")
def create_share(forecast_id: str) -> ResponseReturnValue:
    """Make a read-only link to a forecast (``expires_in_days``, 30 by default)."""
    body = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(body, dict):
        raise InvalidInputError("Send a JSON object in the request body.")
    wanted = schemas.ShareRequest.model_validate(body)
    made = shares.create_share(_user_id(), forecast_id, wanted.expires_in_days)
    return _json(
        schemas.ShareCreated(
            id=made.share.id,
            url=url_for("share.page", token=made.token),
            expires_at=made.share.expires_at,
        ),
        201,
    )


@blueprint.get("/forecasts/<forecast_id>/shares")
def list_shares(forecast_id: str) -> ResponseReturnValue:
    """A forecast's links with their views, newest first."""
    found = shares.list_shares(_user_id(), forecast_id)
    return _json(schemas.ShareList(shares=[share_out(s) for s in found]))


@blueprint.delete("/shares/<share_id>")
def revoke_share(share_id: str) -> ResponseReturnValue:
    """Revoke a link: it answers 404 from now on."""
    shares.revoke_share(_user_id(), share_id)
    return Response(status=204)
