"""A scene opened into views that are already showing something is drawn whole at the first frame:
a segmentation the scene brings shows in the slice views without waiting for the slice to move
(found in Chromium: a saved .mrb dropped back showed its segment only after a reload)."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app import scene_data

VIEW_SIZE_PX = (419, 464)  # a Red view's size in the Conventional layout with the panels open
SEGMENT_COLOUR = "#00ff00"
RED_MOVED_MM = 30.0
SQUARE_VOXELS = 40


def segment_coloured_pixels(frame: np.ndarray) -> int:
    red, green, blue = (frame[..., c].astype(int) for c in range(3))
    return int(((green - red > 40) & (green - blue > 40)).sum())


@pytest.fixture
def a_saved_scene_with_a_segment(a_ct_path, tmp_path):
    """The CT with Red moved off the centre and a square painted where Red then cuts the head, saved
    as .mrb by the app's own saving (a scene a user saves after painting)."""
    from trame_slicer_app.scene_session import SceneSession

    session = SceneSession()
    try:
        session.open_volumes([a_ct_path])
        session.segments.create_segmentation()
        session.segments.add_segment(colour=SEGMENT_COLOUR)
        red = session.view("Red")
        red.resize(*VIEW_SIZE_PX)
        red.logic.SetSliceOffset(red.slice_offset_mm + RED_MOVED_MM)
        k, j, i = session.segments.ras_to_voxel(list(red.xy_to_ras(VIEW_SIZE_PX[0] / 2, VIEW_SIZE_PX[1] / 2)))
        square = np.ones((1, SQUARE_VOXELS, SQUARE_VOXELS), dtype=bool)
        corner = (k, j - SQUARE_VOXELS // 2, i - SQUARE_VOXELS // 2)
        assert session.segments.apply_modifier(square, "add", corner) == SQUARE_VOXELS**2
        return scene_data.save_scene(session.engine, tmp_path / "with_segment.mrb")
    finally:
        session.close()


def test_a_scene_opened_into_rendered_views_shows_its_segment_at_the_first_frame(a_saved_scene_with_a_segment):
    from trame_slicer_app.scene_session import SceneSession

    session = SceneSession()
    try:
        red = session.view("Red")
        red.resize(*VIEW_SIZE_PX)
        red.render()  # the view shows the empty scene, as in a running app
        session.open_paths([a_saved_scene_with_a_segment])
        first = red.capture()
        red.slice_node.Modified()  # what used to bring the segment in: the slice changing
        settled = red.capture()
        assert segment_coloured_pixels(settled) > 100, "the reference frame shows no segment"
        assert segment_coloured_pixels(first) == pytest.approx(segment_coloured_pixels(settled), rel=0.02)
    finally:
        session.close()
