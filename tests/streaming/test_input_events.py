"""Browser input is hostile until checked, and a burst of it never queues."""

from __future__ import annotations

import math

import pytest

from trame_slicer_app.streaming.input_events import (
    MAX_COORDINATE_PX,
    MAX_EVENTS_PER_MESSAGE,
    MAX_KEY_LENGTH,
    MAX_WHEEL_STEPS,
    InputError,
    compact,
    parse_input_message,
    validate_event,
)


def a_move(x, y, **extra):
    return validate_event({"type": "move", "x": x, "y": y, **extra})


def a_press(button=0, x=0, y=0):
    return validate_event({"type": "press", "button": button, "x": x, "y": y})


def a_release(button=0, x=0, y=0):
    return validate_event({"type": "release", "button": button, "x": x, "y": y})


def a_wheel(steps, x=0, y=0):
    return validate_event({"type": "wheel", "steps": steps, "x": x, "y": y})


def a_key(key="a"):
    return validate_event({"type": "key", "key": key})


# -- validate_event ------------------------------------------------------------


def test_a_valid_move_comes_back_as_a_clean_copy_without_unknown_fields():
    raw = {"type": "move", "x": 12, "y": 34, "shift": 1, "evil": "payload", "__proto__": {}}

    event = validate_event(raw)

    assert event == {"type": "move", "x": 12, "y": 34, "shift": True, "ctrl": False, "alt": False}
    assert event is not raw


def test_missing_coordinates_and_modifiers_default_to_zero_and_false():
    assert validate_event({"type": "enter"}) == {
        "type": "enter",
        "x": 0,
        "y": 0,
        "shift": False,
        "ctrl": False,
        "alt": False,
    }


def test_fractional_coordinates_become_whole_pixels():
    event = a_move(12.7, -3.2)

    assert (event["x"], event["y"]) == (12, -3)
    assert isinstance(event["x"], int)


@pytest.mark.parametrize("raw", [None, "move", 42, ["move"], ("move", 1, 2)])
def test_an_event_that_is_not_an_object_is_refused(raw):
    with pytest.raises(InputError):
        validate_event(raw)


@pytest.mark.parametrize("kind", [None, "click", "MOVE", "", 1, "move "])
def test_an_unknown_event_type_is_refused(kind):
    with pytest.raises(InputError):
        validate_event({"type": kind})


@pytest.mark.parametrize("kind", [["move"], {"move": 1}])
def test_an_unhashable_event_type_is_refused_as_bad_input(kind):
    with pytest.raises(InputError):
        validate_event({"type": kind})


@pytest.mark.parametrize("value", ["12", None, [1], {"x": 1}, math.nan, 1 + 2j])
@pytest.mark.parametrize("field", ["x", "y"])
def test_a_coordinate_that_is_not_a_real_number_is_refused(field, value):
    with pytest.raises(InputError):
        validate_event({"type": "move", field: value})


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_is_not_accepted_as_a_coordinate(value):
    with pytest.raises(InputError):
        validate_event({"type": "move", "x": value})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e12, MAX_COORDINATE_PX),
        (-1e12, -MAX_COORDINATE_PX),
        (10**400, MAX_COORDINATE_PX),
        (math.inf, MAX_COORDINATE_PX),
        (-math.inf, -MAX_COORDINATE_PX),
        (MAX_COORDINATE_PX, MAX_COORDINATE_PX),
    ],
)
def test_huge_coordinates_are_clamped_to_the_largest_view(value, expected):
    event = validate_event({"type": "move", "x": value, "y": value})

    assert event["x"] == expected
    assert event["y"] == expected


@pytest.mark.parametrize("button", [0, 1, 2])
def test_the_three_mouse_buttons_are_accepted_on_press_and_release(button):
    assert a_press(button)["button"] == button
    assert a_release(button)["button"] == button


def test_a_press_without_a_button_is_the_left_button():
    assert validate_event({"type": "press"})["button"] == 0


@pytest.mark.parametrize("button", [3, -1, 99, "0", None, [0], 0.5])
def test_a_bad_button_is_refused(button):
    with pytest.raises(InputError):
        validate_event({"type": "press", "button": button})


@pytest.mark.parametrize("button", [True, False, 1.0])
def test_a_bool_or_float_is_not_accepted_as_a_button(button):
    with pytest.raises(InputError):
        validate_event({"type": "press", "button": button})


@pytest.mark.parametrize("steps", [1.5, "3", None, [1], True, False, math.nan])
def test_wheel_steps_that_are_not_an_integer_are_refused(steps):
    with pytest.raises(InputError):
        validate_event({"type": "wheel", "steps": steps})


