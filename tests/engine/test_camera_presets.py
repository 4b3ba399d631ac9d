"""The A/P/L/R/S/I buttons put the 3D camera on the right side of the head, looking at its centre."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.display import camera_presets as cp
from trame_slicer_app.engine.io.volumes import load_volume, show_volume

# RAS axis and sign of the camera's offset from the focal point for each direction.
EXPECTED_AXIS = {"A": (1, +1), "P": (1, -1), "L": (0, -1), "R": (0, +1), "S": (2, +1), "I": (2, -1)}


def volume_centre(engine) -> list[float]:
    volume = engine.scene.GetNodeByID(engine.app_logic.GetSelectionNode().GetActiveVolumeID())
    bounds = [0.0] * 6
    volume.GetRASBounds(bounds)
    return [(bounds[2 * axis] + bounds[2 * axis + 1]) / 2 for axis in range(3)]


@pytest.fixture
def a_ct_in_3d(an_engine, a_ct_path):
    show_volume(an_engine, load_volume(an_engine, a_ct_path))
    an_engine.threed_view.resize(200, 160)
    an_engine.threed_view.capture()
    return an_engine


@pytest.mark.parametrize("direction", list(EXPECTED_AXIS))
def test_each_direction_puts_the_camera_on_its_axis(a_ct_in_3d, direction):
    engine = a_ct_in_3d
    state = cp.set_camera_direction(engine, direction)
    offset = np.subtract(state["position"], state["focal_point"])
    axis, sign = EXPECTED_AXIS[direction]
    unit = offset / np.linalg.norm(offset)
    assert unit[axis] == pytest.approx(sign, abs=1e-6)
    # The focal point is the centre of what the view shows, and the view up is across the line of sight.
    assert state["focal_point"] == pytest.approx(volume_centre(engine), abs=1e-3)
    assert abs(np.dot(unit, state["view_up"])) < 1e-6
    # The render follows the MRML camera.
    assert engine.threed_view.renderer.GetActiveCamera().GetPosition() == pytest.approx(state["position"])


def test_opposite_directions_show_mirrored_views(a_ct_in_3d):
    engine = a_ct_in_3d
    for slice_view in engine.slice_views.values():
        slice_view.slice_node.SetSliceVisible(False)
    from trame_slicer_app.engine.volume_rendering.volume_rendering import show_volume_rendering

    show_volume_rendering(engine, engine.app_logic.GetSelectionNode().GetActiveVolumeID(), True)
    cp.set_camera_direction(engine, "L")
    left = engine.threed_view.capture().astype(int)
    cp.set_camera_direction(engine, "R")
    right = engine.threed_view.capture().astype(int)
    # The head seen from the left is (nearly) the mirror image of the head seen from the right.
    assert np.abs(left - right).mean() > np.abs(left - right[:, ::-1]).mean()


def test_reset_comes_back_to_slicer_default_view(a_ct_in_3d):
    engine = a_ct_in_3d
    first = cp.reset_camera(engine)
    assert first["focal_point"] == pytest.approx(volume_centre(engine), abs=1e-3)
    cp.set_camera_direction(engine, "S")
    again = cp.reset_camera(engine)
    for key in ("position", "focal_point", "view_up"):
        assert again[key] == pytest.approx(first[key], abs=1e-3)


@pytest.mark.parametrize("junk", ["X", "", None, 3, "anterior"])
def test_unknown_directions_are_refused(a_ct_in_3d, junk):
    before = cp.camera_state(a_ct_in_3d)
    with pytest.raises(cp.CameraPresetError):
        cp.set_camera_direction(a_ct_in_3d, junk)
    assert cp.camera_state(a_ct_in_3d) == before


@pytest.mark.parametrize("view_name", ["Red", "2", "", "Slice4", 7, ["1"]])
def test_a_view_that_is_no_3d_view_is_refused(a_ct_in_3d, view_name):
    """A desktop may have several 3D views (hosts/live_views.py): the functions take one by name, and refuse a
    name of a slice view, of no view, or no name at all, leaving the camera where it was."""
    before = cp.camera_state(a_ct_in_3d)
    for call in (lambda: cp.set_camera_direction(a_ct_in_3d, "S", view_name),
                 lambda: cp.reset_camera(a_ct_in_3d, view_name)):
        with pytest.raises(cp.CameraPresetError):
            call()
    assert cp.camera_state(a_ct_in_3d) == before
    assert cp.set_camera_direction(a_ct_in_3d, "S", "1") == cp.camera_state(a_ct_in_3d, "1")
