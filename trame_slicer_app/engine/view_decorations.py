"""What surrounds the scene in the 3D view: background, orientation marker and ruler (view node settings)."""

from __future__ import annotations

from slicer import vtkMRMLViewNode

from .slicer_engine import SlicerEngine

_DEFAULT_VIEW = vtkMRMLViewNode()  # holds Slicer's default colours
# name -> (top colour, bottom colour), RGB in 0..1. Slicer's default is its light blue gradient.
BACKGROUNDS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "light blue": (tuple(_DEFAULT_VIEW.GetBackgroundColor()), tuple(_DEFAULT_VIEW.GetBackgroundColor2())),
    "black": ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
    "white": ((1.0, 1.0, 1.0), (1.0, 1.0, 1.0)),
}
# The "human" marker needs Slicer's Human.vtp model from its share directory, which the
# slicer-core wheel does not ship: only these markers render here.
ORIENTATION_MARKERS: dict[str, int] = {
    "none": vtkMRMLViewNode.OrientationMarkerTypeNone,
    "cube": vtkMRMLViewNode.OrientationMarkerTypeCube,
    "axes": vtkMRMLViewNode.OrientationMarkerTypeAxes,
}
RULERS: dict[str, int] = {
    "none": vtkMRMLViewNode.RulerTypeNone,
    "thin": vtkMRMLViewNode.RulerTypeThin,
    "thick": vtkMRMLViewNode.RulerTypeThick,
}


class ViewDecorationError(ValueError):
    """A decoration that does not exist; the message lists those that do."""


def _choice(kind: str, name, choices: dict):
    if not isinstance(name, str) or name not in choices:
        raise ViewDecorationError(f"{kind} must be one of: {', '.join(choices)}")
    return choices[name]


def set_background(engine: SlicerEngine, name: str) -> dict:
    top, bottom = _choice("background", name, BACKGROUNDS)
    view_node = engine.threed_view.view_node_3d
    was_modifying = view_node.StartModify()
    view_node.SetBackgroundColor(*top)
    view_node.SetBackgroundColor2(*bottom)
    view_node.EndModify(was_modifying)
    return view_decorations_state(engine)


def set_orientation_marker(engine: SlicerEngine, kind: str) -> dict:
    engine.threed_view.view_node_3d.SetOrientationMarkerType(_choice("orientation marker", kind, ORIENTATION_MARKERS))
    return view_decorations_state(engine)


def set_ruler(engine: SlicerEngine, kind: str) -> dict:
    """Show a ruler. Slicer draws it only in orthographic projection (a length on screen means
    nothing in perspective), so a ruler switches the view to orthographic and "none" back."""
    ruler = _choice("ruler", kind, RULERS)
    view_node = engine.threed_view.view_node_3d
    was_modifying = view_node.StartModify()
    view_node.SetRulerType(ruler)
    view_node.SetRenderMode(vtkMRMLViewNode.Perspective if kind == "none" else vtkMRMLViewNode.Orthographic)
    view_node.EndModify(was_modifying)
    return view_decorations_state(engine)


def _name_of(value, choices: dict) -> str | None:
    return next((name for name, choice in choices.items() if choice == value), None)


def view_decorations_state(engine: SlicerEngine) -> dict:
    """{"background": name | None (a colour set elsewhere), "orientation_marker", "ruler", "orthographic"}."""
    view_node = engine.threed_view.view_node_3d
    colours = (tuple(view_node.GetBackgroundColor()), tuple(view_node.GetBackgroundColor2()))
    background = next(
        (name for name, (top, bottom) in BACKGROUNDS.items()
         if all(abs(a - b) < 1e-3 for a, b in zip(top + bottom, colours[0] + colours[1], strict=True))),
        None,
    )
    return {
        "background": background,
        "orientation_marker": _name_of(view_node.GetOrientationMarkerType(), ORIENTATION_MARKERS),
        "ruler": _name_of(view_node.GetRulerType(), RULERS),
        "orthographic": view_node.GetRenderMode() == vtkMRMLViewNode.Orthographic,
    }
