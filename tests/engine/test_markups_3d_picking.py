"""Placing on what the 3D view shows: a click on a model or on the volume rendering puts the point on that
surface (Slicer's markups widget picks it), not on the far side nor in empty space."""

from __future__ import annotations

import math

import numpy as np
import pytest
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkFiltersSources import vtkSphereSource

from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.markups import placing
from trame_slicer_app.engine.views.view_input import apply_input_event
from trame_slicer_app.engine.volume_rendering import volume_rendering as vr

VIEW_PX = 300
RAY_STEP_MM = 0.1
# Where a rendered volume counts as a surface: VTK's cell picker's default opacity isovalue. Voxels fainter than
# this (a few per cent opaque: air, noise around the head) are all but invisible in the rendering too.
VISIBLE_OPACITY = 0.05
SPHERE_RADIUS_MM = 40.0
CLICKS = ((150, 150), (120, 170), (185, 130))  # near the middle of the view, off the slice planes' edges


def _click_in_3d(engine, x: int, y: int) -> None:
    threed = engine.threed_view
    for kind, px in (("move", x - 1), ("move", x), ("press", x), ("release", x)):
        apply_input_event(threed, {"type": kind, "x": px, "y": y, "button": 0})
        threed.render()


def _place_a_point_at(engine, x: int, y: int) -> np.ndarray:
    node = engine.scene.GetNodeByID(placing.start_placing(engine, "point_list"))
    _click_in_3d(engine, x, y)
    assert node.GetNumberOfControlPoints() == 1, "the click placed no point"
    return np.array(node.GetNthControlPointPositionWorld(0))


@pytest.fixture
def a_3d_view(an_engine):
    threed = an_engine.threed_view
    threed.resize(VIEW_PX, VIEW_PX)
    return threed


def _voxel_diagonal_mm(volume) -> float:
    return math.dist((0, 0, 0), volume.GetSpacing())


def _show_a_sphere(engine, view, centre: np.ndarray) -> None:
    """A fine sphere model (its 96-sided facets within 0.02 mm of the sphere), the 3D view fitted to it."""
    sphere = vtkSphereSource()
    sphere.SetCenter(*centre)
    sphere.SetRadius(SPHERE_RADIUS_MM)
    sphere.SetThetaResolution(96)
    sphere.SetPhiResolution(96)
    sphere.Update()
    model = engine.scene.AddNewNodeByClass("vtkMRMLModelNode", "sphere")
    model.SetAndObservePolyData(sphere.GetOutput())
    model.CreateDefaultDisplayNodes()
    view.reset_view()
    view.render()


def _show_the_ct_rendered(engine, ct_path, view):
    """The CT with volume rendering on and the slice planes hidden (they reach past the head, into the air
    before it); returns the volume and the rendering's opacity transfer function."""
    volume = load_volume(engine, ct_path)
    show_volume(engine, volume)
    vr.show_volume_rendering(engine, volume.GetID(), True)
    for slice_view in engine.slice_views.values():
        slice_view.slice_node.SetSliceVisible(False)
    view.reset_view()
    view.render()
    display = engine.volume_rendering_logic.GetFirstVolumeRenderingDisplayNode(volume)
    return volume, display.GetVolumePropertyNode().GetVolumeProperty().GetScalarOpacity()


def test_a_click_on_a_model_places_the_point_on_its_surface(an_engine, a_3d_view):
    centre = np.array((10.0, 20.0, 30.0))
    _show_a_sphere(an_engine, a_3d_view, centre)
    camera = np.array(a_3d_view.renderer.GetActiveCamera().GetPosition())
    for x, y in CLICKS:
        point = _place_a_point_at(an_engine, x, y)
        # On the surface (facets of a 96-sided sphere are within 0.02 mm of it) ...
        assert abs(np.linalg.norm(point - centre) - SPHERE_RADIUS_MM) < 0.5, point
        # ... on the side that faces the camera, not the far side.
        assert np.linalg.norm(point - camera) < np.linalg.norm(centre - camera), point


def _trilinear(voxels: np.ndarray, ijk) -> float | None:
    """The CT's value at a continuous voxel position, interpolated as the rendering samples it."""
    base = np.floor(ijk).astype(int)
    if np.any(base < 0) or np.any(base + 1 >= voxels.shape[::-1]):
        return None
    f = np.asarray(ijk) - base
    cube = voxels[base[2]:base[2] + 2, base[1]:base[1] + 2, base[0]:base[0] + 2].astype(float)
    weights = np.einsum("k,j,i->kji", (1 - f[2], f[2]), (1 - f[1], f[1]), (1 - f[0], f[0]))
    return float((cube * weights).sum())


