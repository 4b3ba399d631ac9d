"""The side panels and toolbar items, each a small class of its own.

A feature is one module here holding a class with:

- ``title`` and ``icon``: how the panel is listed in the drawer;
- ``__init__(self, app)``: takes the ``SlicerWebApp`` (its ``server``, ``state``,
  ``ctrl`` and ``session``), sets its state defaults and handlers;
- ``build_panel()``: the panel's widgets, called inside the drawer (optional);
- ``build_toolbar()``: buttons for the top toolbar (optional);
- ``build_view_overlay(view_name)``: widgets laid over one view (optional).

State keys are prefixed with the module's concept (``volumes_window``,
``slices_Red_offset_mm``) so that features never collide.
"""

from __future__ import annotations

# Order here is the order in the drawer and the toolbar.
FEATURE_MODULES: list[str] = [
    "data_io", "data_panel", "volumes_panel", "slices_panel", "models_panel", "threed_panel", "readouts_panel",
    "undo_panel", "sequences_panel", "help_panel",
]


def feature_classes() -> list[type]:
    """Import each feature module and return its classes (``FEATURE`` attribute)."""
    import importlib

    classes = []
    for module_name in FEATURE_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        classes.append(module.FEATURE)
    from ..extension_panels import extension_panels  # a SlicerCAT's own panels, after ours

    return classes + extension_panels()
