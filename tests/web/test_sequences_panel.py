"""The frame controls on the server, with the real engine, no browser: bound both ways to the sequence
browser node, hostile values refused, playing steps frames on the event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import nibabel
import pytest
from app_state import set_state
from event_loops import run_coroutine

from trame_slicer_app.engine.io import sequences
from trame_slicer_app.web.features.sequences_panel import SequencesPanel

NIBABEL_DATA = Path(nibabel.__file__).parent / "tests" / "data"


@pytest.fixture
def the_panel(a_server):
    from trame_slicer_app.app import SlicerWebApp

    app = SlicerWebApp(a_server)
    panel = next(f for f in app.features if isinstance(f, SequencesPanel))
    app.state.ready()  # as when a browser connects: state changes now run the change handlers
    return app, panel



def test_no_sequence_no_controls(the_panel):
    app, _panel = the_panel
    app.session.open_sample()
    app.binding.refresh()
    assert app.state.sequences_current is None
    assert app.state.sequences_frame is None


def test_the_slider_and_the_browser_node_follow_each_other(the_panel):
    app, _panel = the_panel
    app.session.open_paths([NIBABEL_DATA / "functional.nii"])
    app.binding.refresh()
    assert app.state.sequences_current["frames"] == 20
    assert app.state.sequences_frame == 0
    browser_id = app.state.sequences_current["id"]

    set_state(app, sequences_frame=7)  # the user moves the slider
    assert sequences.sequence_state(app.session.engine, browser_id)["frame"] == 7

    sequences.set_frame(app.session.engine, browser_id, 12)  # MRML moves: the slider follows at the poll
    app.binding.poll()
    assert app.state.sequences_frame == 12

    for hostile in ("3", float("nan"), True, None):
        set_state(app, sequences_frame=hostile)
        assert sequences.sequence_state(app.session.engine, browser_id)["frame"] == 12
        assert app.state.sequences_frame == 12  # put back to what MRML holds
    set_state(app, sequences_frame=10_000)  # clamped to the last frame
    assert app.state.sequences_frame == 19


def test_playing_steps_frames_on_the_loop_and_pausing_stops(the_panel):
    app, panel = the_panel
    app.session.open_paths([NIBABEL_DATA / "functional.nii"])
    app.binding.refresh()
    browser_id = app.state.sequences_current["id"]
    set_state(app, sequences_playing=True)
    assert sequences.playing_browsers(app.session.engine) == [browser_id]

    async def play_a_while():
        panel.start()
        await asyncio.sleep(1.2)  # 4 frames/s
        set_state(app, sequences_playing=False)
        frame = sequences.sequence_state(app.session.engine, browser_id)["frame"]
        await asyncio.sleep(0.6)
        panel._task.cancel()
        return frame

    frame = run_coroutine(play_a_while())
    assert 3 <= frame <= 7
    assert sequences.sequence_state(app.session.engine, browser_id)["frame"] == frame  # paused
