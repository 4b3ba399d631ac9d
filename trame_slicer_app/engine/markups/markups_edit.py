"""The Markups module's edits: the list of markups with their points and measurements, visibility,
lock, colour, rename, delete (a markup or one point), a point's RAS position, jumping the slices to it."""

from __future__ import annotations

import math
import re

from ..display.scene_tree import clean_node_name, delete_node
from ..scene.scene_nodes import nodes_of_class
from .markup_types import MarkupsError, markup_type_of, require_markups_node
from .measurements import measurements
from .shape_settings import shape_settings_of

# Slicer's views are bounded by the scene; a coordinate beyond this is a typing slip or hostile.
MAX_COORDINATE_MM = 1.0e5
MAX_POINTS_LISTED = 200  # control points a row lists (a long curve's panel stays usable)
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
RAS_DIGITS = 2


def _hex(rgb) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c * 255))):02x}" for c in rgb)


def markups_nodes(engine) -> list:
    nodes = nodes_of_class(engine.scene, "vtkMRMLMarkupsNode")
    return [node for node in nodes if not node.GetHideFromEditors() and markup_type_of(node) is not None]


def markup_row(node) -> dict:
    """One markup as plain data: the Markups panel's row."""
    display = node.GetDisplayNode()
    # The preview point that follows the pointer while placing is not listed: it is no point yet.
    placed = [index for index in range(node.GetNumberOfControlPoints())
              if node.GetNthControlPointPositionStatus(index) != node.PositionPreview]
    points = []
    for index in placed[:MAX_POINTS_LISTED]:
        position = node.GetNthControlPointPositionWorld(index)
        points.append({"index": index, "label": node.GetNthControlPointLabel(index),
                       "ras": [round(float(c), RAS_DIGITS) for c in position],
                       "defined": bool(node.GetNthControlPointPositionStatus(index) == node.PositionDefined)})
    return {
        "id": node.GetID(),
        "name": node.GetName() or "",
        "type": markup_type_of(node).name,
        "title": markup_type_of(node).title,
        "visible": bool(display.GetVisibility()) if display is not None else False,
        "locked": bool(node.GetLocked()),
        "color": _hex(display.GetSelectedColor()) if display is not None else "#ffffff",
        "points": points,
        "point_count": len(placed),
        "measurements": measurements(node),
        **shape_settings_of(node),  # a plane's normal and size, a curve's type
    }


def markups_rows(engine) -> list[dict]:
    return [markup_row(node) for node in markups_nodes(engine)]


def set_visible(engine, node_id: str, on: bool) -> None:
    display = require_markups_node(engine, node_id).GetDisplayNode()
    if display is not None:
        display.SetVisibility(bool(on))


def set_locked(engine, node_id: str, on: bool) -> None:
    require_markups_node(engine, node_id).SetLocked(bool(on))


def set_color(engine, node_id: str, color: str) -> None:
    """The markup's colour, '#rrggbb'. Slicer draws markups in the display node's "selected" colour."""
    if not isinstance(color, str) or not COLOR_PATTERN.match(color):
        raise MarkupsError("a colour is #rrggbb")
    display = require_markups_node(engine, node_id).GetDisplayNode()
    if display is not None:
        display.SetSelectedColor(*(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)))


def rename(engine, node_id: str, name) -> None:
    require_markups_node(engine, node_id).SetName(clean_node_name(name))


def delete(engine, node_id: str) -> None:
    require_markups_node(engine, node_id)
    delete_node(engine, node_id)


def _require_point(node, index) -> int:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < node.GetNumberOfControlPoints():
        raise MarkupsError(f"{node.GetName()} has no point {str(index)[:20]}")
    return index


def delete_point(engine, node_id: str, index: int) -> None:
    node = require_markups_node(engine, node_id)
    if node.GetLocked():
        raise MarkupsError(f"{node.GetName()} is locked")
    node.RemoveNthControlPoint(_require_point(node, index))


def checked_ras(ras) -> tuple[float, float, float]:
    """Three finite numbers within MAX_COORDINATE_MM of the origin, from whatever the browser sent."""
    if not isinstance(ras, (list, tuple)) or len(ras) != 3:
        raise MarkupsError("a position is three numbers: R, A, S")
    values = []
    for value in ras:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise MarkupsError("a position is three finite numbers in mm")
        if abs(value) > MAX_COORDINATE_MM:
            raise MarkupsError(f"a coordinate is at most {MAX_COORDINATE_MM:g} mm from the origin")
        values.append(float(value))
    return values[0], values[1], values[2]


def set_point_position(engine, node_id: str, index: int, ras) -> None:
    node = require_markups_node(engine, node_id)
    index = _require_point(node, index)
    position = checked_ras(ras)
    if node.GetLocked() or node.GetNthControlPointLocked(index):
        raise MarkupsError(f"{node.GetName()} is locked")
    node.SetNthControlPointPositionWorld(index, *position)


def jump_to_point(engine, node_id: str, index: int) -> None:
    """Centre the slice views on a point, as Slicer's "jump slices" does (offset only, views not rotated)."""
    node = require_markups_node(engine, node_id)
    engine.markups_logic.JumpSlicesToNthPointInMarkup(node.GetID(), _require_point(node, index), True)


def pointer_on_a_markup(engine) -> bool:
    """Whether a markup's widget has a part under the pointer (hovered: a press there drags it)."""
    for node in markups_nodes(engine):
        display = node.GetDisplayNode()
        if display is not None and display.GetActiveComponentType() != display.ComponentNone:
            return True
    return False


def delete_hovered_point(engine) -> bool:
    """Delete key in a view: remove the control point under the pointer (the one the widget highlights)."""
    for node in markups_nodes(engine):
        display = node.GetDisplayNode()
        if display is None or node.GetLocked():
            continue
        if display.GetActiveComponentType() == display.ComponentControlPoint:
            index = display.GetActiveControlPoint()
            if 0 <= index < node.GetNumberOfControlPoints():
                node.RemoveNthControlPoint(index)
                return True
    return False
