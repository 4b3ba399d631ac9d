"""The segment editor's core on the real head CT: segments, apply_modifier with Slicer's masking, undo."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError
from trame_slicer_app.engine.undo.scene_undo import SceneUndo
from trame_slicer_app.segment_editor_session import SegmentEditorSession

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)


BOX = (slice(40, 60), slice(90, 130), slice(90, 130))
BOX_OFFSET = (40, 90, 90)


def box_mask(shape=(20, 40, 40)) -> np.ndarray:
    return np.ones(shape, dtype=bool)


def test_segmentation_takes_the_volume_geometry(segments, a_ct_volume):
    state = segments.state()
    assert state["source_volume_id"] == a_ct_volume.GetID()
    assert state["segments"] == [] and state["active_segment_id"] is None
    geometry = segments.geometry()
    assert geometry["shape_zyx"] == [108, 256, 256]
    assert geometry["spacing_xyz"] == pytest.approx(list(a_ct_volume.GetSpacing()))


def test_no_volume_no_segmentation(an_engine):
    with pytest.raises(SegmentEditorError, match="open one first"):
        SegmentEditorSession(an_engine).create_segmentation()


def test_segment_properties_round_trip(segments):
    bone = segments.add_segment("bone", "#f1d691")
    skin = segments.add_segment()
    assert segments.state()["active_segment_id"] == skin
    segments.rename_segment(bone, "skull")
    segments.set_segment_colour(bone, "#ff0000")
    segments.set_segment_opacity(bone, 0.25)
    segments.set_segment_visible(bone, False, "outline_2d")
    segments.set_segment_locked(bone, True)
    row = next(r for r in segments.state()["segments"] if r["id"] == bone)
    assert row["name"] == "skull" and row["colour"] == "#ff0000" and row["opacity"] == 0.25
    assert row["outline_2d"] is False and row["fill_2d"] is True and row["locked"] is True
    assert [r["name"] for r in segments.state()["segments"]] == ["skull", "Segment_2"]


@pytest.mark.parametrize("call, args, message", [
    ("rename_segment", ("S", ""), "non-empty"),
    ("set_segment_colour", ("S", "red"), "#rrggbb"),
    ("set_segment_opacity", ("S", 1.5), "from 0 to 1"),
    ("set_segment_visible", ("S", True, "sideways"), "visibility kind"),
    ("set_segment_locked", ("S", "yes"), "true or false"),
])
def test_bad_segment_values_are_refused_and_change_nothing(segments, call, args, message):
    segment_id = segments.add_segment("kept")
    before = segments.state()
    with pytest.raises(SegmentEditorError, match=message):
        getattr(segments, call)(segment_id, *args[1:])
    assert segments.state() == before


def test_add_remove_and_set_inside_the_box(segments):
    segments.add_segment("a")
    assert segments.apply_modifier(box_mask(), "add", BOX_OFFSET) == 20 * 40 * 40
    inner = np.zeros((20, 40, 40), dtype=bool)
    inner[5:15, 10:30, 10:30] = True
    assert segments.apply_modifier(inner, "remove", BOX_OFFSET) == 10 * 20 * 20
    assert segments.segment_array().sum() == 20 * 40 * 40 - 10 * 20 * 20
    assert segments.apply_modifier(inner, "set", BOX_OFFSET) == 20 * 40 * 40
    expected = np.zeros((108, 256, 256), dtype=bool)
    expected[45:55, 100:120, 100:120] = True
    assert np.array_equal(segments.segment_array(), expected)


def test_a_mask_partly_outside_the_volume_is_clipped(segments):
    segments.add_segment("edge")
    assert segments.apply_modifier(box_mask((4, 4, 4)), "add", (-2, 254, 0)) == 2 * 2 * 4


def test_intensity_range_counts_exactly(segments, ct_voxels):
    segments.add_segment("bone")
    segments.set_intensity_mask(True, 300, 3000)
    changed = segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    inside = ct_voxels[BOX]
    assert changed == int(((inside >= 300) & (inside <= 3000)).sum())
    assert np.array_equal(segments.segment_array()[BOX], (inside >= 300) & (inside <= 3000))


def test_overwrite_all_and_none(segments):
    first = segments.add_segment("first")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    second = segments.add_segment("second")
    segments.set_overwrite("none")
    segments.apply_modifier(box_mask((20, 40, 20)), "add", (40, 90, 120))
    assert segments.segment_array(first).sum() == 20 * 40 * 40  # not overwritten
    segments.set_overwrite("all")
    segments.apply_modifier(box_mask((20, 40, 20)), "add", (40, 90, 120))
    assert segments.segment_array(first).sum() == 20 * 40 * 30
    assert segments.segment_array(second).sum() == 20 * 40 * 20


def test_editable_area_inside_one_segment(segments):
    region = segments.add_segment("region")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    segments.add_segment("inner")
    segments.set_overwrite("none")
    segments.set_editable_area("inside_segment", region)
    segments.apply_modifier(box_mask((60, 100, 100)), "add", (20, 60, 60))
    assert np.array_equal(segments.segment_array(), segments.segment_array(region))


def test_editable_area_outside_all_segments(segments):
    segments.add_segment("taken")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    segments.add_segment("rest")
    segments.set_editable_area("outside_all_segments")
    changed = segments.apply_modifier(box_mask((20, 40, 60)), "add", BOX_OFFSET)
    assert changed == 20 * 40 * 20


def test_a_locked_segment_is_kept(segments):
    locked = segments.add_segment("locked")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    segments.set_segment_locked(locked, True)
    with pytest.raises(SegmentEditorError, match="locked"):
        segments.apply_modifier(box_mask(), "remove", BOX_OFFSET)
    segments.add_segment("other")
    segments.apply_modifier(box_mask((20, 40, 60)), "add", BOX_OFFSET)  # overwrite all
    assert segments.segment_array(locked).sum() == 20 * 40 * 40


def test_undo_restores_the_exact_voxels(segments, an_undo, ct_voxels):
    first = segments.add_segment("first")
    segments.apply_modifier(ct_voxels[BOX] > 200, "add", BOX_OFFSET)
    after_first = segments.segment_array(first).copy()
    second = segments.add_segment("second")
    segments.set_intensity_mask(True, -100, 100)
    segments.apply_modifier(box_mask((30, 60, 60)), "add", (35, 80, 80))
    after_second = (segments.segment_array(first).copy(), segments.segment_array(second).copy())
    assert an_undo.undo_label == "Add second"
    assert an_undo.undo() is True
    assert np.array_equal(segments.segment_array(first), after_first)
    assert segments.segment_array(second).sum() == 0
    assert an_undo.redo() is True
    assert np.array_equal(segments.segment_array(first), after_second[0])
    assert np.array_equal(segments.segment_array(second), after_second[1])


def test_undo_of_segment_add_remove_and_rename(segments, an_undo):
    kept = segments.add_segment("kept")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    voxels = segments.segment_array(kept).copy()
    segments.rename_segment(kept, "renamed")
    segments.remove_segment(kept)
    assert segments.state()["segments"] == []
    an_undo.undo()
    assert [r["name"] for r in segments.state()["segments"]] == ["renamed"]
    assert np.array_equal(segments.segment_array(kept), voxels)
    an_undo.undo()
    assert segments.state()["segments"][0]["name"] == "kept"
    an_undo.redo()
    an_undo.redo()
    assert segments.state()["segments"] == []


def test_an_apply_that_changes_nothing_is_no_step(segments, an_undo):
    segments.add_segment("a")
    label = an_undo.undo_label
    assert segments.apply_modifier(box_mask(), "remove", BOX_OFFSET) == 0
    assert an_undo.undo_label == label


@pytest.mark.parametrize("mask, mode, offset, message", [
    (np.ones((2, 2), bool), "add", (0, 0, 0), "3D array"),
    (np.ones((2, 2, 2), float), "add", (0, 0, 0), "true/false"),
    (np.ones((2, 2, 2), bool), "paint", (0, 0, 0), "mode is one of"),
    (np.ones((2, 2, 2), bool), "add", (0, 0), "offset"),
    ("mask", "add", (0, 0, 0), "3D array"),
])
def test_bad_modifier_input_is_refused(segments, mask, mode, offset, message):
    segments.add_segment("a")
    with pytest.raises(SegmentEditorError, match=message):
        segments.apply_modifier(mask, mode, offset)


def test_no_segment_no_edit(segments):
    with pytest.raises(SegmentEditorError, match="no segment is selected"):
        segments.apply_modifier(box_mask(), "add", BOX_OFFSET)


def test_surfaces_are_rebuilt_once_after_edits(segments):
    segment_id = segments.add_segment("a")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    segments.show_3d(True, 0.3)
    segmentation = segments.editor.segmentation
    assert segmentation.GetClosedSurfaceInternalRepresentation(segment_id).GetNumberOfPoints() > 0
    segments.apply_modifier(box_mask((5, 5, 5)), "remove", BOX_OFFSET)
    assert segments.editor.surfaces.pending  # not rebuilt inside the edit
    # Meanwhile the old surface stays on screen as a hidden model, not listed as data.
    stand_ins = segments.editor.surfaces.stand_ins(segmentation)
    assert len(stand_ins) == 1 and stand_ins[0].GetPolyData().GetNumberOfPoints() > 0
    assert stand_ins[0].GetHideFromEditors()
    segments.apply_modifier(box_mask((5, 5, 5)), "remove", (50, 90, 90))
    assert len(segments.editor.surfaces.stand_ins(segmentation)) == 1  # one batch, one stand-in
    assert segments.editor.surfaces.flush() == 1
    assert segmentation.GetClosedSurfaceInternalRepresentation(segment_id).GetNumberOfPoints() > 0
    assert segments.editor.surfaces.stand_ins(segmentation) == []
    assert stand_ins[0].GetScene() is None
    assert segments.state()["show_3d"] is True and segments.state()["smoothing"] == 0.3


def test_voxel_steps_are_bounded_by_memory(an_engine, a_ct_volume):
    undo = SceneUndo(an_engine, max_command_bytes=3000)
    try:
        session = SegmentEditorSession(an_engine, undo)
        session.create_segmentation()
        session.add_segment("a")
        for z in range(0, 40, 10):
            session.apply_modifier(box_mask((10, 40, 40)), "add", (z, 0, 0))  # 2 x 2000 bytes packed each
        assert undo.command_bytes <= 4000
        assert undo.undo() is True
        assert session.segment_array().sum() == 3 * 10 * 40 * 40
        assert undo.undo() is False  # the older steps were forgotten
    finally:
        undo.close()


def test_editable_area_inside_all_segments(segments):
    segments.add_segment("a")
    segments.apply_modifier(box_mask((20, 40, 20)), "add", BOX_OFFSET)
    segments.add_segment("b")
    segments.set_overwrite("none")
    segments.set_editable_area("inside_all_segments")
    changed = segments.apply_modifier(box_mask((20, 40, 60)), "add", BOX_OFFSET)
    assert changed == 20 * 40 * 20  # only where "a" is


def test_overwrite_visible_spares_hidden_segments(segments):
    """Slicer's OverwriteVisibleSegments: a hidden segment keeps its voxels, a visible one loses them."""
    hidden = segments.add_segment("hidden")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    segments.set_segment_visible(hidden, False)
    segments.set_overwrite("none")
    shown = segments.add_segment("shown")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    painter = segments.add_segment("painter")
    segments.set_overwrite("visible")
    assert segments.state()["masking"]["overwrite"] == "visible"
    segments.apply_modifier(box_mask((20, 40, 20)), "add", BOX_OFFSET)
    assert segments.segment_array(hidden).sum() == 20 * 40 * 40
    assert segments.segment_array(shown).sum() == 20 * 40 * 20
    assert not (segments.segment_array(shown) & segments.segment_array(painter)).any()


