"""A host's views that come and go (a live desktop's layout), on the streamer end to end
(tests/stream_harness.py's fake views and hand-moved clock)."""

from __future__ import annotations

import pytest
from stream_harness import AFakeView, AStream, run_with_a_stream

from trame_slicer_app.streaming.input_events import InputError


def test_a_view_added_later_streams_and_a_removed_one_is_refused():
    async def scenario(stream: AStream) -> None:
        red = await stream.first_frame_of("Red")
        stream.ack(red)
        extra = AFakeView("Slice4")
        stream.views["Slice4"] = extra
        stream.streamer.set_views({"Red": stream.views["Red"], "Slice4": extra})
        stream.streamer.set_visible({"Red", "Slice4"})
        frame = await stream.next_frame()
        assert frame.view == "Slice4"
        assert extra.captures == 1
        # Red kept its channel: its frame numbering goes on rather than starting again.
        await stream.let_it_run()
        assert stream.streamer.stats()["Red"]["frames"] == 1
        assert set(stream.streamer.stats()) == {"Red", "Slice4"}
        # Yellow and Green are gone: a client still holding them is refused, and nothing breaks.
        with pytest.raises(InputError):
            stream.streamer.on_input("Green", 1, [{"type": "move", "x": 1, "y": 1}])
        stream.streamer.on_render_requested("Green")  # ignored
        stream.views["Slice4"].dirty = True
        stream.time_passes(1.0)
        assert (await stream.next_frame()).view == "Slice4"

    run_with_a_stream(scenario)


def test_a_new_view_object_under_a_name_gets_a_fresh_channel():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        replacement = AFakeView("Red")
        stream.streamer.set_views({**stream.views, "Red": replacement})
        stream.streamer.set_visible({"Red"})
        frame = await stream.next_frame()
        assert frame.view == "Red" and frame.meta["id"] == 1
        assert replacement.captures == 1

    run_with_a_stream(scenario)
