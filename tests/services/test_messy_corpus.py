"""The messy-file corpus: every file read as a person would, or refused clearly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.errors import ServiceError
from services.ingest import read_table
from services.profiling import profile_table

CORPUS = Path(__file__).parent.parent / "data" / "messy"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())


def _json_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    spec = EXPECTED[name]
    path = CORPUS / name
    if "error" in spec:
        with pytest.raises(ServiceError) as caught:
            read_table(path, path.suffix.lower(), spec.get("sheet"))
        assert caught.value.code == spec["error"]
        assert caught.value.message
        return
    read = read_table(path, path.suffix.lower(), spec.get("sheet"))
    profile = profile_table(read.frame, read.notes)
    got = profile.model_dump()
    if got["frequency"] and "anchor" not in (spec.get("frequency") or {}):
        del got["frequency"]["anchor"]  # the file's expectation names no anchor
    for key in (
        "rows",
        "time_column",
        "start",
        "end",
        "target_candidates",
        "series_id_columns",
        "frequency",
    ):
        if key in spec:
            assert got[key] == spec[key], f"{key}: {got[key]!r} != {spec[key]!r}"
    roles = {c.name: c.role for c in profile.columns}
    for column, role in spec.get("roles", {}).items():
        assert roles.get(column) == role, f"role of {column}: {roles.get(column)}"
    for column, dtype in spec.get("dtypes", {}).items():
        assert str(read.frame.schema[column]).startswith(dtype), (
            f"dtype of {column}: {read.frame.schema[column]}"
        )
    for column, values in spec.get("values", {}).items():
        head = [_json_value(v) for v in read.frame[column].head(len(values)).to_list()]
        assert head == [
            pytest.approx(v) if isinstance(v, float) else v for v in values
        ], f"values of {column}: {head}"
    messages = " ".join(i.message.lower() for i in profile.issues)
    for keyword in spec.get("issues", []):
        assert keyword in messages, f"no issue about {keyword!r} in: {messages}"
    for keyword in spec.get("issues_absent", []):
        assert keyword not in messages, f"an issue about {keyword!r} in: {messages}"


def test_the_corpus_covers_enough_files() -> None:
    assert len(EXPECTED) >= 30
    assert sum("error" in spec for spec in EXPECTED.values()) >= 5
    assert all((CORPUS / name).exists() for name in EXPECTED)
