"""Grow from seeds and Fill between slices when the segmentation's volume was deleted (the Data panel's
delete): Initialize says what is missing, as Paint does. It raised (AttributeError on the missing
volume's spacing) out of the trigger: the panel said nothing and the server logged a traceback."""

from __future__ import annotations

import pytest
from app_state import feature, set_state


@pytest.mark.parametrize("effect, option", [("grow_from_seeds", 0.0), ("fill_between_slices", "all")])
def test_initialize_without_the_source_volume_says_so(a_server, a_ct_path, effect, option):
    from trame_slicer_app.app import SlicerWebApp
    from trame_slicer_app.scene_session import SceneSession

    session = SceneSession()
    session.open_volumes([a_ct_path])
    app = SlicerWebApp(a_server, session)
    app.state.ready()
    try:
        panel = feature(app, "seg")
        panel.triggers["seg_create"]()
        panel.triggers["seg_add"]()
        volume = next(node["id"] for node in app.state.data_nodes if node["kind"] == "volume")
        feature(app, "data").delete(volume)
        segmentation_before = app.state.seg_state["segmentation_id"]
        set_state(app, seg_effect=effect)
        panel.triggers["seg_auto_start"](option)
        assert "source volume" in app.state.seg_message
        assert not app.state.seg_busy
        assert app.state.seg_state["segmentation_id"] == segmentation_before
    finally:
        app.close()
        session.close()