def test_opacity_per_display_kind_round_trips_and_undoes(segments, an_undo):
    """2D fill, 2D outline and 3D each have their own opacity, as Slicer's segmentation display node."""
    segment = segments.add_segment("s")
    display = segments.editor.segmentation.GetDisplayNode()
    segments.set_segment_opacity(segment, 0.2, "fill_2d")
    segments.set_segment_opacity(segment, 0.6, "outline_2d")
    segments.set_segment_opacity(segment, 0.9, "surface_3d")
    assert (display.GetSegmentOpacity2DFill(segment), display.GetSegmentOpacity2DOutline(segment),
            display.GetSegmentOpacity3D(segment)) == pytest.approx((0.2, 0.6, 0.9))
    row = segments.state()["segments"][0]
    assert (row["opacity_fill_2d"], row["opacity_outline_2d"], row["opacity_surface_3d"]) == (0.2, 0.6, 0.9)
    display.SetSegmentOpacity2DOutline(segment, 0.35)  # set in MRML (a loaded scene, Python): the state follows
    assert segments.state()["segments"][0]["opacity_outline_2d"] == 0.35
    display.SetSegmentOpacity2DOutline(segment, 0.6)
    an_undo.undo()
    assert display.GetSegmentOpacity3D(segment) == pytest.approx(1.0)
    assert display.GetSegmentOpacity2DFill(segment) == pytest.approx(0.2)
    an_undo.undo()
    an_undo.undo()
    assert display.GetSegmentOpacity2DFill(segment) == pytest.approx(1.0)
    an_undo.redo()
    assert display.GetSegmentOpacity2DFill(segment) == pytest.approx(0.2)
    segments.set_segment_opacity(segment, 0.5)  # no kind: all three, as Slicer's SetSegmentOpacity
    assert {k: v for k, v in segments.state()["segments"][0].items() if k.startswith("opacity")} == {
        "opacity": 0.5, "opacity_fill_2d": 0.5, "opacity_outline_2d": 0.5, "opacity_surface_3d": 0.5}


