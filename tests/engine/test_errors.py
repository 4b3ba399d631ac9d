"""Every refusal the engine defines derives from EngineError, which stays a ValueError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import trame_slicer_app.engine as engine
from trame_slicer_app.engine.errors import EngineError


def engine_error_classes() -> list[type]:
    found = []
    for info in pkgutil.walk_packages(engine.__path__, f"{engine.__name__}."):
        module = importlib.import_module(info.name)
        found += [c for _name, c in inspect.getmembers(module, inspect.isclass)
                  if c.__module__ == module.__name__ and issubclass(c, Exception)]
    return found


def test_every_engine_error_is_an_engine_error_and_a_value_error():
    classes = engine_error_classes()
    assert len(classes) >= 20, [c.__name__ for c in classes]
    assert [c.__name__ for c in classes if not issubclass(c, EngineError)] == []
    assert issubclass(EngineError, ValueError)
