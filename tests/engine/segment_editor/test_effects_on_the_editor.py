"""The interactive effects through the real Segment Editor and the views' input path, on the real CT:
a stroke's voxels land in the segment's label map, one undo step per stroke restores them exactly,
and refusals (no segment, a locked segment) leave a message and no voxel."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.segment_editor.effect_interaction import EffectInteraction
from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError
from trame_slicer_app.engine.segment_editor.paint_effect import BrushSettings
from trame_slicer_app.engine.views.interaction_mode import PAINT, WINDOW_LEVEL
from trame_slicer_app.engine.views.view_input import apply_input_event

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)
VIEW_SIZE_PX = (320, 320)


@pytest.fixture
def effects_in_red(an_engine, segments):
    view = an_engine.slice_views["Red"]
    view.resize(*VIEW_SIZE_PX)
    view.reset_view()
    modes = an_engine.interaction_modes
    effects = EffectInteraction(segments.editor, modes)

    def send(kind, x=160, y=160, **extra):
        event = {"type": kind, "x": x, "y": y, **extra}
        if not modes.route(view, event):
            apply_input_event(view, event)

    return view, effects, modes, send


def stroke(send, points):
    send("move", *points[0])
    send("press", *points[0], button=0)
    for point in points[1:]:
        send("move", *point)
    send("release", *points[-1], button=0)


def test_a_paint_stroke_lands_in_the_label_map_and_one_undo_takes_it_away(effects_in_red, segments, an_undo):
    _view, effects, modes, send = effects_in_red
    segment = segments.add_segment("tumour")
    effects.activate("paint")
    assert modes.current == PAINT
    effects.brush.settings = BrushSettings(diameter_mm=8.0)
    stroke(send, [(100, 160), (140, 165), (180, 170), (220, 160)])
    painted = segments.segment_array(segment)
    assert painted.sum() > 200
    assert len(np.unique(np.nonzero(painted)[0])) == 1  # a circle brush: the slice shown
    assert effects.target.applied == 1
    assert an_undo.undo()
    assert not segments.segment_array(segment).any()  # exactly the voxels before
    assert an_undo.redo()
    np.testing.assert_array_equal(segments.segment_array(segment), painted)


def test_erase_takes_voxels_out_of_the_segment(effects_in_red, segments):
    _view, effects, _modes, send = effects_in_red
    segment = segments.add_segment()
    effects.activate("paint")
    effects.brush.settings = BrushSettings(diameter_mm=20.0, sphere=True)
    stroke(send, [(160, 160), (161, 160)])
    before = segments.segment_array(segment).sum()
    effects.activate("erase")
    effects.brush.settings.diameter_mm = 6.0
    stroke(send, [(160, 160), (161, 160)])
    after = segments.segment_array(segment).sum()
    assert 0 < after < before


def test_with_no_segment_the_stroke_paints_nothing_and_says_why(effects_in_red, segments):
    _view, effects, _modes, send = effects_in_red
    effects.activate("paint")
    stroke(send, [(100, 160), (200, 160)])
    assert "no segment" in effects.target.last_message


def test_a_locked_segment_refuses_the_stroke_and_keeps_its_voxels(effects_in_red, segments):
    _view, effects, _modes, send = effects_in_red
    segment = segments.add_segment()
    segments.set_segment_locked(segment, True)
    effects.activate("draw")
    for x, y in ((120, 120), (200, 120), (200, 200)):
        send("press", x, y, button=0)
        send("release", x, y, button=0)
    send("key", key="Enter")
    assert "locked" in effects.target.last_message
    assert not segments.segment_array(segment).any()


def test_switching_the_effect_off_gives_the_left_button_back_to_slicer(effects_in_red, segments):
    _view, effects, modes, send = effects_in_red
    segment = segments.add_segment()
    effects.activate("scissors")
    effects.activate(None)
    assert modes.current == WINDOW_LEVEL
    display = segments.editor.source_volume.GetDisplayNode()
    window = display.GetWindow()
    stroke(send, [(100, 160), (150, 160), (200, 160)])
    assert display.GetWindow() != pytest.approx(window)  # Slicer's window/level drag
    assert not segments.segment_array(segment).any()
    with pytest.raises(SegmentEditorError):
        effects.activate("lasso")