@pytest.mark.parametrize("kind", ["volume", "", 3, [1]])
def test_a_bad_opacity_kind_is_refused(segments, kind):
    segment = segments.add_segment("s")
    with pytest.raises(SegmentEditorError, match="opacity kind"):
        segments.set_segment_opacity(segment, 0.5, kind)
    assert segments.state()["segments"][0]["opacity_fill_2d"] == 1.0


def test_an_effect_with_no_segmentation_says_so(an_engine, a_ct_volume):
    from trame_slicer_app.engine.segment_editor.effects import margin

    session = SegmentEditorSession(an_engine)
    with pytest.raises(SegmentEditorError, match="no segmentation is being edited"):
        margin.apply(session.editor, 2.0)
    with pytest.raises(SegmentEditorError, match="no segmentation is being edited"):
        session.apply_modifier(box_mask(), "add", BOX_OFFSET)


def test_the_slice_view_shows_an_edit_and_its_undo(segments, an_engine, an_undo):
    """Undo writes voxels in place in the label map layer: the Red view must show it (rendered)."""
    view = an_engine.slice_views["Red"]
    view.resize(200, 200)
    ijk_to_ras = np.array(segments.geometry()["ijk_to_ras"]).reshape(4, 4)
    centre_ras = ijk_to_ras @ np.array([110.0, 110.0, 50.0, 1.0])
    view.logic.SetSliceOffset(float(centre_ras[2]))
    segments.add_segment("shown", "#ff0000")
    before = view.capture().astype(int)
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    painted = view.capture().astype(int)
    assert np.abs(painted - before).sum() > 0
    an_undo.undo()
    assert np.array_equal(view.capture().astype(int), before)
    an_undo.redo()
    assert np.array_equal(view.capture().astype(int), painted)


