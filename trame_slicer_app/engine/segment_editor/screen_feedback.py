"""An outline drawn over the 3D view's screen (Scissors' shape there).

The points are the pointer's client positions from the bottom left; the actor draws them in
normalized viewport coordinates, so a render-scale change between frames (the streamer renders
drags smaller) leaves the outline where it was drawn.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import vtkCoordinate

from .brush_feedback import actor_2d
from .polyline_feedback import OUTLINE_COLOUR


def display_position(view, event: Mapping) -> tuple[float, float]:
    """An event's position in the view's client pixels, counted from the bottom left as VTK counts."""
    width, height = view.client_size
    x = min(max(float(event.get("x", 0)), 0.0), float(width))
    y = min(max(float(event.get("y", 0)), 0.0), float(height))
    return x, height - y


class ScreenPolylineFeedback:
    def __init__(self, view, colour=OUTLINE_COLOUR) -> None:
        self.view = view
        self._polydata = vtkPolyData()
        self.actor = actor_2d(self._polydata)
        coordinate = vtkCoordinate()
        coordinate.SetCoordinateSystemToNormalizedViewport()
        self.actor.GetMapper().SetTransformCoordinate(coordinate)
        self.actor.GetProperty().SetColor(*colour)
        self.actor.GetProperty().SetLineWidth(1.5)
        self.actor.PickableOff()  # never under a 3D paint pick
        view.renderer.AddViewProp(self.actor)

    def show(self, points_px, closed: bool = False) -> None:
        """``points_px``: (x, y[, z]) client pixels from the bottom left."""
        width, height = self.view.client_size
        points = vtkPoints()
        for point in points_px:
            points.InsertNextPoint(float(point[0]) / width, float(point[1]) / height, 0.0)
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
        self.actor.SetVisibility(count >= 2)
        self.view.request_render()

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


def outline_uv(points_px, view) -> np.ndarray:
    width, height = view.client_size
    return np.asarray(points_px, dtype=float)[:, :2] / np.array([width, height], dtype=float)
