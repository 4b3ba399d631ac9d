"""What undo records of a markup beyond its node and display properties: its control points (place,
move and delete of points are undo steps), its lock and its colour as drawn, an ROI's size and rotation, a
plane's orientation (its normal) and size, and a curve's type and surface. Plain values; capture is a few
microseconds per point."""

from __future__ import annotations

from dataclasses import dataclass

from vtkmodules.vtkCommonMath import vtkMatrix4x4

from .markups_edit import markups_nodes


@dataclass(frozen=True)
class MarkupRecord:
    points: tuple  # ((r, a, s), label, position status) per control point, in node coordinates
    locked: bool
    selected_color: tuple | None
    roi_size: tuple | None = None
    roi_orientation: tuple | None = None  # the ROI's object-to-node matrix, 16 numbers (a box turned by handles)
    plane: tuple | None = None  # (axes x, y, z; size; size mode): normal and size as the panel or handles set them
    curve: tuple | None = None  # (curve type, surface model id or None)


def _points(node) -> tuple:
    """The placed points; the preview point that follows the pointer while placing is not an edit."""
    return tuple(
        (tuple(node.GetNthControlPointPosition(i)), node.GetNthControlPointLabel(i),
         node.GetNthControlPointPositionStatus(i))
        for i in range(node.GetNumberOfControlPoints())
        if node.GetNthControlPointPositionStatus(i) != node.PositionPreview
    )


def _matrix(matrix) -> tuple:
    return tuple(matrix.GetElement(row, column) for row in range(4) for column in range(4))


def _plane(node) -> tuple | None:
    if not node.IsA("vtkMRMLMarkupsPlaneNode"):
        return None
    x, y, z = [0.0] * 3, [0.0] * 3, [0.0] * 3
    node.GetAxes(x, y, z)
    return (tuple(x), tuple(y), tuple(z)), tuple(node.GetSize()), node.GetSizeMode()


def _curve(node) -> tuple | None:
    if not node.IsA("vtkMRMLMarkupsCurveNode"):
        return None
    surface = node.GetShortestDistanceSurfaceNode()
    return node.GetCurveType(), surface.GetID() if surface is not None else None


def capture_markups(engine) -> dict[str, MarkupRecord]:
    records = {}
    for node in markups_nodes(engine):
        display = node.GetDisplayNode()
        records[node.GetID()] = MarkupRecord(
            points=_points(node),
            locked=bool(node.GetLocked()),
            selected_color=tuple(display.GetSelectedColor()) if display is not None else None,
            roi_size=tuple(node.GetSize()) if node.IsA("vtkMRMLMarkupsROINode") else None,
            roi_orientation=_matrix(node.GetObjectToNodeMatrix()) if node.IsA("vtkMRMLMarkupsROINode") else None,
            plane=_plane(node),
            curve=_curve(node),
        )
    return records


def restore_markups(engine, records: dict[str, MarkupRecord]) -> None:
    """Put back each recorded markup's points and properties (the node itself is back already,
    see scene_snapshot); markups not recorded are left alone (they were removed with their node)."""
    for node_id, record in records.items():
        node = engine.scene.GetNodeByID(node_id)
        if node is None:
            continue
        was_modifying = node.StartModify()
        try:
            if _points(node) != record.points or node.GetNumberOfControlPoints() != len(record.points):
                _restore_points(node, record.points)
            if bool(node.GetLocked()) != record.locked:
                node.SetLocked(record.locked)
            if record.roi_size is not None and tuple(node.GetSize()) != record.roi_size:
                node.SetSize(*record.roi_size)
            if record.roi_orientation is not None and _matrix(node.GetObjectToNodeMatrix()) != record.roi_orientation:
                _restore_roi_orientation(node, record.roi_orientation)
            if record.plane is not None and _plane(node) != record.plane:
                _restore_plane(node, record.plane)
            if record.curve is not None and _curve(node) != record.curve:
                _restore_curve(engine, node, record.curve)
        finally:
            node.EndModify(was_modifying)
        display = node.GetDisplayNode()
        if display is not None and record.selected_color is not None \
                and tuple(display.GetSelectedColor()) != record.selected_color:
            display.SetSelectedColor(*record.selected_color)


def _restore_points(node, points: tuple) -> None:
    node.RemoveAllControlPoints()
    for index, (position, label, status) in enumerate(points):
        node.AddControlPoint(position, label)
        if status != node.PositionDefined:
            node.UnsetNthControlPointPosition(index)


def _restore_roi_orientation(node, elements: tuple) -> None:
    matrix = vtkMatrix4x4()
    matrix.DeepCopy(elements)
    node.SetAndObserveObjectToNodeMatrix(matrix)


def _restore_plane(node, record: tuple) -> None:
    (x, y, z), size, size_mode = record
    node.SetAxes(x, y, z)
    node.SetSizeMode(size_mode)
    node.SetSize(*size[:2])


def _restore_curve(engine, node, record: tuple) -> None:
    curve_type, surface_id = record
    surface = engine.scene.GetNodeByID(surface_id) if surface_id else None
    node.SetAndObserveShortestDistanceSurfaceNode(surface)
    node.SetCurveType(curve_type)
