"""The web features: side panels, toolbar actions, dialogs and view overlays, one module each.

Each module holds one ``Feature`` subclass (``feature.py``; docs/decisions/0018) exported as
``FEATURE``: a stable ``name`` (its ``data-feature`` CSS hook and the prefix of its state keys),
``title`` and ``icon`` for the drawer, its state as dataclasses (``shared_state``, ``tab_state``),
its MRML bindings made in ``__init__(host)``, handlers wired by trame's decorators, and optional
``build_panel()``, ``build_toolbar()`` and ``build_view_overlay(view_name)``.
"""

from __future__ import annotations

# Order here is the order in the drawer and the toolbar.
FEATURE_MODULES: list[str] = [
    "data_io", "data_panel", "volumes_panel", "slices_panel", "models_panel", "markups_panel", "threed_panel",
    "readouts_panel", "undo_panel", "sequences_panel", "segment_editor_panel", "help_panel",
]


def feature_classes() -> list[type]:
    """Import each feature module and return its classes (``FEATURE`` attribute)."""
    import importlib

    classes = []
    for module_name in FEATURE_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        classes.append(module.FEATURE)
    from ..extension_panels import extension_panels  # a SlicerCAT's own features, after ours

    return classes + extension_panels()
