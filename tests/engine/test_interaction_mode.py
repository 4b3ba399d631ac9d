"""The one owner of the mouse: a tool takes the gestures it wants, Slicer keeps the rest."""

from __future__ import annotations

import pytest

from trame_slicer_app.engine.views.interaction_mode import (
    PAINT,
    VIEW_TRANSFORM,
    InteractionModeError,
    InteractionModes,
)


class AView:
    name = "Red"


class LeftButtonTool:
    """A tool that takes left presses and records what it sees."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def handle_input(self, view, event) -> bool:
        self.seen.append(event["type"])
        return event["type"] != "move" and event.get("button", 0) == 0


def test_in_view_mode_slicer_gets_every_event():
    modes = InteractionModes()
    tool = LeftButtonTool()
    modes.register(PAINT, tool)
    assert not modes.route(AView(), {"type": "press", "button": 0})
    assert not modes.route(AView(), {"type": "release", "button": 0})
    assert tool.seen == []


def test_a_tool_owns_the_whole_left_drag_and_lets_other_buttons_through():
    modes = InteractionModes()
    tool = LeftButtonTool()
    modes.register(PAINT, tool)
    modes.set_mode(PAINT)
    assert not modes.route(AView(), {"type": "move"})  # hover: seen and passed on
    assert modes.route(AView(), {"type": "press", "button": 0})
    assert modes.route(AView(), {"type": "move"})
    assert modes.route(AView(), {"type": "release", "button": 0})
    assert not modes.route(AView(), {"type": "press", "button": 2})  # right drag: Slicer's zoom
    assert not modes.route(AView(), {"type": "move"})
    assert not modes.route(AView(), {"type": "release", "button": 2})
    assert tool.seen == ["move", "press", "move", "release", "press"]


def test_a_mode_change_in_mid_drag_leaves_the_drag_with_its_owner():
    modes = InteractionModes()
    tool = LeftButtonTool()
    modes.register(PAINT, tool)
    modes.set_mode(PAINT)
    modes.route(AView(), {"type": "press", "button": 0})
    modes.set_mode(VIEW_TRANSFORM)
    assert modes.route(AView(), {"type": "release", "button": 0})
    assert tool.seen[-1] == "release"


def test_an_unknown_mode_is_refused():
    modes = InteractionModes()
    with pytest.raises(InteractionModeError):
        modes.set_mode("lasso")
    with pytest.raises(InteractionModeError):
        modes.register(VIEW_TRANSFORM, LeftButtonTool())
    assert modes.mode == VIEW_TRANSFORM
