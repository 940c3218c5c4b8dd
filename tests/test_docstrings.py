"""The examples in the services' docstrings hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import services

MODULES = [
    info.name
    for info in pkgutil.walk_packages(services.__path__, "services.")
    if not info.ispkg
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    result = doctest.testmod(
        importlib.import_module(name), optionflags=doctest.ELLIPSIS
    )
    assert result.failed == 0, f"{result.failed} example(s) of {name} failed"
