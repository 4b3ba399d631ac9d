"""Scissors and Paint in the 3D view, and Smoothing's brush, on the real CT through the views' input path.

The 3D cut is checked against a pinhole camera computed here with numpy from the camera's position, focal
point, view up and angle (not VTK's projection matrices, which the effect uses); the 3D dab against the
segment's own voxels along the clicked ray; the smoothing brush against scipy's median filter.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import ndimage

from trame_slicer_app.engine.segment_editor.effect_interaction import SMOOTHING_BRUSH, EffectInteraction
from trame_slicer_app.engine.segment_editor.effects import smoothing
from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError
from trame_slicer_app.engine.segment_editor.scissors_effect import ScissorsSettings
from trame_slicer_app.engine.views.view_input import apply_input_event

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)

VIEW_PX = (400, 300)  # not square: the aspect ratio must be honoured


@pytest.fixture
def editing(an_engine, segments):
    """(segments, effects, view, send): the Segment Editor's interactive effects on the 3D view."""
    effects = EffectInteraction(segments.editor, an_engine.interaction_modes)
    view = an_engine.threed_view
    view.resize(*VIEW_PX)
    modes = an_engine.interaction_modes

    def send(kind, x, y, **extra):
        event = {"type": kind, "x": x, "y": y, **extra}
        if not modes.route(view, event):
            apply_input_event(view, event)

    return segments, effects, view, send


def voxel_centres(segments) -> np.ndarray:
    """RAS of every voxel centre (z, y, x, 3), from the volume's IJK-to-RAS matrix."""
    matrix = np.array(segments.geometry()["ijk_to_ras"]).reshape(4, 4)
    nz, ny, nx = segments.segment_array().shape
    kk, jj, ii = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    ijk = np.stack([ii, jj, kk], axis=-1).astype(float)
    return ijk @ matrix[:3, :3].T + matrix[:3, 3]


def aim(view, position, focal_point, view_up, parallel=False, scale=100.0, angle=30.0, clip=None):
    camera = view.renderer.GetActiveCamera()
    camera.SetPosition(*position)
    camera.SetFocalPoint(*focal_point)
    camera.SetViewUp(*view_up)
    camera.SetViewAngle(angle)
    camera.SetParallelProjection(parallel)
    camera.SetParallelScale(scale)
    camera.OrthogonalizeViewUp()
    if clip is None:
        view.renderer.ResetCameraClippingRange()
    else:
        camera.SetClippingRange(*clip)
    return camera


