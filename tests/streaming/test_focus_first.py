"""The bookkeeping of linked views (focus first), on a clock the test holds."""

from __future__ import annotations

import math

import pytest

from trame_slicer_app.streaming.focus_first import (
    FIRST_RENDER_GUESS_S,
    LINKED_FRAME_BUDGET_S,
    LINKED_MAX_FPS,
    LINKED_MIN_FPS,
    MIN_SCALE,
    LinkedPacing,
    room_before,
)
from trame_slicer_app.streaming.frame_pacing import UNDER_HAND_AFTER_STEP_S, FramePacer

T0 = 50.0


def test_an_unchanged_view_never_asks_to_render():
    assert LinkedPacing().may_render(T0, room_s=1.0) == (False, None)


def test_a_changed_view_renders_when_its_expected_time_fits_the_room():
    pacing = LinkedPacing()
    pacing.note_changed(T0)
    assert pacing.may_render(T0, room_s=FIRST_RENDER_GUESS_S) == (True, None)
    render, look_again = pacing.may_render(T0, room_s=FIRST_RENDER_GUESS_S / 2)
    assert not render and look_again == pytest.approx(T0 + 1 / LINKED_MIN_FPS)


def test_a_view_that_waited_its_longest_renders_with_no_room():
    pacing = LinkedPacing()
    pacing.note_changed(T0)
    assert pacing.may_render(T0 + 1 / LINKED_MIN_FPS, room_s=0.0) == (True, None)


def test_what_counts_as_waiting_starts_at_the_first_change_after_a_frame():
    pacing = LinkedPacing()
    pacing.note_changed(T0)
    pacing.note_changed(T0 + 0.1)  # still the same wait
    assert pacing.may_render(T0 + 1 / LINKED_MIN_FPS, room_s=0.0)[0]
    pacing.on_frame()
    assert pacing.may_render(T0 + 1.0, room_s=0.0) == (False, None)


def test_linked_frames_are_at_least_a_ceiling_interval_apart_and_learn_their_cost():
    pacing = LinkedPacing()
    pacing.note_changed(T0)
    pacing.on_linked_frame(T0, render_s=0.040, scale=0.5)
    pacing.note_changed(T0 + 0.01)
    render, look_again = pacing.may_render(T0 + 0.02, room_s=1.0)
    assert not render and look_again == pytest.approx(T0 + 1 / LINKED_MAX_FPS)
    # 40 ms measured: a room of 30 ms is not enough, 45 ms is.
    assert not pacing.may_render(T0 + 0.1, room_s=0.030)[0]
    assert pacing.may_render(T0 + 0.1, room_s=0.045)[0]
    assert pacing.full_scale_s == pytest.approx(0.160)


def test_the_linked_scale_fits_the_budget_is_chosen_once_and_forgotten_at_the_end():
    pacing = LinkedPacing()
    assert pacing.render_scale(interactive_full_scale_s=LINKED_FRAME_BUDGET_S / 2) == 1.0  # cheap: full size
    pacing.end_of_interaction()
    scale = pacing.render_scale(interactive_full_scale_s=LINKED_FRAME_BUDGET_S * 4)
    assert scale == pytest.approx(0.5)
    assert pacing.render_scale(interactive_full_scale_s=1.0) == scale  # kept for the interaction
    pacing.end_of_interaction()
    assert pacing.render_scale(interactive_full_scale_s=10.0) == MIN_SCALE


def test_a_frame_after_a_resize_teaches_nothing():
    pacing = LinkedPacing()
    pacing.on_linked_frame(T0, render_s=None, scale=0.5)
    assert pacing.render_s == 0 and pacing.last_frame_at == T0


def test_room_is_the_time_to_the_first_due_frame():
    assert room_before([T0 + 0.02, T0 + 0.01], T0) == pytest.approx(0.01)
    assert room_before([T0 - 0.01], T0) == 0.0
    assert room_before([], T0) == math.inf


def test_a_view_is_under_the_hand_while_a_button_is_held_or_moments_after_a_step():
    pacer = FramePacer(target_fps=30)
    assert not pacer.under_hand(T0)
    pacer.on_input({"type": "press", "button": 0, "x": 0, "y": 0}, T0)
    assert pacer.under_hand(T0 + 10) and pacer.under_hand_until() is None
    pacer.on_input({"type": "release", "button": 0, "x": 0, "y": 0}, T0 + 11)
    assert not pacer.under_hand(T0 + 11)  # a release is a clear end
    pacer.on_input({"type": "wheel", "steps": 1, "x": 0, "y": 0}, T0 + 12)
    assert pacer.under_hand(T0 + 12 + UNDER_HAND_AFTER_STEP_S / 2)
    assert pacer.under_hand_until() == pytest.approx(T0 + 12 + UNDER_HAND_AFTER_STEP_S)
    assert not pacer.under_hand(T0 + 12 + UNDER_HAND_AFTER_STEP_S + 1e-6)
