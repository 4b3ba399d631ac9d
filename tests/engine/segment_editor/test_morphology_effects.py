"""Margin, hollow and smoothing on a thresholded piece of the real CT, against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from trame_slicer_app.engine.segment_editor.effects import hollow, margin, smoothing
from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)


REGION = (slice(40, 70), slice(60, 200), slice(60, 200))


@pytest.fixture
def bone(segments, ct_voxels) -> np.ndarray:
    """A segment of the bone (>= 300 HU) inside a region of the head."""
    mask = np.zeros(ct_voxels.shape, bool)
    mask[REGION] = ct_voxels[REGION] >= 300
    segments.add_segment("bone")
    segments.apply_modifier(mask, "add")
    return mask


def sampling(segments) -> tuple[float, float, float]:
    return tuple(reversed(segments.geometry()["spacing_xyz"]))


def test_margin_plus_2mm_is_a_distance_map_dilation(segments, bone):
    margin.apply(segments.editor, 2.0)
    expected = ndimage.distance_transform_edt(~bone, sampling=sampling(segments)) <= 2.0
    assert np.array_equal(segments.segment_array(), expected)


def test_margin_minus_2mm_is_a_distance_map_erosion(segments, bone):
    margin.apply(segments.editor, -2.0)
    expected = ndimage.distance_transform_edt(bone, sampling=sampling(segments)) > 2.0
    assert np.array_equal(segments.segment_array(), expected)


def test_margin_undo_restores_the_exact_voxels(segments, bone, an_undo):
    margin.apply(segments.editor, 3.0)
    an_undo.undo()
    assert np.array_equal(segments.segment_array(), bone)


@pytest.mark.parametrize("value, message", [(500.0, "over the limit"), (0, "non-zero"), ("2", "number of mm")])
def test_bad_margins_are_refused_and_nothing_is_lost(segments, bone, value, message):
    with pytest.raises(SegmentEditorError, match=message):
        margin.apply(segments.editor, value)
    assert np.array_equal(segments.segment_array(), bone)


def test_margin_on_an_empty_segment_is_refused(segments):
    segments.add_segment("empty")
    with pytest.raises(SegmentEditorError, match="is empty"):
        margin.apply(segments.editor, 2.0)


def test_hollow_inside_surface_is_a_shell_around_the_segment(segments, bone):
    hollow.apply(segments.editor, 3.0, "inside")
    distance = ndimage.distance_transform_edt(~bone, sampling=sampling(segments))
    voxel = min(segments.geometry()["spacing_xyz"])
    expected = (distance > 0) & (distance <= 3.0 + 0.1 * voxel)
    assert np.array_equal(segments.segment_array(), expected)


def test_hollow_outside_surface_stays_inside_the_segment(segments, bone):
    hollow.apply(segments.editor, 3.0, "outside")
    result = segments.segment_array()
    assert result.any() and not (result & ~bone).any()


def test_median_against_scipy(segments, bone):
    smoothing.apply(segments.editor, "median", 3.0)
    kernel = smoothing.kernel_voxels(3.0, segments.geometry()["spacing_xyz"])
    expected = ndimage.median_filter(bone.astype(np.uint8), size=tuple(reversed(kernel))) > 0
    inner = tuple(slice(k, -k) for k in reversed(kernel))  # the borders are padded differently
    assert np.array_equal(segments.segment_array()[inner], expected[inner])


def test_closing_fills_and_opening_removes(segments, bone, an_undo):
    smoothing.apply(segments.editor, "closing", 3.0)
    closed = segments.segment_array()
    assert (closed >= bone).all() and closed.sum() > bone.sum()
    an_undo.undo()
    smoothing.apply(segments.editor, "opening", 3.0)
    opened = segments.segment_array()
    assert (opened <= bone).all() and opened.sum() < bone.sum()


def test_gaussian_keeps_the_shape(segments, bone):
    smoothing.apply(segments.editor, "gaussian", 2.0)
    result = segments.segment_array()
    dice = 2 * (result & bone).sum() / (result.sum() + bone.sum())
    assert 0.8 < dice < 1.0


def test_joint_smoothing_is_one_step_and_leaves_no_overlap(segments, bone, ct_voxels, an_undo):
    soft = np.zeros(ct_voxels.shape, bool)
    soft[REGION] = (ct_voxels[REGION] > 0) & (ct_voxels[REGION] < 100)
    other = segments.add_segment("soft")
    segments.apply_modifier(soft, "add")
    smoothing.apply(segments.editor, "joint", 2.0)
    first = segments.segment_array(segments.state()["segments"][0]["id"])
    assert not (first & segments.segment_array(other)).any()
    an_undo.undo()
    assert np.array_equal(segments.segment_array(other), soft)


@pytest.mark.parametrize("method, kernel, message", [("median", 31.0, "over the limit"), ("blur", 2.0, "method"),
                                                     ("gaussian", -1.0, "more than 0")])
def test_bad_smoothing_is_refused(segments, bone, method, kernel, message):
    with pytest.raises(SegmentEditorError, match=message):
        smoothing.apply(segments.editor, method, kernel)
    assert np.array_equal(segments.segment_array(), bone)


def test_hollow_medial_surface_straddles_the_surface(segments, bone):
    hollow.apply(segments.editor, 4.0, "medial")
    result = segments.segment_array()
    assert (result & bone).any() and (result & ~bone).any()
    outside = ndimage.distance_transform_edt(~bone, sampling=sampling(segments))
    assert outside[result].max() <= 2.0  # half the thickness outside
