"""The kinds of markup a user may place, in the user's words, and Slicer's node class for each."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import EngineError


class MarkupsError(EngineError):
    """A markups edit the engine refuses (unknown node or kind, a bad coordinate); the message says why."""


@dataclass(frozen=True)
class MarkupType:
    name: str  # the toolbar's and the state's name
    title: str  # what the user reads
    node_class: str
    icon: str  # Material Design icon of the toolbar button
    # Measurements Slicer computes but leaves off for this kind; the panel shows them.
    enabled_measurements: tuple[str, ...] = ()


MARKUP_TYPES: dict[str, MarkupType] = {t.name: t for t in (
    MarkupType("point_list", "Point list", "vtkMRMLMarkupsFiducialNode", "mdi-map-marker-outline"),
    MarkupType("line", "Line", "vtkMRMLMarkupsLineNode", "mdi-vector-line"),
    MarkupType("angle", "Angle", "vtkMRMLMarkupsAngleNode", "mdi-angle-acute"),
    MarkupType("open_curve", "Open curve", "vtkMRMLMarkupsCurveNode", "mdi-vector-curve", ("length",)),
    MarkupType("closed_curve", "Closed curve", "vtkMRMLMarkupsClosedCurveNode", "mdi-vector-circle-variant",
               ("length", "area")),
    MarkupType("plane", "Plane", "vtkMRMLMarkupsPlaneNode", "mdi-square-outline", ("area",)),
    MarkupType("roi", "ROI (box)", "vtkMRMLMarkupsROINode", "mdi-cube-outline", ("volume",)),
)}


_BY_NODE_CLASS = {t.node_class: t for t in MARKUP_TYPES.values()}


def markup_type_of(node) -> MarkupType | None:
    """A node's kind by its exact class (a closed curve is also a vtkMRMLMarkupsCurveNode)."""
    return _BY_NODE_CLASS.get(node.GetClassName())


def require_type(name) -> MarkupType:
    if not isinstance(name, str) or name not in MARKUP_TYPES:
        raise MarkupsError(f"not a kind of markup: {str(name)[:40]!r}; kinds: {', '.join(MARKUP_TYPES)}")
    return MARKUP_TYPES[name]


def require_markups_node(engine, node_id):
    node = engine.scene.GetNodeByID(node_id) if isinstance(node_id, str) and node_id else None
    if node is None or not node.IsA("vtkMRMLMarkupsNode") or node.GetHideFromEditors():
        raise MarkupsError(f"no markup with id {str(node_id)[:80]!r}")
    return node
