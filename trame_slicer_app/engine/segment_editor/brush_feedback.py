"""What a slice view draws of the brush: its outline under the pointer and the stroke being painted.

Both are 2D actors in the view's own renderer, in the view's XY pixels (origin bottom left), as
Slicer's paint effect draws its brush and feedback actors in the slice widget. The stroke is kept in
RAS and mapped to XY at each update, so a change of render scale between frames (the streamer
renders a drag smaller on a slow link) cannot shift it.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor2D, vtkPolyDataMapper2D

from .slice_geometry import mm_per_pixel, ras_to_xy

OUTLINE_SEGMENTS = 48
DISC_SEGMENTS = 24
OUTLINE_COLOUR = (1.0, 1.0, 0.3)
FEEDBACK_OPACITY = 0.7


def _circle(centre_xy, radius_px: float, segments: int) -> np.ndarray:
    angles = np.linspace(0.0, 2.0 * math.pi, segments, endpoint=False)
    return np.c_[centre_xy[0] + radius_px * np.cos(angles), centre_xy[1] + radius_px * np.sin(angles)]


def actor_2d(polydata: vtkPolyData) -> vtkActor2D:
    mapper = vtkPolyDataMapper2D()
    mapper.SetInputData(polydata)
    actor = vtkActor2D()
    actor.SetMapper(mapper)
    actor.VisibilityOff()
    return actor


def mapping_key(view) -> tuple:
    """What XY positions depend on: the slice's XY-to-RAS and the render size (a drag may render smaller)."""
    matrix = view.slice_node.GetXYToRAS()
    return (*view.size, *(matrix.GetElement(r, c) for r in range(3) for c in range(4)))


class BrushFeedback:
    """The brush outline and stroke feedback of one slice view.

    Both are kept in RAS and mapped to XY again when the view renders with another mapping (the
    streamer renders a drag at a smaller scale and the still frame at full size; a pan or zoom moves
    the slice): the renderer's start event re-maps them, so no frame shows them out of place.
    """

    def __init__(self, view) -> None:
        self.view = view
        self._outline = vtkPolyData()
        self._stroke = vtkPolyData()
        self.outline_actor = actor_2d(self._outline)
        self.outline_actor.GetProperty().SetColor(*OUTLINE_COLOUR)
        self.outline_actor.GetProperty().SetLineWidth(1.5)
        self.stroke_actor = actor_2d(self._stroke)
        self.stroke_actor.GetProperty().SetOpacity(FEEDBACK_OPACITY)
        view.renderer.AddViewProp(self.stroke_actor)
        view.renderer.AddViewProp(self.outline_actor)
        self._outline_ras: tuple | None = None  # (centre, radius mm)
        self._stroke_ras: tuple | None = None  # (points, radius mm)
        self._mapped_for: tuple | None = None
        self._observer = view.renderer.AddObserver("StartEvent", lambda *_: self._remap_if_moved())

    def remove(self) -> None:
        self.view.renderer.RemoveObserver(self._observer)
        self.view.renderer.RemoveViewProp(self.stroke_actor)
        self.view.renderer.RemoveViewProp(self.outline_actor)

    def _remap_if_moved(self) -> None:
        if mapping_key(self.view) != self._mapped_for:
            self._map_outline()
            self._map_stroke()

    # -- drawing ---------------------------------------------------------------
    def show_outline(self, centre_ras, radius_mm: float) -> None:
        self._outline_ras = (np.asarray(centre_ras, dtype=float), float(radius_mm))
        self._map_outline()
        self.outline_actor.VisibilityOn()
        self.view.request_render()

    def _map_outline(self) -> None:
        self._mapped_for = mapping_key(self.view)
        if self._outline_ras is None:
            return
        centre_ras, radius_mm = self._outline_ras
        radius_px = radius_mm / mm_per_pixel(self.view)
        ring = _circle(ras_to_xy(self.view, centre_ras), radius_px, OUTLINE_SEGMENTS)
        points = vtkPoints()
        for x, y in ring:
            points.InsertNextPoint(x, y, 0.0)
        lines = vtkCellArray()
        lines.InsertNextCell(OUTLINE_SEGMENTS + 1)
        for index in (*range(OUTLINE_SEGMENTS), 0):
            lines.InsertCellPoint(index)
        self._outline.SetPoints(points)
        self._outline.SetLines(lines)
        self._outline.Modified()

    def hide_outline(self) -> None:
        self._outline_ras = None
        if self.outline_actor.GetVisibility():
            self.outline_actor.VisibilityOff()
            self.view.request_render()

    def show_stroke(self, points_ras: list, radius_mm: float, colour: tuple[float, float, float]) -> None:
        """A filled disc at every pointer position and a band between consecutive ones."""
        self._stroke_ras = (list(points_ras), float(radius_mm))
        self._map_stroke()
        self.stroke_actor.GetProperty().SetColor(*colour)
        self.stroke_actor.VisibilityOn()
        self.view.request_render()

    def _map_stroke(self) -> None:
        self._mapped_for = mapping_key(self.view)
        if self._stroke_ras is None:
            return
        points_ras, radius_mm = self._stroke_ras
        radius_px = radius_mm / mm_per_pixel(self.view)
        centres = [ras_to_xy(self.view, p) for p in points_ras]
        points = vtkPoints()
        polys = vtkCellArray()

        def polygon(corners) -> None:
            polys.InsertNextCell(len(corners))
            for x, y in corners:
                polys.InsertCellPoint(points.InsertNextPoint(x, y, 0.0))

        for centre in centres:
            polygon(_circle(centre, radius_px, DISC_SEGMENTS))
        for (x0, y0), (x1, y1) in itertools.pairwise(centres):
            length = math.hypot(x1 - x0, y1 - y0)
            if length == 0:
                continue
            nx, ny = -(y1 - y0) / length * radius_px, (x1 - x0) / length * radius_px
            polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)])
        self._stroke.SetPoints(points)
        self._stroke.SetPolys(polys)
        self._stroke.Modified()

    def hide_stroke(self) -> None:
        self._stroke_ras = None
        if self.stroke_actor.GetVisibility():
            self.stroke_actor.VisibilityOff()
            self.view.request_render()
