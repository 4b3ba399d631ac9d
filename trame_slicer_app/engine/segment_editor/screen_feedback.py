"""An outline drawn over the 3D view's screen (Scissors' shape there).

The points are the pointer's client positions from the bottom left; the actor draws them in
normalized viewport coordinates, so a render-scale change between frames (the streamer renders
drags smaller) leaves the outline where it was drawn.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkRenderingCore import vtkCoordinate

from .outline_actor import OUTLINE_COLOUR, OutlineActor


def display_position(view, event: Mapping) -> tuple[float, float]:
    """An event's position in the view's client pixels, counted from the bottom left as VTK counts."""
    width, height = view.client_size
    x = min(max(float(event.get("x", 0)), 0.0), float(width))
    y = min(max(float(event.get("y", 0)), 0.0), float(height))
    return x, height - y


class ScreenPolylineFeedback(OutlineActor):
    def __init__(self, view, colour=OUTLINE_COLOUR) -> None:
        super().__init__(view, colour)
        coordinate = vtkCoordinate()
        coordinate.SetCoordinateSystemToNormalizedViewport()
        self.actor.GetMapper().SetTransformCoordinate(coordinate)
        self.actor.PickableOff()  # never under a 3D paint pick

    def show(self, points_px, closed: bool = False) -> None:
        """``points_px``: (x, y[, z]) client pixels from the bottom left."""
        width, height = self.view.client_size
        points = vtkPoints()
        for point in points_px:
            points.InsertNextPoint(float(point[0]) / width, float(point[1]) / height, 0.0)
        count = self._draw(points, closed)
        self.actor.SetVisibility(count >= 2)
        self.view.request_render()


def outline_uv(points_px, view) -> np.ndarray:
    width, height = view.client_size
    return np.asarray(points_px, dtype=float)[:, :2] / np.array([width, height], dtype=float)