def test_undo_of_an_edit_rebuilds_the_3d_surface_later(segments, an_undo):
    segment_id = segments.add_segment("a")
    segments.show_3d(True)
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    segments.editor.surfaces.flush()
    segmentation = segments.editor.segmentation
    grown = segmentation.GetClosedSurfaceInternalRepresentation(segment_id).GetNumberOfPoints()
    segments.apply_modifier(box_mask((10, 40, 40)), "remove", BOX_OFFSET)
    segments.editor.surfaces.flush()
    shrunk = segmentation.GetClosedSurfaceInternalRepresentation(segment_id).GetNumberOfPoints()
    an_undo.undo()
    assert segments.editor.surfaces.pending
    segments.editor.surfaces.flush()
    assert segmentation.GetClosedSurfaceInternalRepresentation(segment_id).GetNumberOfPoints() == grown != shrunk


def test_an_edit_records_only_the_segments_it_changed(segments, an_undo):
    """Thirty segments share the label map: a brush over two of them records those two only."""
    ids = []
    for index in range(30):
        ids.append(segments.add_segment(f"s{index}"))
        segments.apply_modifier(box_mask((2, 10, 10)), "add", (2 * index, 10, 10))
    segments.set_active_segment(ids[0])
    segments.apply_modifier(box_mask((4, 10, 10)), "add", (0, 10, 10))  # takes s1's voxels
    step = an_undo._undo[-1][1]
    assert sorted(region.key for region in step.regions) == sorted(ids[:2])
    an_undo.undo()
    assert [int(segments.segment_array(i).sum()) for i in ids[:3]] == [200, 200, 200]


