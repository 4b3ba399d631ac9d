"""Where the pointer touches what the 3D view shows: the point a 3D brush paints at.

As Slicer's paint effect in the 3D view: a cell picker (VTK's ``vtkCellPicker``, tolerance 0.005 of the
window) cast from the pointer through everything pickable the view draws (segment surfaces, models,
the slice planes, a rendered volume), and of the positions it hits, the one nearest the camera. The
editor's own feedback actors are not pickable, so the brush never lands on itself.

A bare cell picker tests every cell of every surface: 70-80 ms per pick on the head CT's skull here,
on every hover move. Large surfaces get a cell locator (VTK's ``vtkStaticCellLocator``), kept per
surface and rebuilt only when the surface changes (docs/decisions/0024).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from vtkmodules.vtkCommonDataModel import vtkPolyData, vtkStaticCellLocator
from vtkmodules.vtkRenderingCore import vtkCellPicker

PICK_TOLERANCE = 0.005  # fraction of the window diagonal, Slicer's
LOCATOR_MIN_CELLS = 5000  # smaller surfaces are tested cell by cell, as fast as a locator's lookup


class SurfacePicker:
    """Picks in one 3D view, keeping a locator per large surface it has seen."""

    def __init__(self, view) -> None:
        self.view = view
        self._locators: dict[int, tuple[vtkPolyData, int, vtkStaticCellLocator]] = {}

    def _locator(self, surface: vtkPolyData) -> vtkStaticCellLocator:
        key = id(surface)
        kept = self._locators.get(key)
        if kept is not None and kept[0] is surface and kept[1] == surface.GetMTime():
            return kept[2]
        locator = vtkStaticCellLocator()
        locator.SetDataSet(surface)
        locator.BuildLocator()
        self._locators[key] = (surface, surface.GetMTime(), locator)
        return locator

    def _surfaces(self) -> list[vtkPolyData]:
        surfaces = []
        actors = self.view.renderer.GetActors()
        actors.InitTraversal()
        for _ in range(actors.GetNumberOfItems()):
            actor = actors.GetNextActor()
            mapper = actor.GetMapper()
            if not (actor.GetVisibility() and actor.GetPickable()) or mapper is None:
                continue
            data = mapper.GetInput()
            if isinstance(data, vtkPolyData) and data.GetNumberOfCells() >= LOCATOR_MIN_CELLS:
                surfaces.append(data)
        return surfaces

    def pick(self, event: Mapping) -> np.ndarray | None:
        """The RAS point on the nearest shown surface under the event's position, or None."""
        view = self.view
        x, y = view.client_to_display(float(event.get("x", 0)), float(event.get("y", 0)))
        picker = vtkCellPicker()
        picker.SetTolerance(PICK_TOLERANCE)
        surfaces = self._surfaces()
        for surface in surfaces:
            picker.AddLocator(self._locator(surface))
        alive = {id(s) for s in surfaces}
        self._locators = {k: v for k, v in self._locators.items() if k in alive}  # forget removed surfaces
        if not picker.Pick(x, y, 0.0, view.renderer):
            return None
        positions = picker.GetPickedPositions()
        count = positions.GetNumberOfPoints()
        if count == 0:
            return np.array(picker.GetPickPosition(), dtype=float)
        camera = np.array(view.renderer.GetActiveCamera().GetPosition(), dtype=float)
        points = np.array([positions.GetPoint(i) for i in range(count)], dtype=float)
        return points[np.argmin(np.sum((points - camera) ** 2, axis=1))]