def pinhole_pixels(camera, centres, size) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y from the bottom left in pixels, depth along the view direction) of RAS points."""
    eye = np.array(camera.GetPosition())
    forward = np.array(camera.GetFocalPoint()) - eye
    forward /= np.linalg.norm(forward)
    up = np.array(camera.GetViewUp())
    up -= (up @ forward) * forward
    up /= np.linalg.norm(up)
    right = np.cross(forward, up)
    offsets = centres - eye
    depth, across, upward = offsets @ forward, offsets @ right, offsets @ up
    width, height = size
    if camera.GetParallelProjection():
        half_height = np.full(depth.shape, camera.GetParallelScale())
    else:
        half_height = depth * math.tan(math.radians(camera.GetViewAngle()) / 2)
    half_width = half_height * width / height
    return (across / half_width + 1) / 2 * width, (upward / half_height + 1) / 2 * height, depth


def expected_cut(camera, centres, size, corner_a, corner_b, slack_px):
    """The voxels whose centre projects into the client-pixel rectangle (grown by ``slack_px``) and lies
    within the clipping range."""
    x, y_up, depth = pinhole_pixels(camera, centres, size)
    y = size[1] - y_up  # client pixels count from the top
    (x0, x1), (y0, y1) = sorted((corner_a[0], corner_b[0])), sorted((corner_a[1], corner_b[1]))
    near, far = camera.GetClippingRange()
    return ((x >= x0 - slack_px) & (x <= x1 + slack_px) & (y >= y0 - slack_px) & (y <= y1 + slack_px)
            & (depth >= near) & (depth <= far))


def drag(send, points):
    send("press", *points[0], button=0)
    for point in points[1:]:
        send("move", *point)
    send("release", *points[-1], button=0)


@pytest.fixture
def filled_segment(segments):
    segments.add_segment("all")
    segments.apply_modifier(np.ones(segments.segment_array().shape, bool), "add")
    return segments.segment_array().copy()


@pytest.mark.parametrize("parallel", [False, True], ids=["perspective", "parallel"])
def test_a_3d_rectangle_cut_removes_the_voxels_projected_inside_it(editing, filled_segment, an_undo, parallel):
    segments, effects, view, send = editing
    centres = voxel_centres(segments)
    centre = centres.reshape(-1, 3).mean(axis=0)
    camera = aim(view, centre + np.array([300.0, -500.0, 200.0]), centre, (0, 0, 1), parallel=parallel)
    effects.scissors.settings = ScissorsSettings(shape="rectangle", operation="erase_inside")
    effects.activate("scissors")
    corner_a, corner_b = (150, 100), (260, 210)
    drag(send, [corner_a, (200, 150), corner_b])
    after = segments.segment_array()
    cut = filled_segment & ~after
    surely = expected_cut(camera, centres, VIEW_PX, corner_a, corner_b, slack_px=-1.0)
    at_most = expected_cut(camera, centres, VIEW_PX, corner_a, corner_b, slack_px=1.0)
    assert surely.sum() > 10000  # a real cut through the head
    assert (cut >= surely).all() and (cut <= at_most).all()
    assert (after == filled_segment & ~cut).all()  # nothing else changed
    an_undo.undo()
    assert np.array_equal(segments.segment_array(), filled_segment)  # the exact voxels back


def test_a_3d_cut_stays_within_the_cameras_clipping_range(editing, filled_segment):
    segments, effects, view, send = editing
    centres = voxel_centres(segments)
    centre = centres.reshape(-1, 3).mean(axis=0)
    eye = centre + np.array([0.0, -400.0, 0.0])
    camera = aim(view, eye, centre, (0, 0, 1), clip=(390.0, 410.0))  # a 20 mm slab around the centre
    effects.scissors.settings = ScissorsSettings(shape="circle", operation="erase_inside")
    effects.activate("scissors")
    drag(send, [(200, 150), (230, 150), (260, 150)])
    cut = filled_segment & ~segments.segment_array()
    _x, _y, depth = pinhole_pixels(camera, centres, VIEW_PX)
    assert cut.any()
    assert depth[cut].min() >= 390.0 - 1e-6 and depth[cut].max() <= 410.0 + 1e-6
    x, y_up, _depth = pinhole_pixels(camera, centres, VIEW_PX)
    radius = np.hypot(x[cut] - 200, (VIEW_PX[1] - y_up[cut]) - 150)
    assert radius.max() <= 61.0  # the circle dragged out to 60 px (a 36-gon inside it)


def test_a_3d_erase_outside_keeps_only_the_extruded_shape(editing, filled_segment):
    segments, effects, view, send = editing
    centres = voxel_centres(segments)
    centre = centres.reshape(-1, 3).mean(axis=0)
    camera = aim(view, centre + np.array([0.0, 0.0, 600.0]), centre, (0, 1, 0), parallel=True, scale=150)
    effects.scissors.settings = ScissorsSettings(shape="rectangle", operation="erase_outside")
    effects.activate("scissors")
    drag(send, [(180, 120), (220, 180)])
    kept = segments.segment_array()
    assert (kept <= expected_cut(camera, centres, VIEW_PX, (180, 120), (220, 180), 1.0)).all()
    assert (kept >= expected_cut(camera, centres, VIEW_PX, (180, 120), (220, 180), -1.0)).all()


@pytest.fixture
def bone_in_3d(segments, ct_voxels):
    """The skull (>= 300 HU) as a segment shown in 3D as a closed surface."""
    mask = ct_voxels >= 300
    segments.add_segment("bone")
    segments.apply_modifier(mask, "add")
    segments.show_3d(True, 0.0)
    segments.editor.surfaces.flush()
    return mask


def test_a_3d_dab_paints_a_sphere_on_the_surface_under_the_pointer(editing, bone_in_3d, an_undo):
    segments, effects, view, send = editing
    centres = voxel_centres(segments)
    centre = centres.reshape(-1, 3).mean(axis=0)
    camera = aim(view, centre + np.array([0.0, 600.0, 0.0]), centre, (0, 0, 1))  # from the front
    view.render()
    segments.add_segment("dab")
    effects.brush.settings.diameter_mm = 10.0
    effects.activate("paint")
    send("press", 200, 150, button=0)
    send("release", 200, 150, button=0)
    dab = segments.segment_array()
    assert dab.any()
    spacing = np.array(segments.geometry()["spacing_xyz"])
    volume_mm3 = dab.sum() * spacing.prod()
    assert 0.7 * (4 / 3 * math.pi * 5**3) < volume_mm3 < 1.3 * (4 / 3 * math.pi * 5**3)
    dab_centre = centres[dab].mean(axis=0)
    # Under the pointer: the dab's centre projects onto the pixel pressed.
    x, y_up, depth = pinhole_pixels(camera, dab_centre[None], VIEW_PX)
    assert abs(x[0] - 200) < 3 and abs((VIEW_PX[1] - y_up[0]) - 150) < 3
    # On the surface: bone inside the sphere, and no bone in front of it along that ray.
    assert (bone_in_3d & dab).any() and (~bone_in_3d & dab).any()
    bx, by_up, bdepth = pinhole_pixels(camera, centres[bone_in_3d], VIEW_PX)
    on_ray = (np.abs(bx - 200) < 1) & (np.abs((VIEW_PX[1] - by_up) - 150) < 1)
    assert on_ray.any() and bdepth[on_ray].min() > depth[0] - 5.0 - 2.0
    an_undo.undo()
    assert not segments.segment_array().any()


def test_a_3d_press_on_nothing_rotates_the_view_and_paints_nothing(editing, bone_in_3d):
    segments, effects, view, send = editing
    centre = voxel_centres(segments).reshape(-1, 3).mean(axis=0)
    camera = aim(view, centre + np.array([0.0, 600.0, 0.0]), centre, (0, 0, 1))
    view.render()
    segments.add_segment("dab")
    effects.activate("paint")
    before = np.array(camera.GetPosition())
    drag(send, [(5, 5), (60, 5), (120, 5)])  # a corner of the view: no surface there
    assert not segments.segment_array().any()
    assert not np.allclose(camera.GetPosition(), before)  # Slicer's 3D interaction had the drag


REGION = (slice(40, 70), slice(60, 200), slice(60, 200))


@pytest.fixture
def bone(segments, ct_voxels) -> np.ndarray:
    mask = np.zeros(ct_voxels.shape, bool)
    mask[REGION] = ct_voxels[REGION] >= 300
    segments.add_segment("bone")
    segments.apply_modifier(mask, "add")
    return mask


def test_the_smoothing_brush_smooths_inside_the_stroke_only(segments, bone, an_undo):
    region = np.zeros(bone.shape, bool)
    region[45:55, 160:200, 80:120] = True  # a stroke over the skull (median changes there)
    smoothing.apply_in_region(segments.editor, "median", 3.0, region)
    after = segments.segment_array()
    assert np.array_equal(after[~region], bone[~region])  # nothing outside the brush changed
    kernel = smoothing.kernel_voxels(3.0, segments.geometry()["spacing_xyz"])
    expected = ndimage.median_filter(bone.astype(np.uint8), size=tuple(reversed(kernel))) > 0
    assert np.array_equal(after[region], expected[region])  # inside: the whole segment's median
    assert (after != bone).any()
    an_undo.undo()
    assert np.array_equal(segments.segment_array(), bone)


def test_a_smoothing_brush_stroke_in_the_3d_view_changes_only_its_sphere(editing, bone, an_undo):
    segments, effects, view, send = editing
    segments.show_3d(True, 0.0)
    segments.editor.surfaces.flush()
    centres = voxel_centres(segments)
    centre = centres[REGION].reshape(-1, 3).mean(axis=0)
    camera = aim(view, centre + np.array([0.0, 0.0, 500.0]), centre, (0, 1, 0))  # from above
    view.render()
    # Aim at the skull: a bone voxel of the top slice of the region, where the pinhole puts it.
    top = REGION[0].stop - 1
    j, i = np.argwhere(bone[top])[len(np.argwhere(bone[top])) // 2]
    x, y_up, _depth = pinhole_pixels(camera, centres[top, j, i][None], VIEW_PX)
    x, y = round(float(x[0])), round(float(VIEW_PX[1] - y_up[0]))
    effects.brush.settings.diameter_mm = 20.0
    effects.smoothing_brush.smoothing.method = "median"
    effects.smoothing_brush.smoothing.kernel_mm = 5.0
    effects.use_smoothing_brush(True)
    assert effects.active == SMOOTHING_BRUSH
    strokes = []  # the stroke masks the brush hands to the smoothing, recorded on their way
    smooth_region = effects.smoothing_brush._smooth_region
    effects.smoothing_brush._smooth_region = lambda mask, settings: (strokes.append(mask.copy()),
                                                                     smooth_region(mask, settings))
    drag(send, [(x, y), (x + 3, y), (x + 6, y)])
    after = segments.segment_array()
    changed = after != bone
    assert len(strokes) == 1 and effects.target.last_message == ""
    assert changed.any()
    assert (changed <= strokes[0]).all()  # nothing outside the stroke changed
    an_undo.undo()
    assert np.array_equal(segments.segment_array(), bone)
    effects.use_smoothing_brush(False)
    assert effects.active is None


def test_joint_smoothing_is_refused_as_a_brush(segments, bone):
    with pytest.raises(SegmentEditorError, match="joint"):
        smoothing.apply_in_region(segments.editor, "joint", 3.0, np.ones(bone.shape, bool))
    assert np.array_equal(segments.segment_array(), bone)


def test_the_locator_pick_lands_where_a_bare_cell_picker_does(editing, bone_in_3d):
    """The 3D brush picks through cell locators (0.2 ms instead of 80 ms a pick here): same points."""
    from vtkmodules.vtkRenderingCore import vtkCellPicker

    from trame_slicer_app.engine.segment_editor.surface_pick import PICK_TOLERANCE, SurfacePicker

    segments, _effects, view, _send = editing
    centre = voxel_centres(segments).reshape(-1, 3).mean(axis=0)
    camera = aim(view, centre + np.array([400.0, 400.0, 200.0]), centre, (0, 0, 1))
    view.render()
    picker = SurfacePicker(view)
    hits = 0
    for x, y in [(200, 150), (170, 120), (240, 170), (120, 200), (5, 5)]:
        ours = picker.pick({"x": x, "y": y})
        bare = vtkCellPicker()
        bare.SetTolerance(PICK_TOLERANCE)
        dx, dy = view.client_to_display(x, y)
        if not bare.Pick(dx, dy, 0.0, view.renderer):
            assert ours is None
            continue
        positions = bare.GetPickedPositions()
        points = np.array([positions.GetPoint(i) for i in range(positions.GetNumberOfPoints())])
        nearest = points[np.argmin(np.linalg.norm(points - np.array(camera.GetPosition()), axis=1))]
        assert ours is not None and np.linalg.norm(ours - nearest) < 1.5  # within a voxel or so
        hits += 1
    assert hits >= 3


def test_a_3d_erase_dab_takes_a_ball_out_of_the_skull_under_the_pointer(editing, bone_in_3d, an_undo):
    segments, effects, view, send = editing
    centres = voxel_centres(segments)
    centre = centres.reshape(-1, 3).mean(axis=0)
    aim(view, centre + np.array([0.0, 600.0, 0.0]), centre, (0, 0, 1))
    view.render()
    effects.brush.settings.diameter_mm = 10.0
    effects.activate("erase")
    send("press", 200, 150, button=0)
    send("release", 200, 150, button=0)
    after = segments.segment_array()
    gone = bone_in_3d & ~after
    assert gone.any() and (after <= bone_in_3d).all()
    assert np.linalg.norm(centres[gone] - centres[gone].mean(axis=0), axis=1).max() <= 5.0 + 1.0
    an_undo.undo()
    assert np.array_equal(segments.segment_array(), bone_in_3d)


def test_the_smoothing_brush_in_a_slice_view_changes_only_its_stroke(an_engine, segments, bone, an_undo):
    from trame_slicer_app.engine.segment_editor.slice_geometry import ras_to_xy

    effects = EffectInteraction(segments.editor, an_engine.interaction_modes)
    view = an_engine.slice_views["Red"]
    view.resize(320, 320)
    modes = an_engine.interaction_modes
    # Show the slice k = 50 of the region; aim the stroke at one of its bone voxels.
    centres = voxel_centres(segments)
    view.slice_node.JumpSliceByOffsetting(*centres[50, 128, 128])
    j, i = np.argwhere(bone[50])[len(np.argwhere(bone[50])) // 3]
    x, y = ras_to_xy(view, centres[50, j, i])
    client = (x, view.size[1] - 1 - y)
    effects.brush.settings.diameter_mm = 15.0
    effects.smoothing_brush.smoothing.method = "median"
    effects.smoothing_brush.smoothing.kernel_mm = 5.0
    effects.use_smoothing_brush(True)
    strokes = []
    smooth_region = effects.smoothing_brush._smooth_region
    effects.smoothing_brush._smooth_region = lambda mask, settings: (strokes.append(mask.copy()),
                                                                     smooth_region(mask, settings))
    for kind, dx in (("press", 0), ("move", 4), ("move", 8), ("release", 8)):
        event = {"type": kind, "x": client[0] + dx, "y": client[1], "button": 0}
        if not modes.route(view, event):
            apply_input_event(view, event)
    after = segments.segment_array()
    assert len(strokes) == 1 and len(np.unique(np.nonzero(strokes[0])[0])) == 1  # a circle brush: one slice
    changed = after != bone
    assert changed.any() and (changed <= strokes[0]).all()
    an_undo.undo()
    assert np.array_equal(segments.segment_array(), bone)
