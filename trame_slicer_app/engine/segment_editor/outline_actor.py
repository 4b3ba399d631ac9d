"""The actor both outline feedbacks draw with (polyline_feedback over a slice view, screen_feedback
over the 3D view's screen): a 2D polyline, open or closed, in the effects' outline colour; they differ
only in how they place its points."""

from __future__ import annotations

from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData

from .brush_feedback import actor_2d

OUTLINE_COLOUR = (1.0, 1.0, 0.0)  # Slicer's effects draw their outlines in yellow


class OutlineActor:
    def __init__(self, view, colour=OUTLINE_COLOUR) -> None:
        self.view = view
        self._polydata = vtkPolyData()
        self.actor = actor_2d(self._polydata)
        self.actor.GetProperty().SetColor(*colour)
        self.actor.GetProperty().SetLineWidth(1.5)
        view.renderer.AddViewProp(self.actor)

    def _draw(self, points: vtkPoints, closed: bool) -> int:
        """The polyline through ``points`` (closed back to the first); returns how many points it has."""
        count = points.GetNumberOfPoints()
        lines = vtkCellArray()
        if count >= 2:
            order = list(range(count)) + ([0] if closed else [])
            lines.InsertNextCell(len(order))
            for index in order:
                lines.InsertCellPoint(index)
        self._polydata.SetPoints(points)
        self._polydata.SetLines(lines)
        self._polydata.Modified()
        return count

    def hide(self) -> None:
        if self.actor.GetVisibility():
            self.actor.VisibilityOff()
            self.view.request_render()

    @property
    def visible(self) -> bool:
        return bool(self.actor.GetVisibility())

    def point_count(self) -> int:
        points = self._polydata.GetPoints()
        return 0 if points is None else int(points.GetNumberOfPoints())
