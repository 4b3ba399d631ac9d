"""The streamer end to end on fake views: frames out, input in, credit and still frames.

The harness (tests/stream_harness.py) runs a ViewStreamer on small stand-ins for the
engine's views with an injected clock, so no test waits for wall-clock time to pass.
"""

from __future__ import annotations

import math

import pytest
from stream_harness import (
    FRAME_INTERVAL_S,
    VIEW_SIZE,
    AStream,
    a_move,
    a_press,
    a_release,
    assert_colour_close,
    colour_at,
    run_with_a_stream,
)

from trame_slicer_app.streaming.input_events import MAX_EVENTS_PER_MESSAGE, InputError
from trame_slicer_app.streaming.link_quality import MAX_CREDIT_FRAMES, MIN_CREDIT_FRAMES, QUALITY_LADDER, STILL_QUALITY
from trame_slicer_app.streaming.view_streamer import (
    MAX_PENDING_EVENTS,
    MAX_VIEW_SIZE_PX,
    MIN_VIEW_SIZE_PX,
    STEP_RESCALE_AT_MOST,
)

# -- visibility -------------------------------------------------------------------


def test_a_view_made_visible_gets_exactly_one_frame_and_hidden_views_get_none():
    async def scenario(stream: AStream) -> None:
        frame = await stream.first_frame_of("Red")

        assert frame.meta["view"] == "Red"
        assert frame.meta["id"] == 1
        assert frame.meta["still"] is True
        assert frame.meta["mime"] == "image/jpeg"
        assert (frame.meta["width"], frame.meta["height"]) == VIEW_SIZE
        assert frame.image().size == VIEW_SIZE

        await stream.let_it_run()
        assert stream.published.empty()
        assert stream.captures() == {"Red": 1, "Green": 0, "Yellow": 0}
        assert stream.streamer.stats()["Red"]["frames"] == 1

    run_with_a_stream(scenario)


def test_waiting_for_its_size_a_view_renders_nothing_until_a_client_sends_it_then_renders_at_it():
    """The app's streamer: a page subscribes to frames before it has laid its views out; a frame
    rendered at the size the view was made with would go out only to be replaced at once."""
    async def scenario(stream: AStream) -> None:
        stream.streamer.set_visible({"Red", "Green"})
        stream.streamer.on_render_requested("Red")
        stream.time_passes(FRAME_INTERVAL_S)
        await stream.let_it_run()
        assert stream.published.empty()
        assert stream.captures() == {"Red": 0, "Green": 0, "Yellow": 0}

        stream.streamer.on_resize("Red", 300, 200, client="tab")
        frame = await stream.next_frame()
        assert frame.view == "Red" and (frame.meta["width"], frame.meta["height"]) == (300, 200)
        await stream.let_it_run()
        assert stream.captures() == {"Red": 1, "Green": 0, "Yellow": 0}  # Green still waits for its size

    run_with_a_stream(scenario, wait_for_first_size=True)


def test_hidden_views_do_not_render_even_when_asked_to():
    async def scenario(stream: AStream) -> None:
        first = await stream.first_frame_of("Red")
        stream.ack(first)

        stream.views["Green"].dirty = True
        stream.streamer.on_render_requested("Green")
        stream.streamer.on_render_requested("Yellow")
        stream.streamer.on_render_requested("NoSuchView")  # from the app: ignored
        await stream.let_it_run()

        assert stream.published.empty()
        assert stream.captures() == {"Red": 1, "Green": 0, "Yellow": 0}

    run_with_a_stream(scenario)


def test_a_view_shown_again_gets_a_frame_even_if_its_last_frame_was_never_acknowledged():
    async def scenario(stream: AStream) -> None:
        await stream.first_frame_of("Red")  # never acknowledged: the widget went away

        stream.streamer.set_visible(set())
        stream.time_passes(FRAME_INTERVAL_S)
        stream.streamer.set_visible({"Red"})
        frame = await stream.next_frame()

        assert frame.view == "Red"
        assert frame.meta["id"] == 2

    run_with_a_stream(scenario)


