"""The interaction-mode owner over Slicer's interaction node: named modes, one place that chooses."""

from __future__ import annotations

import pytest
from slicer import vtkMRMLInteractionNode

from trame_slicer_app.engine.views.interaction_mode import (
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
