"""The examples in the analysis functions' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["signed", "camps", "reach", "steps", "frustration"])
def test_docstring_examples(name):
    module = importlib.import_module(f"allegiance.analysis.{name}")
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0
    assert attempted > 0 or name in ("steps", "frustration")  # these two have no examples