# -- credit -----------------------------------------------------------------------


def test_with_the_least_credit_no_frame_goes_out_until_one_is_acknowledged_then_exactly_one_does():
    async def scenario(stream: AStream) -> None:
        frames = [await stream.first_frame_of("Red")]
        for _ in range(MIN_CREDIT_FRAMES - 1):
            frames.append(await stream.another_frame_of("Red"))
        assert [frame.meta["id"] for frame in frames] == list(range(1, MIN_CREDIT_FRAMES + 1))
        assert stream.streamer.stats()["Red"]["credit"] == MIN_CREDIT_FRAMES

        await stream.nothing_goes_out_for_a_frame_interval("Red")
        assert stream.views["Red"].captures == MIN_CREDIT_FRAMES

        # The newest frame's round trip is one frame interval: the credit stays at its floor.
        stream.ack(frames[-1])
        assert stream.streamer.stats()["Red"]["credit"] == MIN_CREDIT_FRAMES
        released = await stream.next_frame()

        assert released.view == "Red"
        assert released.meta["id"] == MIN_CREDIT_FRAMES + 1
        assert stream.views["Red"].captures == MIN_CREDIT_FRAMES + 1

        await stream.nothing_goes_out_for_a_frame_interval("Red")  # the one ack let exactly one frame out
        assert stream.views["Red"].captures == MIN_CREDIT_FRAMES + 1

    run_with_a_stream(scenario)


def test_a_repeated_or_unknown_acknowledgement_gives_no_extra_credit():
    async def scenario(stream: AStream) -> None:
        first = await stream.first_frame_of("Red")
        stream.ack(first)
        frames = [await stream.another_frame_of("Red") for _ in range(MIN_CREDIT_FRAMES)]
        assert [frame.meta["id"] for frame in frames] == list(range(2, MIN_CREDIT_FRAMES + 2))

        for frame_id in (first.meta["id"], 999, -1, "2", None, 2.0):
            stream.streamer.on_ack("Red", frame_id)
        assert stream.streamer.stats()["Red"]["in_flight"] == MIN_CREDIT_FRAMES
        await stream.nothing_goes_out_for_a_frame_interval("Red")

        stream.ack(frames[-1])
        assert (await stream.next_frame()).meta["id"] == MIN_CREDIT_FRAMES + 2

    run_with_a_stream(scenario)


# -- input ------------------------------------------------------------------------


def test_a_drag_gives_interactive_frames_then_a_still_frame_as_soon_as_it_is_released():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(1.0)

        drag = [a_press(10, 10), *(a_move(10 + i, 10 + i) for i in range(1, 31))]
        assert stream.streamer.on_input("Red", 7, drag) == 7
        assert stream.recorder.applied == []  # applied by the render loop, never inside the input message

        interactive = await stream.next_frame()
        applied = [(name, event["type"], event["x"], event["y"]) for name, event in stream.recorder.applied]
        assert applied == [("Red", "press", 10, 10), ("Red", "move", 40, 40)]
        assert interactive.meta["still"] is False
        assert (interactive.meta["scale"], interactive.meta["quality"]) == QUALITY_LADDER[0]
        assert interactive.meta["input_seq"] == 7
        assert_colour_close(interactive.colour(), colour_at((40, 40)))
        stream.ack(interactive)

        # Holding the button, however long, owes no still frame yet.
        stream.time_passes(5.0)
        await stream.let_it_run()
        assert stream.published.empty()

        # The release ends the drag: no settle delay, the still frame is due at once.
        stream.streamer.on_input("Red", 8, [a_release(40, 40)])
        stream.streamer.wake()
        still = await stream.next_frame()
        assert still.meta["still"] is True
        assert still.meta["quality"] == STILL_QUALITY == 90
        assert still.meta["scale"] == 1.0
        assert still.meta["input_seq"] == 8
        assert still.image().size == VIEW_SIZE
        assert_colour_close(still.colour(), colour_at((40, 40)))

        stream.ack(still)
        stream.time_passes(10.0)
        await stream.let_it_run()
        assert stream.published.empty()  # nothing owed after a still frame

    run_with_a_stream(scenario)


