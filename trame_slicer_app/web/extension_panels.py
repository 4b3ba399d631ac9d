"""Panels from outside this package: a SlicerCAT's own, registered without editing it.

Two ways, both giving a feature class as web/features/__init__.py describes (a ``Feature`` subclass with
its ``name``, ``title``, and ``build_panel``/``build_toolbar``/``build_view_overlay``):

- an entry point in the group ``trame_slicer_app.panels`` of the SlicerCAT's installed package
  (``[options.entry_points] trame_slicer_app.panels = notes = my_module.web:NotesPanel``);
- ``register_panel(NotesPanel)`` before the web app is built (from a SlicerCAT's startup script).

A panel that cannot be loaded or does not fit is left out with a logged reason: someone else's code
never stops the app.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "trame_slicer_app.panels"
BUILDERS = ("build_panel", "build_toolbar", "build_view_overlay")
_registered: list[type] = []


class PanelError(ValueError):
    pass


def _check(feature_class) -> None:
    if not isinstance(feature_class, type):
        raise PanelError(f"a panel is a class, not {type(feature_class).__name__}")
    if not isinstance(getattr(feature_class, "title", None), str):
        raise PanelError(f"{feature_class.__name__} has no title")
    name = getattr(feature_class, "name", None)
    if not isinstance(name, str) or not name.isidentifier():
        raise PanelError(f"{feature_class.__name__} has no name (an identifier: its CSS hook and state prefix)")
    if not any(callable(getattr(feature_class, name, None)) for name in BUILDERS):
        raise PanelError(f"{feature_class.__name__} builds nothing (none of {', '.join(BUILDERS)})")


def register_panel(feature_class: type) -> type:
    """Add a panel to the web apps built from now on; returns it (usable as a class decorator)."""
    _check(feature_class)
    if feature_class not in _registered:
        _registered.append(feature_class)
    return feature_class


def unregister_panel(feature_class: type) -> None:
    if feature_class in _registered:
        _registered.remove(feature_class)


def extension_panels() -> list[type]:
    """The installed packages' panels (entry points), then the registered ones."""
    found: list[type] = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            feature_class = entry_point.load()
            _check(feature_class)
        except Exception as error:  # a plug-in's import may fail in any way
            log.warning("panel %s (%s) left out: %s", entry_point.name, entry_point.value, error)
            continue
        if feature_class not in found:
            found.append(feature_class)
    return found + [c for c in _registered if c not in found]