def test_the_slice_view_draws_the_fill_and_the_outline_at_their_own_opacities(segments, an_engine):
    """Rendered: the 2D fill's opacity changes the inside of the segment in Red, not its outline, and the
    outline's opacity changes the border, not the inside."""
    view = an_engine.slice_views["Red"]
    view.resize(200, 200)
    ijk_to_ras = np.array(segments.geometry()["ijk_to_ras"]).reshape(4, 4)
    view.logic.SetSliceOffset(float((ijk_to_ras @ np.array([110.0, 110.0, 50.0, 1.0]))[2]))
    segment = segments.add_segment("shown", "#ff0000")
    segments.apply_modifier(box_mask(), "add", BOX_OFFSET)
    shown = view.capture().astype(int)
    segments.set_segment_opacity(segment, 0.0, "fill_2d")
    no_fill = view.capture().astype(int)
    changed_by_fill = np.abs(no_fill - shown).sum(axis=2) > 0
    segments.set_segment_opacity(segment, 1.0, "fill_2d")
    assert np.array_equal(view.capture().astype(int), shown)
    segments.set_segment_opacity(segment, 0.0, "outline_2d")
    changed_by_outline = np.abs(view.capture().astype(int) - shown).sum(axis=2) > 0
    assert changed_by_fill.sum() > 4 * changed_by_outline.sum() > 0  # the inside is larger than its border
    assert (changed_by_fill & changed_by_outline).sum() < 0.5 * changed_by_outline.sum()


@pytest.mark.parametrize("kind", ["volume", "", 3, [1], {"fill_2d": 1}])
def test_a_bad_visibility_kind_is_refused(segments, kind):
    segment = segments.add_segment("s")
    with pytest.raises(SegmentEditorError, match="visibility kind"):
        segments.set_segment_visible(segment, False, kind)
    assert segments.state()["segments"][0]["visible"]


def test_set_in_a_small_box_changes_the_box_only_and_undo_restores_all(segments, an_undo):
    """Slicer's Set clears a segment outside the modifier's box, where the undo step did not look (found
    by the smoothing brush): "set" now changes its box only, and undo brings back every voxel."""
    segments.add_segment("s")
    big = np.ones((20, 40, 40), dtype=bool)
    assert segments.apply_modifier(big, "add", (30, 40, 40)) == big.sum()
    before = segments.segment_array().copy()
    small = np.zeros((5, 10, 10), dtype=bool)  # a hole set in a corner of the block
    changed = segments.apply_modifier(small, "set", (35, 45, 45))
    after = segments.segment_array()
    assert changed == small.size
    expected = before.copy()
    expected[35:40, 45:55, 45:55] = False
    assert np.array_equal(after, expected), "voxels outside the box changed"
    assert an_undo.undo()
    assert np.array_equal(segments.segment_array(), before)
