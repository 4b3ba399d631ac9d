"""When a view may send its next frame, on a clock the test holds."""

from __future__ import annotations

import pytest

from trame_slicer_app.streaming.frame_pacing import SETTLE_AFTER_INPUT_S, FrameKind, FramePacer

FPS = 30.0
INTERVAL = 1.0 / FPS
T0 = 100.0  # an arbitrary point on the injected clock


def a_press(button=0):
    return {"type": "press", "button": button, "x": 0, "y": 0}


def a_release(button=0):
    return {"type": "release", "button": button, "x": 0, "y": 0}


def a_move():
    return {"type": "move", "x": 1, "y": 1}


def a_wheel():
    return {"type": "wheel", "steps": 1, "x": 0, "y": 0}


@pytest.fixture
def a_pacer():
    return FramePacer(target_fps=FPS)


@pytest.fixture
def a_pacer_mid_drag(a_pacer):
    """A button held and one interactive frame sent and acknowledged at T0."""
    a_pacer.on_input(a_press(), T0)
    kind, _ = a_pacer.next_frame(T0, credit=1)
    assert kind is FrameKind.INTERACTIVE
    a_pacer.on_frame_sent(kind, T0)
    a_pacer.on_frame_acked()
    return a_pacer


def test_a_new_view_is_dirty_and_at_rest_so_its_first_frame_is_still(a_pacer):
    assert a_pacer.next_frame(T0, credit=1) == (FrameKind.STILL, None)


def test_a_clean_view_renders_nothing_and_needs_no_second_look(a_pacer):
    a_pacer.dirty = False

    assert a_pacer.next_frame(T0, credit=1) == (None, None)


def test_sending_a_frame_cleans_the_view_and_counts_it_in_flight(a_pacer):
    a_pacer.on_frame_sent(FrameKind.STILL, T0)

    assert a_pacer.dirty is False
    assert a_pacer.in_flight == 1
    assert a_pacer.last_sent_at == T0


@pytest.mark.parametrize(("in_flight", "credit"), [(1, 1), (2, 2), (3, 2), (4, 4)])
def test_no_frame_goes_out_while_the_credit_is_used_up(a_pacer, in_flight, credit):
    a_pacer.in_flight = in_flight

    assert a_pacer.next_frame(T0, credit=credit) == (None, None)


def test_a_frame_goes_out_while_credit_is_left(a_pacer):
    a_pacer.in_flight = 1

    assert a_pacer.next_frame(T0, credit=2)[0] is FrameKind.STILL


def test_an_acknowledged_frame_gives_its_credit_back(a_pacer):
    a_pacer.on_frame_sent(FrameKind.STILL, T0)
    a_pacer.dirty = True
    assert a_pacer.next_frame(T0 + 1.0, credit=1) == (None, None)

    a_pacer.on_frame_acked()

    assert a_pacer.next_frame(T0 + 1.0, credit=1)[0] is FrameKind.STILL


def test_frames_are_at_least_one_target_interval_apart_and_the_due_time_is_returned(a_pacer):
    a_pacer.on_frame_sent(FrameKind.STILL, T0)
    a_pacer.on_frame_acked()
    a_pacer.dirty = True

    kind, look_again = a_pacer.next_frame(T0 + INTERVAL / 2, credit=1)

    assert kind is None
    assert look_again == pytest.approx(T0 + INTERVAL)
    assert a_pacer.next_frame(look_again, credit=1)[0] is not None


def test_frames_are_interactive_while_a_button_is_held_however_long_ago_the_last_input(a_pacer):
    a_pacer.on_input(a_press(), T0)
    a_pacer.dirty = True

    assert a_pacer.next_frame(T0, credit=1)[0] is FrameKind.INTERACTIVE
    assert a_pacer.next_frame(T0 + 60.0, credit=1)[0] is FrameKind.INTERACTIVE


def test_a_button_held_while_another_is_released_keeps_the_interaction_going(a_pacer):
    a_pacer.on_input(a_press(0), T0)
    a_pacer.on_input(a_press(2), T0)
    a_pacer.on_input(a_release(0), T0)

    assert a_pacer.interacting
    assert a_pacer.next_frame(T0 + 10.0, credit=1)[0] is FrameKind.INTERACTIVE


def test_a_release_of_a_button_never_pressed_is_harmless(a_pacer):
    a_pacer.on_input(a_release(1), T0)

    assert not a_pacer.interacting