def test_moves_waiting_for_the_loop_coalesce_and_the_frame_waits_for_credit():
    async def scenario(stream: AStream) -> None:
        frames = [await stream.first_frame_of("Red")]
        for _ in range(MIN_CREDIT_FRAMES - 1):
            frames.append(await stream.another_frame_of("Red"))
        stream.time_passes(FRAME_INTERVAL_S)

        stream.streamer.on_input("Red", 1, [a_move(5, 6)])
        stream.streamer.on_input("Red", 2, [a_move(7, 8)])
        await stream.let_it_run()
        # Both messages came before the loop's turn: only the latest position reaches the view.
        assert [event["x"] for _, event in stream.recorder.applied] == [7]
        assert stream.published.empty()

        stream.ack(frames[0])
        frame = await stream.next_frame()
        assert frame.meta["input_seq"] == 2
        assert_colour_close(frame.colour(), colour_at((7, 8)))

    run_with_a_stream(scenario)


# -- hostile messages -------------------------------------------------------------


HOSTILE_CALLS = {
    "input for an unknown view": lambda s: s.on_input("Blue", 1, [a_move(1, 1)]),
    "input for a view name that is not a string": lambda s: s.on_input(["Red"], 1, []),
    "input with no view name": lambda s: s.on_input(None, 1, []),
    "input with a string seq": lambda s: s.on_input("Red", "1", []),
    "input with a bool seq": lambda s: s.on_input("Red", True, []),
    "input with a float seq": lambda s: s.on_input("Red", 1.0, []),
    "input whose events are a string": lambda s: s.on_input("Red", 1, "move"),
    "input whose events are an object": lambda s: s.on_input("Red", 1, {"type": "move"}),
    "input with one bad event": lambda s: s.on_input("Red", 1, [a_move(1, 1), {"type": "move", "x": "evil"}]),
    "input with too many events": lambda s: s.on_input("Red", 1, [a_move(1, 1)] * (MAX_EVENTS_PER_MESSAGE + 1)),
    "a resize with strings": lambda s: s.on_resize("Red", "100", "80"),
    "a resize with no height": lambda s: s.on_resize("Red", 100, None),
    "a resize with NaN": lambda s: s.on_resize("Red", math.nan, 80),
    "a resize with a bool": lambda s: s.on_resize("Red", True, 80),
    "a resize of an unknown view": lambda s: s.on_resize("Blue", 100, 80),
    "an ack for an unknown view": lambda s: s.on_ack("Blue", 1),
}


@pytest.mark.parametrize("hostile_call", HOSTILE_CALLS.values(), ids=HOSTILE_CALLS.keys())
def test_a_hostile_message_is_refused_and_changes_nothing(hostile_call):
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(FRAME_INTERVAL_S)

        with pytest.raises(InputError):
            hostile_call(stream.streamer)
        await stream.let_it_run()

        assert stream.recorder.applied == []
        assert stream.published.empty()
        assert stream.views["Red"].size == VIEW_SIZE

    run_with_a_stream(scenario)


def test_the_streamer_keeps_working_after_every_kind_of_hostile_message():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(FRAME_INTERVAL_S)
        for hostile_call in HOSTILE_CALLS.values():
            with pytest.raises(InputError):
                hostile_call(stream.streamer)

        stream.streamer.on_resize("Red", 100, 80)
        resized = await stream.next_frame()
        assert (resized.meta["width"], resized.meta["height"]) == (100, 80)
        assert resized.image().size == (100, 80)
        stream.ack(resized)

        stream.time_passes(FRAME_INTERVAL_S)
        stream.streamer.on_input("Red", 3, [a_move(20, 30)])
        moved = await stream.next_frame()
        assert moved.meta["input_seq"] == 3
        assert_colour_close(moved.colour(), colour_at((20, 30)))

    run_with_a_stream(scenario)


