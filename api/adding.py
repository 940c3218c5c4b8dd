"""Adding newer data to a dataset: POST /api/v1/datasets/<id>/data."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from api import schemas
from api.routes import _json, _user_id, blueprint, dataset_out
from api.uploads import receive_more
from services import datasets
from services.appending import ADD_MODES
from services.errors import InvalidInputError


@blueprint.post("/datasets/<dataset_id>/data")
def add_data(dataset_id: str) -> ResponseReturnValue:
    """Append newer rows (or replace the history) from a file; multipart ``file``."""
    mode = request.form.get("mode", "append")
    if mode not in ADD_MODES:
        raise InvalidInputError(
            "mode must be “append” (add newer rows, the default) or “replace” (the "
            "file becomes the whole history).",
            code="invalid_mode",
        )
    sheet = request.form.get("sheet") or None
    added = receive_more(request.files.get("file"), _user_id(), dataset_id, mode, sheet)
    return _json(
        schemas.AddedDataOut(
            dataset_id=added.dataset_id,
            mode=added.mode,
            version_id=added.version_id,
            raw_version_id=added.raw_version_id,
            rows_added=added.rows_added,
            values_revised=added.values_revised,
            rows_removed=added.rows_removed,
            recipe_replayed=added.recipe_replayed,
            changes=added.changes,
            profile=dataset_out(datasets.get_dataset(_user_id(), dataset_id)),
            refresh_job_ids=added.refresh_job_ids,
        ),
        201,
    )
