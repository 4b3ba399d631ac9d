"""The Segment Editor's effect when its segmentation goes away (Close scene, the segmentation deleted): the
effect is put away and the views' left button goes back to window/level. It stayed chosen: with the next
patient's CT open, a left drag in a slice view did nothing at all (no window/level, nothing to paint)."""

from __future__ import annotations

from app_state import an_app_with_a_segment, feature, set_state

from trame_slicer_app.engine.views.interaction_mode import PAINT, WINDOW_LEVEL


def test_closing_the_scene_puts_the_effect_away(a_server, a_ct_path):
    with an_app_with_a_segment(a_server, a_ct_path) as (app, session, _panel):
        set_state(app, seg_effect="paint")
        assert session.interaction.current == PAINT

        feature(app, "data_io").close_scene()
        app.binding.poll()
        assert app.state.seg_effect is None
        assert session.interaction.current == WINDOW_LEVEL
        assert session.segment_effects.active is None

        session.open_volumes([a_ct_path])  # the next patient: window/level is the left button's again
        app.binding.poll()
        assert session.interaction.current == WINDOW_LEVEL