def test_a_resize_is_clamped_to_sane_view_sizes():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(FRAME_INTERVAL_S)

        stream.streamer.on_resize("Red", 1e12, -5)
        frame = await stream.next_frame()

        assert stream.views["Red"].size == (MAX_VIEW_SIZE_PX, MIN_VIEW_SIZE_PX)
        assert (frame.meta["width"], frame.meta["height"]) == (MAX_VIEW_SIZE_PX, MIN_VIEW_SIZE_PX)

    run_with_a_stream(scenario)


# -- render scale and client timing ------------------------------------------------


def test_a_drag_renders_at_the_controllers_scale_and_the_still_frame_at_full_size():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(1.0)
        controller = stream.streamer._channels["Red"].quality
        controller.level = 6  # as if the link or the render time had asked for it
        drag_scale, _quality = QUALITY_LADDER[6]

        stream.streamer.on_input("Red", 1, [a_press(10, 10), a_move(20, 20)])
        interactive = await stream.next_frame()

        expected = (round(VIEW_SIZE[0] * drag_scale), round(VIEW_SIZE[1] * drag_scale))
        assert stream.views["Red"].render_scale == drag_scale
        assert interactive.image().size == expected
        assert interactive.meta["scale"] == pytest.approx(drag_scale)
        assert stream.views["Red"].still is False  # rendered without the still frame's finish
        stream.ack(interactive)

        # The controller moving in mid-drag does not resize the view under the user's pointer.
        controller.level = 0
        stream.time_passes(FRAME_INTERVAL_S)
        stream.streamer.on_input("Red", 2, [a_move(30, 30)])
        same_drag = await stream.next_frame()
        assert same_drag.image().size == expected
        stream.ack(same_drag)

        stream.time_passes(FRAME_INTERVAL_S)
        stream.streamer.on_input("Red", 3, [a_release(30, 30)])
        stream.streamer.wake()
        still = await stream.next_frame()
        assert still.meta["still"] is True
        assert still.image().size == VIEW_SIZE
        assert stream.views["Red"].render_scale == 1.0
        assert stream.views["Red"].still is True

    run_with_a_stream(scenario)


def test_a_wheel_step_on_a_view_a_little_over_its_budget_renders_at_full_size():
    """Two resizes (down for the step, up for its still frame) would cost more than they save."""
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(1.0)
        stream.streamer._channels["Red"].quality.level = 4  # the link asks for 0.75
        assert QUALITY_LADDER[4][0] > STEP_RESCALE_AT_MOST

        stream.streamer.on_input("Red", 1, [{"type": "wheel", "steps": 1, "x": 10, "y": 10}])
        interactive = await stream.next_frame()
        assert interactive.meta["still"] is False
        assert stream.views["Red"].render_scale == 1.0

    run_with_a_stream(scenario)


def test_a_wheel_step_renders_small_until_its_still_frame():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(1.0)
        stream.streamer._channels["Red"].quality.level = 6
        wheel_scale, _quality = QUALITY_LADDER[6]

        stream.streamer.on_input("Red", 1, [{"type": "wheel", "steps": 1, "x": 10, "y": 10}])
        interactive = await stream.next_frame()
        assert interactive.meta["still"] is False
        assert interactive.image().size == (round(VIEW_SIZE[0] * wheel_scale), round(VIEW_SIZE[1] * wheel_scale))
        stream.ack(interactive)

        stream.time_passes(1.0)  # the wheel stopped
        stream.streamer.wake()
        still = await stream.next_frame()
        assert still.meta["still"] is True and still.image().size == VIEW_SIZE

    run_with_a_stream(scenario)


