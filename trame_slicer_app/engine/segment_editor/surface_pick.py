"""Where the pointer touches what the 3D view shows: the point a 3D brush paints at.

As Slicer's paint effect in the 3D view: a cell picker (VTK's ``vtkCellPicker``, tolerance 0.005 of the
window) cast from the pointer through everything pickable the view draws (segment surfaces, models,
the slice planes, a rendered volume), and of the positions it hits, the one nearest the camera. The
editor's own feedback actors are not pickable, so the brush never lands on itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from vtkmodules.vtkRenderingCore import vtkCellPicker

PICK_TOLERANCE = 0.005  # fraction of the window diagonal, Slicer's


def pick_surface(view, event: Mapping) -> np.ndarray | None:
    """The RAS point on the nearest shown surface under the event's position, or None (nothing there)."""
    x, y = view.client_to_display(float(event.get("x", 0)), float(event.get("y", 0)))
    picker = vtkCellPicker()
    picker.SetTolerance(PICK_TOLERANCE)
    if not picker.Pick(x, y, 0.0, view.renderer):
        return None
    positions = picker.GetPickedPositions()
    count = positions.GetNumberOfPoints()
    if count == 0:
        return np.array(picker.GetPickPosition(), dtype=float)
    camera = np.array(view.renderer.GetActiveCamera().GetPosition(), dtype=float)
    points = np.array([positions.GetPoint(i) for i in range(count)], dtype=float)
    return points[np.argmin(np.sum((points - camera) ** 2, axis=1))]
