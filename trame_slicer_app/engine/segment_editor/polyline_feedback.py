"""An outline drawn over a slice view (Draw's polygon, Level tracing's trace, Scissors' shape).

Kept in RAS, drawn as a 2D actor in the view's XY pixels, mapped again at every update so that a
pan, zoom or render-scale change between frames moves it with the image.
"""

from __future__ import annotations

from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData

from .brush_feedback import actor_2d, mapping_key
from .slice_geometry import ras_to_xy

OUTLINE_COLOUR = (1.0, 1.0, 0.0)  # Slicer's effects draw their outlines in yellow


class PolylineFeedback:
    def __init__(self, view, colour=OUTLINE_COLOUR) -> None:
        self.view = view
        self._polydata = vtkPolyData()
        self.actor = actor_2d(self._polydata)
        self.actor.GetProperty().SetColor(*colour)
        self.actor.GetProperty().SetLineWidth(1.5)
        view.renderer.AddViewProp(self.actor)
        self._points_ras: list = []
        self._closed = False
        self._mapped_for: tuple | None = None
        # Re-mapped when the view renders with another XY mapping (render scale, pan, zoom).
        view.renderer.AddObserver("StartEvent", lambda *_: self._remap_if_moved())

    def _remap_if_moved(self) -> None:
        if self._points_ras and mapping_key(self.view) != self._mapped_for:
            self._map()

    def show(self, points_ras, closed: bool = False) -> None:
        self._points_ras, self._closed = list(points_ras), closed
        count = self._map()
        self.actor.SetVisibility(count >= 2)
        self.view.request_render()

    def _map(self) -> int:
        self._mapped_for = mapping_key(self.view)
        points_ras, closed = self._points_ras, self._closed
        points = vtkPoints()
        for ras in points_ras:
            x, y = ras_to_xy(self.view, ras)
            points.InsertNextPoint(x, y, 0.0)
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
        self._points_ras = []
        if self.actor.GetVisibility():
            self.actor.VisibilityOff()
            self.view.request_render()

    @property
    def visible(self) -> bool:
        return bool(self.actor.GetVisibility())

    def point_count(self) -> int:
        points = self._polydata.GetPoints()
        return 0 if points is None else int(points.GetNumberOfPoints())