@pytest.mark.parametrize(
    "timing",
    [None, "fast", [], {}, {"transfer_ms": "1"}, {"transfer_ms": math.nan}, {"transfer_ms": math.inf},
     {"transfer_ms": True}, {"transfer_ms": -50}, {"transfer_ms": 1e300}],
)
def test_an_acknowledgement_with_odd_timing_still_returns_the_credit_and_never_breaks_the_estimate(timing):
    async def scenario(stream: AStream) -> None:
        first = await stream.first_frame_of("Red")
        stream.streamer.on_ack("Red", first.meta["id"], timing)
        link = stream.streamer._channels["Red"].quality.link

        assert stream.streamer._channels["Red"].pacer.in_flight == 0
        assert math.isfinite(link.goodput_bytes_per_s) and link.goodput_bytes_per_s > 0

        stream.time_passes(FRAME_INTERVAL_S)
        stream.streamer.on_input("Red", 1, [a_move(5, 5)])
        assert (await stream.next_frame()).meta["input_seq"] == 1

    run_with_a_stream(scenario)


def test_frames_carry_the_servers_send_time_for_the_clients_transfer_measure():
    async def scenario(stream: AStream) -> None:
        stream.time_passes(3.0)
        frame = await stream.first_frame_of("Red")

        assert frame.meta["sent_ms"] == pytest.approx(stream.clock.now * 1000.0)
        assert stream.streamer.now_ms() == pytest.approx(stream.clock.now * 1000.0)

    run_with_a_stream(scenario)


# -- several clients on one session -------------------------------------------------


def test_a_client_that_stops_acknowledging_is_skipped_at_its_credit_while_the_other_keeps_getting_frames():
    async def scenario(stream: AStream) -> None:
        streamer = stream.streamer
        streamer.set_visible({"Red"})
        streamer.on_resize("Red", *VIEW_SIZE, client="fast")
        streamer.on_resize("Red", *VIEW_SIZE, client="stalled")

        sent_to_stalled = 0
        for step in range(MAX_CREDIT_FRAMES + 6):
            stream.time_passes(FRAME_INTERVAL_S)
            streamer.on_input("Red", step + 1, [a_move(step, step)], client="fast")
            frame = await stream.next_frame()
            assert "fast" in frame.recipients
            sent_to_stalled += "stalled" in frame.recipients
            streamer.on_ack("Red", frame.meta["id"], client="fast")

        assert sent_to_stalled == MAX_CREDIT_FRAMES
        assert len(streamer._channels["Red"].client_frames["stalled"]) == MAX_CREDIT_FRAMES

    run_with_a_stream(scenario)


def test_a_skipped_client_gets_the_current_picture_as_soon_as_it_acknowledges_again():
    async def scenario(stream: AStream) -> None:
        streamer = stream.streamer
        streamer.set_visible({"Red"})
        streamer.on_resize("Red", *VIEW_SIZE, client="slow")
        unacknowledged = []
        for step in range(MAX_CREDIT_FRAMES + 2):
            stream.time_passes(FRAME_INTERVAL_S)
            streamer.on_input("Red", step + 1, [a_move(step, step)], client="slow")
            if step < MAX_CREDIT_FRAMES:
                frame = await stream.next_frame()
                unacknowledged.append(frame)
                # The server's own accounting gets its ack (the round trip and pacing), not the client's credit.
                streamer.on_ack("Red", frame.meta["id"])
        await stream.let_it_run()
        assert stream.published.empty()  # the only client is at its credit: frames are dropped, not queued

        stream.time_passes(FRAME_INTERVAL_S)
        streamer.on_ack("Red", unacknowledged[0].meta["id"], client="slow")
        current = await stream.next_frame()

        assert list(current.recipients) == ["slow"]
        assert_colour_close(current.colour(), colour_at((MAX_CREDIT_FRAMES + 1, MAX_CREDIT_FRAMES + 1)))

    run_with_a_stream(scenario)