def test_frames_are_interactive_just_after_input_with_no_button_held(a_pacer):
    a_pacer.on_input(a_wheel(), T0)

    assert a_pacer.next_frame(T0 + SETTLE_AFTER_INPUT_S / 2, credit=1)[0] is FrameKind.INTERACTIVE


def test_a_dirty_view_is_still_once_input_has_settled(a_pacer):
    a_pacer.on_input(a_press(), T0)
    a_pacer.on_input(a_release(), T0 + 1.0)

    # A hair past the settle time: settled() subtracts, which can round just below it.
    assert a_pacer.next_frame(T0 + 1.0 + SETTLE_AFTER_INPUT_S + 1e-9, credit=1)[0] is FrameKind.STILL


def test_no_still_frame_is_owed_while_the_button_is_still_held(a_pacer_mid_drag):
    a_pacer_mid_drag.on_input(a_move(), T0 + 0.02)

    assert a_pacer_mid_drag.still_owed
    assert a_pacer_mid_drag.next_frame(T0 + 5.0, credit=1) == (None, None)


def test_the_release_that_ends_a_drag_makes_the_owed_still_frame_due_at_once(a_pacer_mid_drag):
    released_at = T0 + 0.5
    a_pacer_mid_drag.on_input(a_release(), released_at)

    assert a_pacer_mid_drag.next_frame(released_at, credit=1) == (FrameKind.STILL, None)


def test_a_dirty_view_released_from_a_drag_renders_still_at_once(a_pacer_mid_drag):
    released_at = T0 + 0.5
    a_pacer_mid_drag.on_input(a_move(), released_at - 0.01)
    a_pacer_mid_drag.dirty = True
    a_pacer_mid_drag.on_input(a_release(), released_at)

    assert a_pacer_mid_drag.next_frame(released_at, credit=1) == (FrameKind.STILL, None)


def test_a_move_after_the_release_waits_the_settle_delay_again(a_pacer_mid_drag):
    released_at = T0 + 0.5
    a_pacer_mid_drag.on_input(a_release(), released_at)
    a_pacer_mid_drag.on_input(a_move(), released_at + 0.01)

    settle_at = released_at + 0.01 + SETTLE_AFTER_INPUT_S
    assert a_pacer_mid_drag.next_frame(released_at + 0.02, credit=1) == (None, settle_at)
    assert a_pacer_mid_drag.next_frame(settle_at, credit=1) == (FrameKind.STILL, None)


def test_after_wheel_input_the_still_frame_comes_a_settle_delay_after_the_last_input(a_pacer):
    a_pacer.on_input(a_wheel(), T0)
    kind, _ = a_pacer.next_frame(T0, credit=1)
    assert kind is FrameKind.INTERACTIVE
    a_pacer.on_frame_sent(kind, T0)
    a_pacer.on_frame_acked()
    a_pacer.on_input(a_wheel(), T0 + 0.05)  # more wheel, but nothing new to draw

    assert a_pacer.next_frame(T0 + 0.06, credit=1) == (None, T0 + 0.05 + SETTLE_AFTER_INPUT_S)
    assert a_pacer.next_frame(T0 + 0.05 + SETTLE_AFTER_INPUT_S, credit=1) == (FrameKind.STILL, None)


def test_the_owed_still_frame_waits_for_credit(a_pacer):
    a_pacer.on_input(a_wheel(), T0)
    a_pacer.on_frame_sent(FrameKind.INTERACTIVE, T0)  # not acknowledged

    assert a_pacer.next_frame(T0 + 10.0, credit=1) == (None, None)


def test_no_still_frame_is_owed_after_a_still_frame(a_pacer):
    a_pacer.on_input(a_wheel(), T0)
    a_pacer.on_frame_sent(FrameKind.INTERACTIVE, T0)
    a_pacer.on_frame_acked()
    a_pacer.on_frame_sent(FrameKind.STILL, T0 + 1.0)
    a_pacer.on_frame_acked()

    assert not a_pacer.still_owed
    assert a_pacer.next_frame(T0 + 10.0, credit=1) == (None, None)


def test_acknowledgements_never_make_frames_in_flight_negative(a_pacer):
    a_pacer.on_frame_acked()
    a_pacer.on_frame_sent(FrameKind.STILL, T0)
    a_pacer.on_frame_acked()
    a_pacer.on_frame_acked()

    assert a_pacer.in_flight == 0