def test_a_point_dragged_in_3d_over_a_model_stays_on_its_surface(an_engine, a_3d_view):
    """Slicer's markups snap to the visible surface by default: a drag in 3D slides the point over the model."""
    centre = np.array((0.0, 0.0, 0.0))
    _show_a_sphere(an_engine, a_3d_view, centre)
    start = _place_a_point_at(an_engine, 150, 150)
    node = an_engine.scene.GetNodesByClass("vtkMRMLMarkupsFiducialNode").GetItemAsObject(0)
    threed = an_engine.threed_view
    for kind, x in (("move", 149), ("move", 150), ("press", 150)):
        apply_input_event(threed, {"type": kind, "x": x, "y": 150, "button": 0})
        threed.render()
    for step in range(1, 11):
        apply_input_event(threed, {"type": "move", "x": 150 + 4 * step, "y": 150 - 2 * step})
        threed.render()
    apply_input_event(threed, {"type": "release", "x": 190, "y": 130, "button": 0})
    moved = np.array(node.GetNthControlPointPositionWorld(0))
    assert np.linalg.norm(moved - start) > 5.0, (start, moved)  # it moved with the pointer ...
    assert abs(np.linalg.norm(moved - centre) - SPHERE_RADIUS_MM) < 0.5, moved  # ... over the surface


def _first_opaque_point_along(volume, opacity, start: np.ndarray, through: np.ndarray) -> np.ndarray | None:
    """Walk the ray from the camera through ``through`` in the CT's own voxels: the first point that the
    rendering's opacity transfer function (the preset's threshold and ramp) shows."""
    image = volume.GetImageData()
    dims = image.GetDimensions()
    voxels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(dims[2], dims[1], dims[0])
    ras_to_ijk = vtkMatrix4x4()
    volume.GetRASToIJKMatrix(ras_to_ijk)
    direction = (through - start) / np.linalg.norm(through - start)
    far = np.linalg.norm(through - start) * 2
    for distance in np.arange(0.0, far, RAY_STEP_MM):
        ras = start + direction * distance
        value = _trilinear(voxels, ras_to_ijk.MultiplyPoint((*ras, 1.0))[:3])
        if value is not None and opacity.GetValue(value) >= VISIBLE_OPACITY:
            return ras
    return None


def test_a_click_on_the_volume_rendering_places_the_point_on_the_skin(an_engine, a_ct_path, a_3d_view):
    volume, opacity = _show_the_ct_rendered(an_engine, a_ct_path, a_3d_view)
    camera = np.array(a_3d_view.renderer.GetActiveCamera().GetPosition())
    for x, y in CLICKS:
        point = _place_a_point_at(an_engine, x, y)
        expected = _first_opaque_point_along(volume, opacity, camera, point)
        assert expected is not None, f"{point} is in empty space: no voxel on its ray is rendered"
        assert np.linalg.norm(point - expected) < _voxel_diagonal_mm(volume), (point, expected)


def test_shift_move_over_the_volume_rendering_puts_the_crosshair_on_the_skin(an_engine, a_ct_path, a_3d_view):
    """Slicer's 3D view moves the crosshair to the surface under the mouse (Shift+move), the rendered skin
    included, not the far side or the air in front of it."""
    from trame_slicer_app.engine.display.slice_controls import set_crosshair_visible

    set_crosshair_visible(an_engine, True)
    volume, opacity = _show_the_ct_rendered(an_engine, a_ct_path, a_3d_view)
    camera = np.array(a_3d_view.renderer.GetActiveCamera().GetPosition())
    crosshair = an_engine.scene.GetFirstNodeByClass("vtkMRMLCrosshairNode")
    for x, y in CLICKS:
        apply_input_event(a_3d_view, {"type": "move", "x": x - 1, "y": y})
        apply_input_event(a_3d_view, {"type": "move", "x": x, "y": y, "shift": True})
        point = np.array(crosshair.GetCrosshairRAS())
        expected = _first_opaque_point_along(volume, opacity, camera, point)
        assert expected is not None, f"the crosshair {point} is in empty space"
        assert np.linalg.norm(point - expected) < _voxel_diagonal_mm(volume), (point, expected)
        apply_input_event(a_3d_view, {"type": "move", "x": x, "y": y + 30})  # Shift up again
