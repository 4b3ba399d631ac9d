"""Volume rendering of the real head CT in a real engine, checked on the rendered 3D view."""

from __future__ import annotations

import time

import numpy as np
import pytest

from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.views.view_input import apply_input_event
from trame_slicer_app.engine.volume_rendering import volume_rendering as vr
from trame_slicer_app.engine.volume_rendering.presets import VOLUME_RENDERING_PRESETS
from trame_slicer_app.engine.volume_rendering.quality import (
    MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE_PX,
    STEP_INTERACTION_S,
    STILL_IMAGE_SAMPLE_DISTANCE_PX,
    interactive_quality,
)

VIEW_SIZE_PX = (240, 200)  # CPU ray casting is slow: small views keep the tests fast


@pytest.fixture
def a_ct_in_3d(an_engine, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    show_volume(an_engine, node)
    view = an_engine.threed_view
    view.resize(*VIEW_SIZE_PX)
    # The slice planes would hide what the volume rendering adds.
    for slice_view in an_engine.slice_views.values():
        slice_view.slice_node.SetSliceVisible(False)
    return an_engine, node.GetID()


def opacity_points(engine, volume_id) -> list[float]:
    display = engine.volume_rendering_logic.GetFirstVolumeRenderingDisplayNode(engine.scene.GetNodeByID(volume_id))
    opacity = display.GetVolumePropertyNode().GetVolumeProperty().GetScalarOpacity()
    points = []
    for index in range(opacity.GetSize()):
        node = [0.0] * 4  # value, opacity, midpoint, sharpness
        opacity.GetNodeValue(index, node)
        points.append(node[0])
    return points


def changed_fraction(a: np.ndarray, b: np.ndarray, threshold: int = 30) -> float:
    return float((np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > threshold).mean())


def test_turning_volume_rendering_on_shows_the_skull(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    view = engine.threed_view
    before = view.capture()
    state = vr.show_volume_rendering(engine, volume_id, True)
    with_vr = view.capture()
    assert state["visible"] and state["preset"] == "CT-Bone" and state["method"] == "cpu"

    changed = np.abs(with_vr.astype(int) - before.astype(int)).sum(axis=2) > 30
    assert changed.mean() > 0.08  # the head fills a good part of the view
    # Bone is bright and warm (CT-Bone's colours): among the changed pixels, many are light.
    brightness = with_vr[changed].mean(axis=1)
    assert (brightness > 150).sum() > 0.1 * changed.sum()
    rows, cols = np.nonzero(changed)
    assert abs(rows.mean() - VIEW_SIZE_PX[1] / 2) < VIEW_SIZE_PX[1] * 0.25
    assert abs(cols.mean() - VIEW_SIZE_PX[0] / 2) < VIEW_SIZE_PX[0] * 0.25

    vr.show_volume_rendering(engine, volume_id, False)
    assert changed_fraction(view.capture(), before) < 0.01


def test_presets_change_the_transfer_functions_and_the_image(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    vr.show_volume_rendering(engine, volume_id, True)
    images = {}
    for name in ("CT-Bone", "CT-Soft-Tissue", "CT-Muscle"):
        assert vr.set_vr_preset(engine, volume_id, name)["preset"] == name
        preset_points = [value for value, _alpha in VOLUME_RENDERING_PRESETS[name].scalar_opacity]
        assert opacity_points(engine, volume_id) == pytest.approx(preset_points)
        images[name] = engine.threed_view.capture()
    assert changed_fraction(images["CT-Bone"], images["CT-Soft-Tissue"]) > 0.05
    assert changed_fraction(images["CT-Bone"], images["CT-Muscle"]) > 0.02


def test_shift_moves_the_opacity_points_and_keeps_the_preset(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    vr.set_vr_preset(engine, volume_id, "CT-Bone")
    vr.show_volume_rendering(engine, volume_id, True)
    before = engine.threed_view.capture()
    state = vr.set_vr_shift(engine, volume_id, 400.0)
    assert state["shift"] == 400.0 and state["preset"] == "CT-Bone"
    preset_points = [value for value, _alpha in VOLUME_RENDERING_PRESETS["CT-Bone"].scalar_opacity]
    assert opacity_points(engine, volume_id) == pytest.approx([value + 400.0 for value in preset_points])
    # Less tissue passes the threshold: the rendering changes.
    assert changed_fraction(before, engine.threed_view.capture()) > 0.02
    # A new preset keeps the shift; out-of-range shifts are clamped, junk is refused.
    assert vr.set_vr_preset(engine, volume_id, "CT-Muscle")["shift"] == 400.0
    _low, high = state["shift_range"]
    assert vr.set_vr_shift(engine, volume_id, 1e9)["shift"] == high
    for junk in (float("nan"), "100", None, True):
        with pytest.raises(vr.VolumeRenderingError):
            vr.set_vr_shift(engine, volume_id, junk)
    assert vr.volume_rendering_state(engine, volume_id)["shift"] == high


def test_cropping_to_a_smaller_box_changes_the_image(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    vr.show_volume_rendering(engine, volume_id, True)
    uncropped = engine.threed_view.capture()
    assert vr.set_vr_crop(engine, volume_id, True)["crop"] is True
    roi = engine.scene.GetNodeByID(vr.crop_roi_id(engine, volume_id))
    roi.GetDisplayNode().SetVisibility(False)  # compare the volume only, not the box's handles
    width, depth, height = roi.GetSize()
    roi.SetSize(width, depth, height / 3)
    cropped = engine.threed_view.capture()
    assert changed_fraction(uncropped, cropped) > 0.03
    assert vr.set_vr_crop(engine, volume_id, False)["crop"] is False
    assert changed_fraction(uncropped, engine.threed_view.capture()) < 0.01


def test_cpu_ray_casting_is_chosen_on_a_software_renderer(an_engine):
    renderer = vr.opengl_renderer(an_engine.threed_view.render_window)
    assert renderer  # the capabilities report names the renderer
    expected = "cpu" if any(name in renderer.lower() for name in vr.SOFTWARE_RENDERERS) else "gpu"
    assert vr.rendering_method(an_engine) == expected


def test_the_display_node_class_fits_the_machine(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    vr.show_volume_rendering(engine, volume_id, True)
    display = engine.volume_rendering_logic.GetFirstVolumeRenderingDisplayNode(engine.scene.GetNodeByID(volume_id))
    assert display.GetClassName() == vr.DISPLAY_NODE_CLASSES[vr.rendering_method(engine)]


def test_hostile_requests_get_a_message_and_change_nothing(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    vr.show_volume_rendering(engine, volume_id, True)
    before = vr.volume_rendering_state(engine, volume_id)
    for call in (
        lambda: vr.show_volume_rendering(engine, "vtkMRMLScalarVolumeNode999", True),
        lambda: vr.show_volume_rendering(engine, volume_id, "yes"),
        lambda: vr.set_vr_preset(engine, volume_id, "CT-Everything"),
        lambda: vr.set_vr_preset(engine, {"id": 1}, "CT-Bone"),
        lambda: vr.set_vr_crop(engine, volume_id, 1),
        lambda: vr.set_vr_preset(engine, engine.threed_view.view_node.GetID(), "CT-Bone"),
    ):
        with pytest.raises(vr.VolumeRenderingError):
            call()
    assert vr.volume_rendering_state(engine, volume_id) == before


def test_a_drag_renders_with_fewer_rays_and_release_restores_full_quality(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    view = engine.threed_view
    view.resize(480, 400)
    vr.show_volume_rendering(engine, volume_id, True)
    controller = interactive_quality(view)
    still = view.capture()
    assert controller.image_sample_distance_px == STILL_IMAGE_SAMPLE_DISTANCE_PX
    width, height = view.size
    apply_input_event(view, {"type": "move", "x": width // 2, "y": height // 2})
    apply_input_event(view, {"type": "press", "button": 0, "x": width // 2, "y": height // 2})
    for step in range(1, 4):
        apply_input_event(view, {"type": "move", "x": width // 2 + 5 * step, "y": height // 2})
        view.capture()
        assert controller.last_frame_interactive
        assert controller.image_sample_distance_px > STILL_IMAGE_SAMPLE_DISTANCE_PX
        assert controller.image_sample_distance_px <= MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE_PX
    apply_input_event(view, {"type": "release", "button": 0, "x": width // 2 + 15, "y": height // 2})
    after = view.capture()
    assert not controller.last_frame_interactive
    assert controller.image_sample_distance_px == STILL_IMAGE_SAMPLE_DISTANCE_PX
    assert changed_fraction(still, after) > 0.01  # the camera did turn


def test_set_interacting_lowers_quality_until_it_is_switched_off(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    vr.show_volume_rendering(engine, volume_id, True)
    controller = interactive_quality(engine.threed_view)
    engine.threed_view.capture()
    vr.set_interacting(engine, True)
    engine.threed_view.capture()
    assert controller.last_frame_interactive
    vr.set_interacting(engine, False)
    assert engine.threed_view.dirty  # a full-quality frame is owed
    engine.threed_view.capture()
    assert not controller.last_frame_interactive


def test_a_wheel_step_renders_interactively_and_the_next_still_frame_is_full_quality(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    view = engine.threed_view
    vr.show_volume_rendering(engine, volume_id, True)
    controller = interactive_quality(view)
    view.capture()
    camera = view.renderer.GetActiveCamera()
    distance = camera.GetDistance()
    apply_input_event(view, {"type": "wheel", "steps": 2, "x": 100, "y": 100})
    view.capture()
    assert controller.last_frame_interactive
    assert camera.GetDistance() < distance  # the wheel zoomed in
    time.sleep(STEP_INTERACTION_S + 0.01)  # the streamer's still frame comes later still
    view.capture()
    assert not controller.last_frame_interactive
    assert controller.image_sample_distance_px == STILL_IMAGE_SAMPLE_DISTANCE_PX


def test_an_mri_gets_the_mr_preset_and_shows(an_engine, an_mri_path):
    node = load_volume(an_engine, an_mri_path)
    show_volume(an_engine, node)
    view = an_engine.threed_view
    view.resize(*VIEW_SIZE_PX)
    for slice_view in an_engine.slice_views.values():
        slice_view.slice_node.SetSliceVisible(False)
    before = view.capture()
    state = vr.show_volume_rendering(an_engine, node.GetID(), True)
    assert state["preset"] == "MR-Default"
    assert changed_fraction(before, view.capture()) > 0.05


def test_a_drag_in_a_slice_view_lowers_3d_quality_until_release(a_ct_in_3d):
    engine, volume_id = a_ct_in_3d
    view = engine.threed_view
    vr.show_volume_rendering(engine, volume_id, True)
    controller = interactive_quality(view)
    view.capture()
    red = engine.slice_views["Red"]
    width, height = red.size
    apply_input_event(red, {"type": "move", "x": width // 2, "y": height // 2})
    apply_input_event(red, {"type": "press", "button": 0, "x": width // 2, "y": height // 2})
    apply_input_event(red, {"type": "move", "x": width // 2 + 20, "y": height // 2})
    view.capture()
    assert controller.last_frame_interactive
    view.dirty = False
    apply_input_event(red, {"type": "release", "button": 0, "x": width // 2 + 20, "y": height // 2})
    assert view.dirty  # the 3D view owes a full-quality frame
    view.capture()
    assert not controller.last_frame_interactive


def test_a_frame_the_streamer_calls_interactive_is_cheap_and_a_linked_budget_makes_it_cheapest(a_ct_in_3d):
    """A wheel step in Red moves Red's plane in 3D with no input of the 3D view's own: the
    streamer's word (set_still) is what makes that frame interactive, and a linked frame's small
    budget sends the ray spacing to its coarsest."""
    engine, volume_id = a_ct_in_3d
    view = engine.threed_view
    view.resize(480, 400)
    vr.show_volume_rendering(engine, volume_id, True)
    controller = interactive_quality(view)
    view.capture()
    view.set_still(False)
    view.capture()
    focused_distance = controller.image_sample_distance_px
    assert controller.last_frame_interactive and focused_distance > STILL_IMAGE_SAMPLE_DISTANCE_PX
    view.set_frame_budget(0.001)
    view.request_render()
    view.capture()
    assert controller.image_sample_distance_px == MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE_PX
    view.set_frame_budget(None)
    view.set_still(True)
    view.capture()
    assert not controller.last_frame_interactive
    assert controller.image_sample_distance_px == STILL_IMAGE_SAMPLE_DISTANCE_PX
