"""Grow from seeds and fill between slices on the real CT."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.segment_editor.effects.fill_between_slices import FillBetweenSlices
from trame_slicer_app.engine.segment_editor.effects.grow_from_seeds import GrowFromSeeds
from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)


SEEDED_SLICES = list(range(45, 81, 3))
SLAB = slice(45, 79)


@pytest.fixture
def seeded(segments, ct_voxels) -> tuple[str, str]:
    """Seeds in the brain (soft tissue in the middle of the head) and in the bone (>= 700 HU),
    drawn on every third slice of a slab."""
    brain = segments.add_segment("brain")
    mask = np.zeros(ct_voxels.shape, bool)
    for z in SEEDED_SLICES:
        mask[z, 90:130, 100:160] = (ct_voxels[z, 90:130, 100:160] > 0) & (ct_voxels[z, 90:130, 100:160] < 100)
    segments.apply_modifier(mask, "add")
    bone = segments.add_segment("bone")
    mask[:] = False
    for z in SEEDED_SLICES:
        mask[z] = ct_voxels[z] > 700
    segments.apply_modifier(mask, "add")
    return brain, bone


def dice(a: np.ndarray, b: np.ndarray) -> float:
    return 2 * float((a & b).sum()) / float(a.sum() + b.sum())


def test_grow_from_seeds_separates_brain_and_bone(segments, seeded, ct_voxels, an_undo):
    brain, bone = seeded
    brain_seeds = segments.segment_array(brain).copy()
    grow = GrowFromSeeds(segments.editor)
    preview = grow.initialize()
    assert segments.segment_array(bone).sum() < (preview == 2).sum()  # a preview changes nothing yet
    grow.apply()
    grown_bone = segments.segment_array(bone)
    assert not (grown_bone & brain_seeds).any()
    reference = np.zeros(ct_voxels.shape, bool)
    reference[SLAB] = ct_voxels[SLAB] >= 300
    assert dice(grown_bone[SLAB], reference[SLAB]) >= 0.9
    assert an_undo.undo_label == "Grow from seeds"


def test_grow_from_seeds_updates_after_a_seed_edit(segments, seeded):
    brain, _bone = seeded
    grow = GrowFromSeeds(segments.editor)
    first = grow.initialize().copy()
    segments.set_active_segment(brain)
    segments.apply_modifier(np.ones((3, 3, 3), bool), "add", (60, 60, 40))  # a seed in the air
    updated = grow.update()
    assert (updated[60:63, 60:63, 40:43] == 1).all()
    assert not np.array_equal(first, updated)


def test_seed_locality_is_bounded(segments, seeded):
    with pytest.raises(SegmentEditorError, match="seed locality"):
        GrowFromSeeds(segments.editor, seed_locality=11)


def test_grow_from_seeds_needs_two_segments(segments):
    segments.add_segment("alone")
    segments.apply_modifier(np.ones((2, 2, 2), bool), "add", (50, 50, 50))
    with pytest.raises(SegmentEditorError, match="at least 2"):
        GrowFromSeeds(segments.editor).initialize()


def test_fill_between_slices_fills_every_slice_between(segments, an_undo):
    segments.add_segment("drawn")
    disc = np.zeros((1, 40, 40), bool)
    yy, xx = np.mgrid[:40, :40]
    disc[0] = (yy - 20) ** 2 + (xx - 20) ** 2 <= 15 ** 2
    segments.apply_modifier(disc, "add", (40, 100, 100))
    segments.apply_modifier(disc, "add", (50, 100, 100))
    before = segments.segment_array().copy()
    fill = FillBetweenSlices(segments.editor, axis="z")
    fill.initialize()
    fill.apply()
    result = segments.segment_array()
    assert all(result[z].sum() > 0 for z in range(40, 51))
    assert not result[:40].any() and not result[51:].any()
    an_undo.undo()
    assert np.array_equal(segments.segment_array(), before)


def test_fill_between_slices_needs_a_segment_with_voxels(segments):
    segments.add_segment("empty")
    with pytest.raises(SegmentEditorError, match="at least 1"):
        FillBetweenSlices(segments.editor).initialize()


def test_an_update_reads_only_the_box_yet_sees_the_same_seeds(segments, seeded):
    """The incremental update reads the seeds inside the box: the same as reading them all; its
    result (the filter continues from its last state) agrees with a fresh grow almost everywhere."""
    brain, bone = seeded
    grow = GrowFromSeeds(segments.editor)
    grow.initialize()
    segments.set_active_segment(bone)
    segments.apply_modifier(np.ones((2, 4, 4), bool), "add", (60, 120, 130))
    assert grow._only_edited_inside_box()
    box = grow.result_box
    assert np.array_equal(grow.seeds_in(box), grow.seeds()[box])
    updated = grow.update()
    fresh = GrowFromSeeds(segments.editor).initialize()
    assert np.mean(updated[box] == fresh[box]) > 0.99
    segments.set_active_segment(brain)
    segments.apply_modifier(np.ones((1, 1, 1), bool), "add", (0, 0, 0))  # outside the box
    assert not grow._only_edited_inside_box()


def test_an_undo_makes_the_update_read_every_seed(segments, seeded, an_undo):
    grow = GrowFromSeeds(segments.editor)
    grow.initialize()
    an_undo.undo()  # the bone seeds go
    with pytest.raises(SegmentEditorError, match="at least 2"):
        grow.update()
