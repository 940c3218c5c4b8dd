"""The cleaning recipe that made a version: shown again, so it can be changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.versions import FILE_OPS, get_version


@dataclass(frozen=True)
class AppliedRecipe:
    """A version made by cleaning, its steps, and the version they were applied to."""

    version_id: str
    number: int
    parent_id: str
    parent_number: int
    steps: list[dict[str, Any]]


def applied_recipe(
    user_id: int, dataset_id: str, version_id: str
) -> AppliedRecipe | None:
    """The recipe that made a version, or ``None`` for one read from a file.

    Applying a changed recipe to ``parent_id`` remakes the version with the change,
    rather than cleaning the already cleaned data a second time.

    Raises
    ------
    NotFoundError
        When it is not a version of one of the user's datasets.

    """
    version = get_version(user_id, dataset_id, version_id)
    if not version.recipe or version.parent is None:
        return None
    if version.recipe[0].get("op") in FILE_OPS:
        return None
    parent = get_version(user_id, dataset_id, version.parent)
    return AppliedRecipe(
        version.id, version.number, parent.id, parent.number, list(version.recipe)
    )
