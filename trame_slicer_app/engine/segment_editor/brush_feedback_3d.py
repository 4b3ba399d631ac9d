"""What the 3D view draws of the brush: a sphere where the pointer touches the surface, and the stroke
being painted (a sphere at every painted point), as Slicer's paint effect draws its brush and
feedback actors in the 3D view. Neither is pickable, so the next pick goes through them."""

from __future__ import annotations

from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkFiltersCore import vtkGlyph3D
from vtkmodules.vtkFiltersSources import vtkSphereSource
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from .brush_feedback import FEEDBACK_OPACITY, OUTLINE_COLOUR

SPHERE_RESOLUTION = 16


def _sphere_actor(source) -> vtkActor:
    mapper = vtkPolyDataMapper()
    mapper.SetInputConnection(source.GetOutputPort())
    actor = vtkActor()
    actor.SetMapper(mapper)
    actor.PickableOff()
    actor.VisibilityOff()
    return actor


class BrushFeedback3D:
    def __init__(self, view) -> None:
        self.view = view
        self._brush = vtkSphereSource()
        self._brush.SetThetaResolution(SPHERE_RESOLUTION)
        self._brush.SetPhiResolution(SPHERE_RESOLUTION)
        self.outline_actor = _sphere_actor(self._brush)
        self.outline_actor.GetProperty().SetColor(*OUTLINE_COLOUR)
        self.outline_actor.GetProperty().SetRepresentationToWireframe()
        self._stroke_points = vtkPolyData()
        self._dab = vtkSphereSource()
        self._dab.SetThetaResolution(SPHERE_RESOLUTION)
        self._dab.SetPhiResolution(SPHERE_RESOLUTION)
        self._glyphs = vtkGlyph3D()
        self._glyphs.SetInputData(self._stroke_points)
        self._glyphs.SetSourceConnection(self._dab.GetOutputPort())
        self._glyphs.ScalingOff()
        self.stroke_actor = _sphere_actor(self._glyphs)
        self.stroke_actor.GetProperty().SetOpacity(FEEDBACK_OPACITY)
        view.renderer.AddViewProp(self.outline_actor)
        view.renderer.AddViewProp(self.stroke_actor)

    def remove(self) -> None:
        self.view.renderer.RemoveViewProp(self.outline_actor)
        self.view.renderer.RemoveViewProp(self.stroke_actor)

    def show_outline(self, centre_ras, radius_mm: float) -> None:
        self._brush.SetCenter(*(float(c) for c in centre_ras))
        self._brush.SetRadius(float(radius_mm))
        self.outline_actor.VisibilityOn()
        self.view.request_render()

    def hide_outline(self) -> None:
        if self.outline_actor.GetVisibility():
            self.outline_actor.VisibilityOff()
            self.view.request_render()

    def show_stroke(self, points_ras: list, radius_mm: float, colour: tuple[float, float, float]) -> None:
        points = vtkPoints()
        for point in points_ras:
            points.InsertNextPoint(*(float(c) for c in point))
        self._stroke_points.SetPoints(points)
        self._stroke_points.Modified()
        self._dab.SetRadius(float(radius_mm))
        self.stroke_actor.GetProperty().SetColor(*colour)
        self.stroke_actor.VisibilityOn()
        self.view.request_render()

    def hide_stroke(self) -> None:
        if self.stroke_actor.GetVisibility():
            self.stroke_actor.VisibilityOff()
            self.view.request_render()
