"""What undo records of a markup beyond its node and display properties: its control points (place,
move and delete of points are undo steps), its lock and its colour as drawn, an ROI's size and a plane's
normal. Plain values; capture is a few microseconds per point."""

from __future__ import annotations

from dataclasses import dataclass

from .markups_edit import markups_nodes


@dataclass(frozen=True)
class MarkupRecord:
    points: tuple  # ((r, a, s), label, position status) per control point, in node coordinates
    locked: bool
    selected_color: tuple | None
    roi_size: tuple | None = None


def _points(node) -> tuple:
    """The placed points; the preview point that follows the pointer while placing is not an edit."""
    return tuple(
        (tuple(node.GetNthControlPointPosition(i)), node.GetNthControlPointLabel(i),
         node.GetNthControlPointPositionStatus(i))
        for i in range(node.GetNumberOfControlPoints())
        if node.GetNthControlPointPositionStatus(i) != node.PositionPreview
    )


def capture_markups(engine) -> dict[str, MarkupRecord]:
    records = {}
    for node in markups_nodes(engine):
        display = node.GetDisplayNode()
        records[node.GetID()] = MarkupRecord(
            points=_points(node),
            locked=bool(node.GetLocked()),
            selected_color=tuple(display.GetSelectedColor()) if display is not None else None,
            roi_size=tuple(node.GetSize()) if node.IsA("vtkMRMLMarkupsROINode") else None,
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
