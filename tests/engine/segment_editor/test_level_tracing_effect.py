"""Level tracing through the Red view's input path on the real CT, against slicer-core's trace."""

from __future__ import annotations

import math

import numpy as np
import pytest
from effect_views import a_red_view_with
from slicer import vtkITKLevelTracingImageFilter
from vtkmodules.util.numpy_support import vtk_to_numpy

from trame_slicer_app.engine.io.volumes import ras_to_ijk
from trame_slicer_app.engine.segment_editor.level_tracing_effect import ROTATED_SLICE_MESSAGE, LevelTracingEffect


@pytest.fixture
def a_tracing_red_view(an_engine, a_ct_path):
    return a_red_view_with(an_engine, a_ct_path, LevelTracingEffect)


def test_the_trace_follows_the_pointer_and_a_click_fills_a_region_of_like_voxels(a_tracing_red_view):
    view, volume, effect, target, send = a_tracing_red_view
    send("move", 160, 160)
    assert effect.feedback(view).visible  # the outline is drawn under the pointer
    send("press", 160, 160, button=0)
    send("release", 160, 160, button=0)
    assert len(target.applied) == 1
    mask, erase = target.applied[0]
    assert not erase
    layers = np.unique(np.nonzero(mask)[0])
    assert len(layers) == 1
    seed = np.rint(ras_to_ijk(volume, view.xy_to_ras(*view.client_to_display(160, 160)))).astype(int)
    assert layers[0] == seed[2]
    # The same trace from slicer-core's filter run here: the mask is the area it encloses (shoelace
    # formula), give or take the voxels its outline runs through.
    trace = vtkITKLevelTracingImageFilter()
    trace.SetInputData(volume.GetImageData())
    trace.SetPlaneToIJ()
    trace.SetSeed([int(c) for c in seed])
    trace.Update()
    outline = vtk_to_numpy(trace.GetOutput().GetPoints().GetData())[:, :2]
    x, y = outline[:, 0], outline[:, 1]
    area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
    assert area > 100
    assert abs(mask.sum() - area) <= len(outline)
    j, i = np.nonzero(mask[seed[2]])
    assert outline[:, 0].min() <= i.min() and i.max() <= outline[:, 0].max()
    assert outline[:, 1].min() <= j.min() and j.max() <= outline[:, 1].max()


def test_a_rotated_slice_shows_no_trace_and_says_why(a_tracing_red_view):
    view, _volume, effect, target, send = a_tracing_red_view
    view.slice_node.SetOrientation("Axial")
    matrix = view.slice_node.GetSliceToRAS()
    angle = math.radians(20)
    rotation = [[1, 0, 0], [0, math.cos(angle), -math.sin(angle)], [0, math.sin(angle), math.cos(angle)]]
    columns = [[matrix.GetElement(r, c) for r in range(3)] for c in range(3)]
    for c, column in enumerate(columns):
        rotated = np.array(rotation) @ np.array(column)
        for r in range(3):
            matrix.SetElement(r, c, rotated[r])
    view.slice_node.UpdateMatrices()
    send("move", 160, 160)
    assert effect.last_message == ROTATED_SLICE_MESSAGE
    assert not effect.feedback(view).visible
    send("press", 160, 160, button=0)
    send("release", 160, 160, button=0)
    assert target.applied == []
