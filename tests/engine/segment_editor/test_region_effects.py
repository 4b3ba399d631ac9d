"""Islands, logical operators and mask volume on the real CT, against scipy and numpy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from trame_slicer_app.engine.segment_editor.effects import islands, logical, mask_volume
from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError
from trame_slicer_app.engine.segment_editor.voxel_grid import image_array

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)


REGION = (slice(40, 70), slice(0, 256), slice(0, 256))


@pytest.fixture
def bone(segments, ct_voxels) -> np.ndarray:
    """Bone (>= 700 HU) in a slab of the head: many islands (skull, face bones, noise)."""
    mask = np.zeros(ct_voxels.shape, bool)
    mask[REGION] = ct_voxels[REGION] >= 700
    segments.add_segment("bone")
    segments.apply_modifier(mask, "add")
    return mask


def components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy's face-connected components and their sizes (index 0: background)."""
    labels, _count = ndimage.label(mask)
    return labels, np.bincount(labels.ravel())


def test_keep_largest_island(segments, bone):
    labels, sizes = components(bone)
    islands.apply(segments.editor, "keep_largest")
    assert np.array_equal(segments.segment_array(), labels == np.argmax(sizes[1:]) + 1)


def test_remove_small_islands(segments, bone):
    labels, sizes = components(bone)
    islands.apply(segments.editor, "remove_small", minimum_size=50)
    keep = np.nonzero(sizes >= 50)[0]
    keep = keep[keep > 0]
    assert np.array_equal(segments.segment_array(), np.isin(labels, keep))


def test_split_islands_into_segments_is_one_step(segments, bone, an_undo):
    _labels, sizes = components(bone)
    islands.apply(segments.editor, "split", minimum_size=200)
    big = sorted(sizes[1:][sizes[1:] >= 200], reverse=True)
    rows = segments.state()["segments"]
    assert len(rows) == len(big)
    assert [int(segments.segment_array(r["id"]).sum()) for r in rows] == [int(s) for s in big]
    an_undo.undo()
    assert len(segments.state()["segments"]) == 1
    assert np.array_equal(segments.segment_array(), bone)


def test_keep_and_remove_the_clicked_island(segments, bone, an_undo):
    labels, sizes = components(bone)
    second = int(np.argsort(sizes[1:])[-2]) + 1
    point = tuple(int(a[0]) for a in np.nonzero(labels == second))
    islands.apply(segments.editor, "keep_selected", point_zyx=point)
    assert np.array_equal(segments.segment_array(), labels == second)
    an_undo.undo()
    islands.apply(segments.editor, "remove_selected", point_zyx=point)
    assert np.array_equal(segments.segment_array(), bone & (labels != second))


def test_a_click_outside_the_segment_is_refused(segments, bone):
    with pytest.raises(SegmentEditorError, match="not in the segment"):
        islands.apply(segments.editor, "keep_selected", point_zyx=(0, 0, 0))
    with pytest.raises(SegmentEditorError, match="outside the volume"):
        islands.apply(segments.editor, "keep_selected", point_zyx=(500, 0, 0))


@pytest.mark.parametrize("operation", logical.OPERATIONS)
def test_logical_operators(segments, bone, ct_voxels, operation):
    bone_id = segments.state()["active_segment_id"]
    soft = np.zeros(ct_voxels.shape, bool)
    soft[45:65, 80:180, 80:180] = ct_voxels[45:65, 80:180, 80:180] >= 0
    segments.set_overwrite("none")  # the two overlap: intersect has something to find
    other = segments.add_segment("other")
    segments.apply_modifier(soft, "add")
    segments.set_active_segment(bone_id)
    expected = {"copy": soft, "add": bone | soft, "subtract": bone & ~soft, "intersect": bone & soft,
                "invert": ~bone, "clear": np.zeros_like(bone), "fill": np.ones_like(bone)}[operation]
    logical.apply(segments.editor, operation, other if operation in logical.NEEDS_OTHER else None)
    assert np.array_equal(segments.segment_array(bone_id), expected)


def test_logical_needs_its_second_segment(segments, bone):
    with pytest.raises(SegmentEditorError, match="second segment"):
        logical.apply(segments.editor, "add")


@pytest.mark.parametrize("mode", mask_volume.MODES)
def test_mask_volume(segments, bone, ct_voxels, an_engine, an_undo, mode):
    node_id = mask_volume.apply(segments.editor, mode, fill_value=-1000, inside_value=100)
    result = image_array(an_engine.scene.GetNodeByID(node_id).GetImageData())
    expected = ct_voxels.copy()
    if mode == "inside":
        expected[bone] = -1000
    elif mode == "outside":
        expected[~bone] = -1000
    else:
        expected[bone] = 100
        expected[~bone] = -1000
    assert np.array_equal(result, expected)
    assert np.array_equal(segments.editor.source_array(), ct_voxels)  # the source is untouched
    an_undo.undo()
    assert an_engine.scene.GetNodeByID(node_id) is None


def test_mask_volume_value_must_fit_the_voxel_type(segments, bone):
    with pytest.raises(SegmentEditorError, match="does not fit"):
        mask_volume.apply(segments.editor, "outside", fill_value=1e9)
