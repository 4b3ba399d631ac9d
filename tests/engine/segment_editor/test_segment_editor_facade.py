"""The facade's effect, click and auto-complete doors in plain values, on the real CT."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)


def test_threshold_then_islands_by_a_ras_click(segments, ct_voxels, a_ct_volume):
    segments.add_segment("bone")
    low, high = segments.auto_threshold("otsu")
    assert segments.apply_threshold(low, high) == int(((ct_voxels >= low) & (ct_voxels <= high)).sum())
    voxel = tuple(int(a[0]) for a in np.nonzero(segments.segment_array()))
    ijk_to_ras = np.array(segments.geometry()["ijk_to_ras"]).reshape(4, 4)
    ras = (ijk_to_ras @ np.array([voxel[2], voxel[1], voxel[0], 1.0]))[:3]
    assert segments.ras_to_voxel([float(v) for v in ras]) == list(voxel)
    segments.apply_islands("keep_selected", point_ras=[float(v) for v in ras])
    assert segments.segment_array()[voxel]


def test_auto_complete_doors(segments):
    segments.add_segment("drawn")
    segments.apply_modifier(np.ones((1, 20, 20), bool), "add", (40, 100, 100))
    segments.apply_modifier(np.ones((1, 20, 20), bool), "add", (46, 100, 100))
    preview = segments.auto_complete_start("fill_between_slices", axis="z")
    assert preview["segment_ids"] == [segments.state()["active_segment_id"]]
    assert (preview["labels"][40:47, 105, 105] == 1).all()
    assert segments.auto_complete_apply() > 0
    with pytest.raises(SegmentEditorError, match="initialise it first"):
        segments.auto_complete_preview()


def test_unknown_auto_complete_effect(segments):
    with pytest.raises(SegmentEditorError, match="auto-complete effect"):
        segments.auto_complete_start("magic")