@pytest.mark.parametrize(
    ("steps", "expected"), [(3, 3), (-2, -2), (10**9, MAX_WHEEL_STEPS), (-(10**9), -MAX_WHEEL_STEPS)]
)
def test_wheel_steps_are_clamped(steps, expected):
    assert a_wheel(steps)["steps"] == expected


def test_a_key_of_the_longest_allowed_length_is_accepted():
    key = "k" * MAX_KEY_LENGTH

    assert a_key(key)["key"] == key


@pytest.mark.parametrize("key", ["", "k" * (MAX_KEY_LENGTH + 1), "x" * 100_000, None, 65, ["a"], True])
def test_a_key_that_is_not_a_short_string_is_refused(key):
    with pytest.raises(InputError):
        validate_event({"type": "key", "key": key})


def test_fields_of_other_event_types_are_not_copied():
    event = validate_event({"type": "move", "button": 1, "steps": 3, "key": "a"})

    assert "button" not in event
    assert "steps" not in event
    assert "key" not in event


# -- compact -----------------------------------------------------------------


def test_the_latest_of_consecutive_moves_wins():
    moves = [a_move(i, 2 * i) for i in range(20)]

    assert compact(moves) == [a_move(19, 38)]


def test_consecutive_wheel_steps_add_up():
    assert compact([a_wheel(2), a_wheel(3), a_wheel(-1, x=7)]) == [a_wheel(4, x=7)]


def test_summed_wheel_steps_are_clamped():
    compacted = compact([a_wheel(MAX_WHEEL_STEPS), a_wheel(MAX_WHEEL_STEPS), a_wheel(MAX_WHEEL_STEPS)])

    assert [e["steps"] for e in compacted] == [MAX_WHEEL_STEPS]


def test_compacting_does_not_change_the_events_it_was_given():
    first, second = a_wheel(2), a_wheel(3)

    compact([first, second])

    assert first["steps"] == 2
    assert second["steps"] == 3


def test_press_release_key_enter_and_leave_are_never_dropped_and_keep_their_order():
    enter = validate_event({"type": "enter"})
    leave = validate_event({"type": "leave"})
    events = [enter, a_press(0), a_press(2), a_key("a"), a_key("a"), a_release(2), a_release(0), leave, enter]

    assert compact(events) == events


def test_a_move_after_a_press_is_not_merged_across_the_press():
    events = [a_move(1, 1), a_move(2, 2), a_press(0, 2, 2), a_move(3, 3), a_move(4, 4), a_release(0, 4, 4)]

    assert compact(events) == [a_move(2, 2), a_press(0, 2, 2), a_move(4, 4), a_release(0, 4, 4)]


def test_wheel_steps_are_not_summed_across_other_events():
    events = [a_wheel(2), a_move(5, 5), a_wheel(3), a_key("x"), a_wheel(4)]

    assert compact(events) == events


def test_compacting_nothing_gives_nothing():
    assert compact([]) == []


# -- parse_input_message ---------------------------------------------------------


@pytest.mark.parametrize("events", [None, "move", {"type": "move"}, ({"type": "move"},), 7])
def test_a_message_whose_events_are_not_a_list_is_refused(events):
    with pytest.raises(InputError):
        parse_input_message(events)


def test_a_message_with_too_many_events_is_refused():
    with pytest.raises(InputError):
        parse_input_message([{"type": "key", "key": "a"}] * (MAX_EVENTS_PER_MESSAGE + 1))


def test_a_message_with_the_most_events_allowed_is_accepted():
    events = [{"type": "key", "key": "a"}] * MAX_EVENTS_PER_MESSAGE

    assert len(parse_input_message(events)) == MAX_EVENTS_PER_MESSAGE


def test_one_bad_event_refuses_the_whole_message():
    with pytest.raises(InputError):
        parse_input_message([{"type": "move", "x": 1}, {"type": "move", "x": "evil"}])


def test_a_message_is_validated_then_compacted():
    raw = [
        {"type": "press", "button": 0, "x": 1, "y": 1},
        *({"type": "move", "x": i, "y": i, "junk": i} for i in range(100)),
        {"type": "release", "button": 0, "x": 99, "y": 99},
    ]

    assert parse_input_message(raw) == [a_press(0, 1, 1), a_move(99, 99), a_release(0, 99, 99)]


def test_an_empty_message_gives_no_events():
    assert parse_input_message([]) == []
