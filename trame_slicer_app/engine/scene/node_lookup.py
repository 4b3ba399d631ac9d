"""Turning the ids the web layer sends into MRML nodes, with a message a user can read."""

from __future__ import annotations

from ..errors import EngineError
from .slicer_engine import SlicerEngine

MAX_NODE_ID_CHARS = 200  # MRML ids are short ("vtkMRMLScalarVolumeNode12"); longer input is hostile


class DisplayControlError(EngineError):
    """A display control was asked for something the scene cannot do; the message says why."""


def require_node(engine: SlicerEngine, node_id: object, class_name: str = "vtkMRMLNode", what: str = "node"):
    """The node with that id, checked to be a ``class_name``; DisplayControlError otherwise."""
    if not isinstance(node_id, str) or not node_id or len(node_id) > MAX_NODE_ID_CHARS:
        raise DisplayControlError(f"not a {what} id: {str(node_id)[:MAX_NODE_ID_CHARS]!r}")
    node = engine.scene.GetNodeByID(node_id)
    if node is None:
        raise DisplayControlError(f"no {what} with id {node_id!r} in the scene")
    if not node.IsA(class_name):
        raise DisplayControlError(f"{node.GetName()!r} ({node_id}) is not a {what}")
    return node


def require_finite(value: object, what: str, low: float | None = None, high: float | None = None) -> float:
    """A finite float within [low, high]; DisplayControlError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DisplayControlError(f"{what} must be a number, not {type(value).__name__}")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise DisplayControlError(f"{what} must be a finite number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise DisplayControlError(f"{what} must be between {low} and {high}, not {number}")
    return number


def require_bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise DisplayControlError(f"{what} must be true or false, not {value!r}")
    return value
