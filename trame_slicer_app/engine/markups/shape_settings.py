"""The settings Slicer's Markups module offers for a plane (its normal and its size) and a curve (how its
points are joined: linear, spline, Kochanek spline, polynomial fit, or the shortest path on a model's surface)."""

from __future__ import annotations

import math

from ..scene.scene_nodes import nodes_of_class
from .markup_types import MarkupsError, require_markups_node

# The user's words for Slicer's curve types (vtkCurveGenerator's order); "shortest distance on surface" needs
# a model whose surface the curve follows.
CURVE_TYPES = {
    "linear": "Linear",
    "spline": "Spline",
    "kochanek_spline": "Kochanek spline",
    "polynomial": "Polynomial fit",
    "shortest_distance_on_surface": "Shortest distance on surface",
}
SURFACE_CURVE_TYPE = "shortest_distance_on_surface"
_CURVE_SETTERS = {
    "linear": "SetCurveTypeToLinear",
    "spline": "SetCurveTypeToCardinalSpline",
    "kochanek_spline": "SetCurveTypeToKochanekSpline",
    "polynomial": "SetCurveTypeToPolynomial",
}
_CURVE_TYPE_NAMES = list(CURVE_TYPES)  # index = vtkCurveGenerator's curve type number
MIN_PLANE_SIZE_MM = 0.01  # a plane narrower than this draws as nothing
MAX_PLANE_SIZE_MM = 1.0e5  # as a typed coordinate (markups_edit): beyond any scene


def _require_editable(node, kind: str, what: str):
    if not node.IsA(kind):
        raise MarkupsError(f"{node.GetName()} has no {what}")
    if node.GetLocked():
        raise MarkupsError(f"{node.GetName()} is locked")
    return node


def _finite_numbers(values, count: int, what: str) -> tuple[float, ...]:
    if not isinstance(values, (list, tuple)) or len(values) != count:
        raise MarkupsError(f"{what} is {count} numbers")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise MarkupsError(f"{what} is {count} finite numbers")
    return tuple(float(v) for v in values)


# -- plane ------------------------------------------------------------------------------------------------
def plane_settings(node) -> dict:
    size = node.GetSize()
    return {"normal": [round(float(c), 4) for c in node.GetNormalWorld()],
            "size": [round(float(size[0]), 2), round(float(size[1]), 2)],
            "size_mode": node.GetSizeModeAsString(node.GetSizeMode()),
            "normal_editable": node.GetPlaneType() == node.PlaneTypePointNormal}


def checked_normal(normal) -> tuple[float, float, float]:
    """A unit vector from three finite numbers, not all zero (any length: the direction is what counts)."""
    vector = _finite_numbers(normal, 3, "a normal")
    length = math.sqrt(sum(c * c for c in vector))
    if length < 1e-9:
        raise MarkupsError("a normal has a direction: not all zero")
    return vector[0] / length, vector[1] / length, vector[2] / length


def checked_plane_size(size) -> tuple[float, float] | None:
    """A plane's width and height in mm, each within bounds; None means Slicer's automatic size."""
    if size is None:
        return None
    width, height = _finite_numbers(size, 2, "a plane's size")
    for length in (width, height):
        if not MIN_PLANE_SIZE_MM <= length <= MAX_PLANE_SIZE_MM:
            raise MarkupsError(f"a plane's side is {MIN_PLANE_SIZE_MM:g} to {MAX_PLANE_SIZE_MM:g} mm")
    return width, height


def set_plane_normal(engine, node_id: str, normal) -> None:
    """Turn the plane to face ``normal`` (R, A, S). A plane defined by three points or fitted to its points
    takes its normal from them, as in Slicer: move its points instead."""
    node = _require_editable(require_markups_node(engine, node_id), "vtkMRMLMarkupsPlaneNode", "normal")
    if node.GetPlaneType() != node.PlaneTypePointNormal:
        raise MarkupsError(f"{node.GetName()} takes its normal from its points")
    node.SetNormalWorld(*checked_normal(normal))


def set_plane_size(engine, node_id: str, size) -> None:
    """The plane's width and height in mm (Slicer's absolute size mode); None returns it to automatic size."""
    node = _require_editable(require_markups_node(engine, node_id), "vtkMRMLMarkupsPlaneNode", "size")
    checked = checked_plane_size(size)
    if checked is None:
        node.SetSizeMode(node.SizeModeAuto)
        return
    width, height = checked
    was_modifying = node.StartModify()
    try:
        node.SetSizeMode(node.SizeModeAbsolute)
        node.SetSize(width, height)
    finally:
        node.EndModify(was_modifying)


# -- curve ------------------------------------------------------------------------------------------------
def curve_type_name(node) -> str:
    index = node.GetCurveType()
    return _CURVE_TYPE_NAMES[index] if 0 <= index < len(_CURVE_TYPE_NAMES) else "spline"


def curve_settings(node) -> dict:
    surface = node.GetShortestDistanceSurfaceNode()
    return {"type": curve_type_name(node), "surface_id": surface.GetID() if surface is not None else None}


def surfaces(engine) -> list[dict]:
    """The models a curve may follow: those with a surface to walk on."""
    found = []
    for model in nodes_of_class(engine.scene, "vtkMRMLModelNode"):
        if model.GetHideFromEditors() or model.GetPolyData() is None or model.GetPolyData().GetNumberOfCells() == 0:
            continue
        found.append({"id": model.GetID(), "name": model.GetName() or ""})
    return found


def set_curve_type(engine, node_id: str, type_name, surface_id=None) -> None:
    """How the curve joins its points; the shortest distance on a surface needs one of ``surfaces``."""
    node = _require_editable(require_markups_node(engine, node_id), "vtkMRMLMarkupsCurveNode", "curve type")
    if not isinstance(type_name, str) or type_name not in CURVE_TYPES:
        raise MarkupsError(f"not a curve type: {str(type_name)[:40]!r}; types: {', '.join(CURVE_TYPES)}")
    if type_name != SURFACE_CURVE_TYPE:
        getattr(node, _CURVE_SETTERS[type_name])()
        return
    if surface_id not in {s["id"] for s in surfaces(engine)}:
        raise MarkupsError("the shortest distance on a surface needs a model with a surface")
    node.SetCurveTypeToShortestDistanceOnSurface(engine.scene.GetNodeByID(surface_id))


def shape_settings_of(node) -> dict:
    """The panel's settings for a markup: {"plane": ...} or {"curve": ...}, or nothing for other kinds."""
    if node.IsA("vtkMRMLMarkupsPlaneNode"):
        return {"plane": plane_settings(node)}
    if node.IsA("vtkMRMLMarkupsCurveNode"):
        return {"curve": curve_settings(node)}
    return {}