def test_a_client_that_leaves_is_forgotten():
    async def scenario(stream: AStream) -> None:
        streamer = stream.streamer
        streamer.set_visible({"Red"})
        streamer.on_resize("Red", *VIEW_SIZE, client="staying")
        streamer.on_resize("Red", *VIEW_SIZE, client="leaving")
        first = await stream.next_frame()
        assert sorted(first.recipients) == ["leaving", "staying"]
        streamer.on_ack("Red", first.meta["id"], client="staying")

        streamer.on_client_gone("leaving")
        stream.time_passes(FRAME_INTERVAL_S)
        streamer.on_input("Red", 1, [a_move(3, 3)], client="staying")

        assert list((await stream.next_frame()).recipients) == ["staying"]

    run_with_a_stream(scenario)


def test_each_client_is_answered_with_its_own_input_count():
    """A page reloaded (or a second browser) counts its inputs from 1 again: a frame tells each
    client the newest of its own inputs it answers, never another client's count."""

    async def scenario(stream: AStream) -> None:
        streamer = stream.streamer
        streamer.set_visible({"Red"})
        streamer.on_resize("Red", *VIEW_SIZE, client="old")
        stream.ack(await stream.next_frame())
        streamer.on_input("Red", 5000, [a_move(1, 1)], client="old")
        streamer.on_resize("Red", *VIEW_SIZE, client="new")
        stream.time_passes(FRAME_INTERVAL_S)
        streamer.on_input("Red", 1, [a_move(2, 2)], client="new")
        frame = await stream.next_frame()

        assert frame.recipients["old"]["input_seq"] == 5000
        assert frame.recipients["new"]["input_seq"] == 1
        assert frame.recipients["new"]["input_ms"] >= frame.recipients["old"]["input_ms"]

    run_with_a_stream(scenario)


def test_a_view_mounted_again_is_answered_from_its_new_count():
    """A layout switch rebuilds a view, whose client numbers its input from 1 again: its size
    message (sent on mount) makes the server forget the count it had, so the next frames answer
    the new inputs and not an old, higher number."""

    async def scenario(stream: AStream) -> None:
        streamer = stream.streamer
        streamer.set_visible({"Red"})
        streamer.on_resize("Red", *VIEW_SIZE, client="tab")
        stream.ack(await stream.next_frame())
        streamer.on_input("Red", 300, [a_move(1, 1)], client="tab")
        stream.time_passes(FRAME_INTERVAL_S)
        old = await stream.next_frame()
        assert old.recipients["tab"]["input_seq"] == 300
        streamer.on_ack("Red", old.meta["id"], client="tab")

        streamer.on_resize("Red", *VIEW_SIZE, client="tab")  # mounted again
        streamer.on_input("Red", 1, [a_move(2, 2)], client="tab")
        stream.time_passes(FRAME_INTERVAL_S)
        frame = await stream.next_frame()
        assert frame.recipients["tab"]["input_seq"] == 1

    run_with_a_stream(scenario)


