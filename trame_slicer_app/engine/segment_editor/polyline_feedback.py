"""An outline drawn over a slice view (Draw's polygon, Level tracing's trace, Scissors' shape).

Kept in RAS, drawn as a 2D actor in the view's XY pixels, mapped again at every update so that a
pan, zoom or render-scale change between frames moves it with the image.
"""

from __future__ import annotations

from vtkmodules.vtkCommonCore import vtkPoints

from .brush_feedback import mapping_key
from .outline_actor import OUTLINE_COLOUR, OutlineActor
from .slice_geometry import ras_to_xy


class PolylineFeedback(OutlineActor):
    def __init__(self, view, colour=OUTLINE_COLOUR) -> None:
        super().__init__(view, colour)
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
        return self._draw(points, closed)

    def hide(self) -> None:
        self._points_ras = []
        super().hide()
