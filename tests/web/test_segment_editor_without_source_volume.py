"""The Segment Editor when the segmentation's volume was deleted (the Data panel's delete). Grow from
seeds' Initialize says what is missing, as Paint does (it raised AttributeError on the missing volume's
spacing out of the trigger: the panel said nothing, the server logged a traceback); Save still writes."""

from __future__ import annotations

import pytest
from app_state import an_app_with_a_segment, feature, set_state


@pytest.mark.parametrize("effect, option", [("grow_from_seeds", 0.0), ("fill_between_slices", "all")])
def test_initialize_without_the_source_volume_says_so(a_server, a_ct_path, effect, option):
    with an_app_with_a_segment(a_server, a_ct_path) as (app, _session, panel):
        volume = next(node["id"] for node in app.state.data_nodes if node["kind"] == "volume")
        feature(app, "data").delete(volume)
        segmentation_before = app.state.seg_state["segmentation_id"]
        set_state(app, seg_effect=effect)
        panel.triggers["seg_auto_start"](option)
        assert "source volume" in app.state.seg_message
        assert not app.state.seg_busy
        assert app.state.seg_state["segmentation_id"] == segmentation_before


def test_the_segmentation_is_saved_after_its_volume_was_deleted(a_server, a_ct_path):
    """Saving needs no source volume: the panel's Save wrote nothing ("the segmentation has no source
    volume") once the volume was deleted, though the segments were all there."""
    import numpy as np

    with an_app_with_a_segment(a_server, a_ct_path) as (app, session, panel):
        session.segments.apply_modifier(np.ones((3, 3, 3), dtype=bool), "add", (20, 20, 20))
        volume = next(node["id"] for node in app.state.data_nodes if node["kind"] == "volume")
        feature(app, "data").delete(volume)
        offered = []
        panel.computed._offer = lambda path, name: offered.append((path, name))
        for kind in (".seg.nrrd", "labelmap", "stl"):
            panel.triggers["seg_save"](kind)
            assert app.state.seg_message == "", kind
        names = [name for _path, name in offered]
        assert names[0].endswith(".seg.nrrd") and names[1].endswith(".nii.gz") and names[2].endswith(".stl")
        assert all(path.exists() and path.stat().st_size > 0 for path, _name in offered)
