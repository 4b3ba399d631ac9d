"""The one owner of the views' mouse mode: what a left drag in a view does.

Slicer keeps the mode in its interaction node (view/transform, window/level, place, ...); the displayable
managers and interactor styles read it there. Features do not set that node themselves: they register a
mode by name here and ask for it by name, so the toolbar, the Markups panel and (later) the segment editor's
paint tool never fight over it. A mode is a name, the interaction node's mode it puts the views in, and
optional enter/leave callbacks (paint will use them to attach its own handling of the events).

Placing ends on its own in Slicer (after one markup, unless persistent), and the node then falls back to
view/transform; the owner brings the views back to the mode that was chosen before placing ("the resting
mode"), which is window/level in this viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slicer import vtkMRMLInteractionNode

from ..errors import EngineError

VIEW_TRANSFORM = "view"
WINDOW_LEVEL = "window_level"
PLACE = "place"
MAX_MODE_NAME_CHARS = 40

ModeListener = Callable[[str], None]


class InteractionModeError(EngineError):
    """An unknown mode, or a mode registered twice."""


@dataclass(frozen=True)
class InteractionMode:
    name: str
    mrml_mode: int  # vtkMRMLInteractionNode's mode the views are put in
    enter: Callable[[], None] | None = None
    leave: Callable[[], None] | None = None
    resting: bool = True  # a mode the views stay in until another is chosen (place is not: it ends)


class InteractionModes:
    """Registry of named modes over one interaction node; ``current`` is the mode the views are in."""

    def __init__(self, interaction_node: vtkMRMLInteractionNode, initial: str = WINDOW_LEVEL) -> None:
        self._node = interaction_node
        self._modes: dict[str, InteractionMode] = {}
        self._listeners: list[ModeListener] = []
        self.register(InteractionMode(VIEW_TRANSFORM, vtkMRMLInteractionNode.ViewTransform))
        self.register(InteractionMode(WINDOW_LEVEL, vtkMRMLInteractionNode.AdjustWindowLevel))
        self.register(InteractionMode(PLACE, vtkMRMLInteractionNode.Place, resting=False))
        self._current = initial
        self._resting = initial
        self._applying = False
        self._node.SetCurrentInteractionMode(self._modes[initial].mrml_mode)
        self._observer = self._node.AddObserver(vtkMRMLInteractionNode.InteractionModeChangedEvent,
                                                self._on_node_mode_changed)

    # -- registry ---------------------------------------------------------------
    def register(self, mode: InteractionMode) -> None:
        if not isinstance(mode.name, str) or not mode.name or len(mode.name) > MAX_MODE_NAME_CHARS:
            raise InteractionModeError("a mode needs a short name")
        if mode.name in self._modes:
            raise InteractionModeError(f"the mode {mode.name!r} is registered already")
        self._modes[mode.name] = mode

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._modes)

    def add_listener(self, listener: ModeListener) -> None:
        """``listener(name)`` after every change of mode, whoever caused it."""
        self._listeners.append(listener)

    # -- choosing -------------------------------------------------------------------
    @property
    def current(self) -> str:
        return self._current

    @property
    def resting(self) -> str:
        """The mode the views return to when a passing mode (place) ends."""
        return self._resting

    def set(self, name: str) -> None:
        if name not in self._modes:
            raise InteractionModeError(f"no interaction mode {str(name)[:MAX_MODE_NAME_CHARS]!r}; "
                                       f"modes: {', '.join(self._modes)}")
        self._switch(name)

    def end_passing_mode(self) -> bool:
        """Escape: leave place (or any non-resting mode) for the resting one. Whether it did anything."""
        if self._modes[self._current].resting:
            return False
        self._switch(self._resting)
        return True

    def _switch(self, name: str) -> None:
        previous = self._modes[self._current]
        mode = self._modes[name]
        if previous.name != name and previous.leave is not None:
            previous.leave()
        self._current = name
        if mode.resting:
            self._resting = name
        self._applying = True
        try:
            self._node.SetCurrentInteractionMode(mode.mrml_mode)
        finally:
            self._applying = False
        if previous.name != name and mode.enter is not None:
            mode.enter()
        for listener in self._listeners:
            listener(name)

    def _on_node_mode_changed(self, *_args) -> None:
        if self._applying:
            return
        # Slicer changed the mode itself: a single placement finished (it falls back to view/transform).
        node_mode = self._node.GetCurrentInteractionMode()
        if node_mode == self._modes[self._current].mrml_mode:
            return
        if self._current == PLACE and node_mode != vtkMRMLInteractionNode.Place:
            self._switch(self._resting)
            return
        known = next((m.name for m in self._modes.values() if m.mrml_mode == node_mode and m.resting), None)
        if known is not None:
            self._switch(known)

    def close(self) -> None:
        self._node.RemoveObserver(self._observer)
