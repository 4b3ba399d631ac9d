"""A slice view of the real CT driven through the views' own input path with an effect active.

The effects' seam to the segment (``EditTarget``) is ``MasksApplied`` here: it keeps what each gesture
would apply, so the effects' geometry is checked on its own; tests/engine/test_editor_target.py and
the browser tests check the same gestures through the real Segment Editor.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonMath import vtkMatrix4x4

from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.segment_editor.brush_geometry import VoxelGrid
from trame_slicer_app.engine.views.interaction_mode import PAINT
from trame_slicer_app.engine.views.view_input import apply_input_event

VIEW_SIZE_PX = (320, 320)
PAINT_COLOUR = (1.0, 0.0, 1.0)  # magenta: nowhere in a grey CT


class MasksApplied:
    def __init__(self, volume) -> None:
        vtk_matrix = vtkMatrix4x4()
        volume.GetIJKToRASMatrix(vtk_matrix)
        matrix = np.array([[vtk_matrix.GetElement(r, c) for c in range(4)] for r in range(4)])
        i, j, k = volume.GetImageData().GetDimensions()
        self._grid = VoxelGrid(matrix, (k, j, i))
        self._image = volume.GetImageData()
        self.applied: list[tuple[np.ndarray, bool]] = []

    def grid(self):
        return self._grid

    def colour(self):
        return PAINT_COLOUR

    def apply_mask(self, mask, erase):
        self.applied.append((mask.copy(), erase))

    def source_image(self):
        return self._image


def a_red_view_with(engine, ct_path, make_effect):
    """(view, volume, effect, target, send): ``send(kind, x, y, **fields)`` replays one client event."""
    volume = load_volume(engine, ct_path)
    view = engine.slice_views["Red"]
    view.resize(*VIEW_SIZE_PX)
    show_volume(engine, volume)
    target = MasksApplied(volume)
    effect = make_effect(target)
    modes = engine.interaction_modes
    modes.register_tool(PAINT, effect)
    modes.set(PAINT)

    def send(kind, x=160, y=160, **extra):
        event = {"type": kind, "x": x, "y": y, **extra}
        if not modes.route(view, event):
            apply_input_event(view, event)

    return view, volume, effect, target, send