def test_a_flood_of_clicks_is_applied_in_order_without_growing_a_queue():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        clicks = [a_press(1, 1), a_release(1, 1)] * (MAX_EVENTS_PER_MESSAGE // 2)
        for seq in range(1, 5):
            stream.streamer.on_input("Red", seq, clicks)
            # Presses and releases are never dropped; beyond the cap they are applied at once.
            assert len(stream.streamer._channels["Red"].pending_events) <= MAX_PENDING_EVENTS
        await stream.let_it_run()
        kinds = [event["type"] for _, event in stream.recorder.applied]
        assert kinds == ["press", "release"] * (2 * MAX_EVENTS_PER_MESSAGE)

    run_with_a_stream(scenario)


def test_an_event_the_view_cannot_take_does_not_stop_the_stream():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(1.0)
        stream.recorder.fail_next = True
        stream.streamer.on_input("Red", 1, [a_move(3, 3)])
        await stream.let_it_run()
        stream.time_passes(1.0)
        stream.streamer.on_input("Red", 2, [a_move(9, 9)])
        frame = await stream.next_frame()
        assert frame.meta["input_seq"] == 2
        assert_colour_close(frame.colour(), colour_at((9, 9)))

    run_with_a_stream(scenario)


def test_frames_are_paced_from_render_start_so_a_slow_render_keeps_the_frame_rate():
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))
        stream.time_passes(1.0)
        render_s = 0.02

        def a_render_takes_time() -> None:
            stream.clock.now += render_s

        stream.views["Red"].while_rendering = a_render_takes_time
        stream.streamer.on_input("Red", 1, [a_press(1, 1), a_move(2, 2)])
        first = await stream.next_frame()
        stream.ack(first)
        # Just over one frame interval after the first render began (13 ms after it ended).
        stream.time_passes(1 / 30 - render_s + 0.001)
        stream.streamer.on_input("Red", 2, [a_move(3, 3)])
        second = await stream.next_frame()
        assert second.meta["started_ms"] - first.meta["started_ms"] == pytest.approx(1000 / 30 + 1, abs=0.5)

    run_with_a_stream(scenario)


def test_a_frame_after_a_resize_does_not_teach_the_controller_the_render_time():
    """The first render at a new size pays for a new frame buffer and a reslice of every layer:
    counted as the view's render time, it would push the next drags to a smaller scale."""
    async def scenario(stream: AStream) -> None:
        stream.ack(await stream.first_frame_of("Red"))  # the first frame is at a new size too
        controller = stream.streamer._channels["Red"].quality
        assert controller.full_scale_frame_s == 0.0
        stream.views["Red"].while_rendering = lambda: setattr(stream.clock, "now", stream.clock.now + 0.2)

        stream.streamer.on_resize("Red", 300, 200)
        stream.time_passes(1.0)
        stream.ack(await stream.next_frame())
        assert controller.full_scale_frame_s == 0.0

        stream.streamer.on_render_requested("Red")
        stream.time_passes(1.0)
        stream.ack(await stream.next_frame())  # the same size again: this one counts
        assert controller.full_scale_frame_s == pytest.approx(0.2, rel=0.05)

    run_with_a_stream(scenario)


def test_a_client_that_leaves_in_the_middle_of_a_drag_has_its_buttons_released():
    """A reload or a closed tab in mid-drag: the view's interactor (a paint stroke, a window/level drag)
    gets the release it would otherwise wait for for ever, at the pointer's last place; another
    client's drag goes on."""
    async def scenario(stream: AStream) -> None:
        streamer = stream.streamer
        await stream.first_frame_of("Red")
        streamer.on_input("Red", 1, [a_press(10, 10), a_move(20, 25)], client="leaving")
        streamer.on_input("Red", 1, [a_press(50, 50, button=2)], client="staying")
        streamer.on_input("Red", 2, [a_press(5, 5, button=1), a_release(6, 6, button=1)], client="leaving")
        await stream.let_it_run()
        stream.time_passes(FRAME_INTERVAL_S)
        await stream.let_it_run()
        applied_before = len(stream.recorder.applied)

        streamer.on_client_gone("leaving")
        stream.time_passes(FRAME_INTERVAL_S)
        await stream.let_it_run()

        released = [e for name, e in stream.recorder.applied[applied_before:] if e["type"] == "release"]
        assert [(e["button"], e["x"], e["y"]) for e in released] == [(0, 6, 6)]
        streamer.on_client_gone("leaving")  # twice: nothing more
        stream.time_passes(FRAME_INTERVAL_S)
        await stream.let_it_run()
        assert not [e for _n, e in stream.recorder.applied[applied_before + 1:] if e["type"] == "release"]

    run_with_a_stream(scenario)
