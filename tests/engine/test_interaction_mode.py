"""The interaction-mode owner over Slicer's interaction node: named modes, one place that chooses; and a
tool's events: it takes the gestures it wants, Slicer keeps the rest."""

from __future__ import annotations

import pytest
from slicer import vtkMRMLInteractionNode

from trame_slicer_app.engine.views.interaction_mode import (
    PAINT,
    PLACE,
    VIEW_TRANSFORM,
    WINDOW_LEVEL,
    InteractionMode,
    InteractionModeError,
    InteractionModes,
)


@pytest.fixture
def modes():
    return InteractionModes(vtkMRMLInteractionNode(), initial=WINDOW_LEVEL)


def test_modes_are_chosen_by_name_and_put_the_node_in_slicers_mode(modes):
    node = modes._node
    assert node.GetCurrentInteractionMode() == vtkMRMLInteractionNode.AdjustWindowLevel
    modes.set(VIEW_TRANSFORM)
    assert node.GetCurrentInteractionMode() == vtkMRMLInteractionNode.ViewTransform
    modes.set(PLACE)
    assert (modes.current, modes.resting) == (PLACE, VIEW_TRANSFORM)
    with pytest.raises(InteractionModeError):
        modes.set("lasso")


def test_when_slicer_ends_placing_the_views_return_to_the_resting_mode(modes):
    seen = []
    modes.add_listener(seen.append)
    modes.set(PLACE)
    modes._node.SwitchToViewTransformMode()  # what Slicer does when a single placement is complete
    assert modes.current == WINDOW_LEVEL
    assert modes._node.GetCurrentInteractionMode() == vtkMRMLInteractionNode.AdjustWindowLevel
    assert seen == [PLACE, WINDOW_LEVEL]


def test_escape_ends_a_passing_mode_only(modes):
    assert not modes.end_passing_mode()
    modes.set(PLACE)
    assert modes.end_passing_mode()
    assert modes.current == WINDOW_LEVEL


def test_a_registered_mode_such_as_paint_enters_and_leaves(modes):
    calls = []
    modes.register(InteractionMode("paint", vtkMRMLInteractionNode.ViewTransform,
                                   enter=lambda: calls.append("enter"), leave=lambda: calls.append("leave")))
    modes.set("paint")
    modes.set(WINDOW_LEVEL)
    assert calls == ["enter", "leave"]
    with pytest.raises(InteractionModeError):
        modes.register(InteractionMode("paint", vtkMRMLInteractionNode.ViewTransform))


# -- a tool's events: it takes the gestures it wants, Slicer keeps the rest -------------------------
class AView:
    name = "Red"


class LeftButtonTool:
    """A tool that takes left presses and records what it sees."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def handle_input(self, view, event) -> bool:
        self.seen.append(event["type"])
        return event["type"] != "move" and event.get("button", 0) == 0


@pytest.fixture
def a_tool(modes):
    tool, left = LeftButtonTool(), []
    modes.register_tool(PAINT, tool, leave=lambda: left.append(modes.current))
    return tool, left


def test_in_a_slicer_mode_slicer_gets_every_event(modes, a_tool):
    tool, _left = a_tool
    assert not modes.route(AView(), {"type": "press", "button": 0})
    assert not modes.route(AView(), {"type": "release", "button": 0})
    assert tool.seen == []


def test_a_tool_owns_the_whole_left_drag_and_lets_other_buttons_through(modes, a_tool):
    tool, _left = a_tool
    modes.set(PAINT)
    assert modes._node.GetCurrentInteractionMode() == vtkMRMLInteractionNode.AdjustWindowLevel
    assert not modes.route(AView(), {"type": "move"})  # hover: seen and passed on
    assert modes.route(AView(), {"type": "press", "button": 0})
    assert modes.route(AView(), {"type": "move"})
    assert modes.route(AView(), {"type": "release", "button": 0})
    assert not modes.route(AView(), {"type": "press", "button": 2})  # right drag: Slicer's zoom
    assert not modes.route(AView(), {"type": "move"})
    assert not modes.route(AView(), {"type": "release", "button": 2})
    assert tool.seen == ["move", "press", "move", "release", "press"]


def test_a_mode_change_in_mid_drag_leaves_the_drag_with_its_owner(modes, a_tool):
    tool, _left = a_tool
    modes.set(PAINT)
    modes.route(AView(), {"type": "press", "button": 0})
    modes.set(WINDOW_LEVEL)
    assert modes.route(AView(), {"type": "release", "button": 0})
    assert tool.seen[-1] == "release"


def test_escape_or_placing_a_markup_puts_the_tool_away_and_tells_it(modes, a_tool):
    _tool, left = a_tool
    modes.set(PAINT)
    assert modes.end_passing_mode()  # Escape
    assert (modes.current, left) == (WINDOW_LEVEL, [WINDOW_LEVEL])
    modes.set(PAINT)
    modes.set(PLACE)  # a markup is placed: the tool is left, placing ends back in the resting mode
    assert left == [WINDOW_LEVEL, PLACE]
    modes.end_passing_mode()
    assert modes.current == WINDOW_LEVEL
    assert not modes.leave(PAINT)  # not current: nothing to do


def test_opening_a_saved_scene_keeps_the_mouse_mode_left_drag_still_sets_window_level(a_ct_path, tmp_path):
    # A saved scene holds Slicer's interaction node, which comes back in view/transform: the views were
    # left in that mode, where a left drag in a slice view did nothing (window/level was gone until reload).
    from trame_slicer_app import scene_data
    from trame_slicer_app.scene_session import SceneSession

    session = SceneSession()
    try:
        session.open_volumes([a_ct_path])
        engine = session.engine
        node = engine.app_logic.GetInteractionNode()
        scene_data.save_scene(engine, tmp_path / "scene.mrb")
        scene_data.close_scene(engine)
        session.open_paths([tmp_path / "scene.mrb"])
        assert engine.interaction_modes.current == WINDOW_LEVEL
        assert node.GetCurrentInteractionMode() == vtkMRMLInteractionNode.AdjustWindowLevel
        # A mode chosen before the scene was opened is kept too.
        engine.interaction_modes.set(VIEW_TRANSFORM)
        session.open_paths([tmp_path / "scene.mrb"])
        assert engine.interaction_modes.current == VIEW_TRANSFORM
        assert node.GetCurrentInteractionMode() == vtkMRMLInteractionNode.ViewTransform
    finally:
        session.close()
