"""The one owner of the views' mouse mode: what a left drag in a view does, and who sees the events.

Slicer keeps the mode in its interaction node (view/transform, window/level, place, ...); the displayable
managers and interactor styles read it there. Features do not set that node themselves: they register a
mode by name here and ask for it by name, so the toolbar, the Markups panel and the Segment Editor's
effects never fight over it. A mode is a name, the interaction node's mode it puts the views in, optional
enter/leave callbacks, and optionally a tool's input handler (the segment editor's paint, draw, ...).

Every event passes through ``route`` first: the current mode's handler sees it and says whether it
consumed it; what it does not consume goes on to Slicer's interactor style, so the wheel, keys and the
other buttons keep Slicer's behaviour while a tool is active. A gesture (press ... release of one button)
stays with whoever took its press, even when the mode changes in mid-drag, so neither side sees half a drag.

Passing modes (place, a tool) end on Escape or when another mode is chosen; placing also ends on its own
in Slicer (after one markup, unless persistent), and the node then falls back to view/transform. The
owner then brings the views back to the mode chosen before ("the resting mode"), window/level here.

The mode is the app's, not the scene's: a scene file holds Slicer's interaction node, whose import puts
it in view/transform (where a left drag in a slice view does nothing here); the mode chosen before the
import is put back once it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from slicer import vtkMRMLInteractionNode, vtkMRMLScene

from ..errors import EngineError

VIEW_TRANSFORM = "view"
WINDOW_LEVEL = "window_level"
PLACE = "place"
PAINT = "paint"  # a segment editor effect edits a segment with the left button
MAX_MODE_NAME_CHARS = 40

ModeListener = Callable[[str], None]


class InteractionModeError(EngineError):
    """An unknown mode, or a mode registered twice."""


class ModeHandler(Protocol):
    """A tool's side of the input path (the view is the engine's SlicerView)."""

    def handle_input(self, view, event: Mapping) -> bool:
        """Act on one event; True if it was consumed (Slicer's interactor style does not see it)."""
        ...


@dataclass(frozen=True)
class InteractionMode:
    name: str
    mrml_mode: int  # vtkMRMLInteractionNode's mode the views are put in
    enter: Callable[[], None] | None = None
    leave: Callable[[], None] | None = None
    resting: bool = True  # a mode the views stay in until another is chosen (place and tools are not)
    handler: ModeHandler | None = None  # sees the views' events first while the mode is current


class InteractionModes:
    """Registry of named modes over one interaction node; ``current`` is the mode the views are in."""

    def __init__(self, interaction_node: vtkMRMLInteractionNode, initial: str = WINDOW_LEVEL) -> None:
        self._node = interaction_node
        self._modes: dict[str, InteractionMode] = {}
        self._listeners: list[ModeListener] = []
        # view name -> the handler that took the press of the gesture in progress (None: Slicer's).
        self._gesture_owner: dict[str, ModeHandler | None] = {}
        self.register(InteractionMode(VIEW_TRANSFORM, vtkMRMLInteractionNode.ViewTransform))
        self.register(InteractionMode(WINDOW_LEVEL, vtkMRMLInteractionNode.AdjustWindowLevel))
        self.register(InteractionMode(PLACE, vtkMRMLInteractionNode.Place, resting=False))
        self._current = initial
        self._resting = initial
        self._applying = False
        self._node.SetCurrentInteractionMode(self._modes[initial].mrml_mode)
        self._observer = self._node.AddObserver(vtkMRMLInteractionNode.InteractionModeChangedEvent,
                                                self._on_node_mode_changed)
        self._scene = interaction_node.GetScene()
        self._import_observer = (self._scene.AddObserver(vtkMRMLScene.EndImportEvent, self._after_import)
                                 if self._scene is not None else None)

    # -- registry ---------------------------------------------------------------
    def register(self, mode: InteractionMode) -> None:
        if not isinstance(mode.name, str) or not mode.name or len(mode.name) > MAX_MODE_NAME_CHARS:
            raise InteractionModeError("a mode needs a short name")
        if mode.name in self._modes:
            raise InteractionModeError(f"the mode {mode.name!r} is registered already")
        self._modes[mode.name] = mode

    def register_tool(self, name: str, handler: ModeHandler, leave: Callable[[], None] | None = None) -> None:
        """A tool that takes the left button in the slice views while its mode is current (a passing mode:
        Escape or another mode ends it, and ``leave`` is told). The interaction node stays in window/level
        for what the tool does not consume."""
        self.register(InteractionMode(name, vtkMRMLInteractionNode.AdjustWindowLevel, leave=leave,
                                      resting=False, handler=handler))

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
        """The mode the views return to when a passing mode (place, a tool) ends."""
        return self._resting

    def set(self, name: str) -> None:
        if name not in self._modes:
            raise InteractionModeError(f"no interaction mode {str(name)[:MAX_MODE_NAME_CHARS]!r}; "
                                       f"modes: {', '.join(self._modes)}")
        self._switch(name)

    def leave(self, name: str) -> bool:
        """End mode ``name`` if it is the current one (a tool put away); whether it did anything."""
        if self._current != name or self._modes[name].resting:
            return False
        self._switch(self._resting)
        return True

    def end_passing_mode(self) -> bool:
        """Escape: leave place or a tool for the resting mode. Whether it did anything."""
        return self.leave(self._current)

    def _switch(self, name: str) -> None:
        previous = self._modes[self._current]
        mode = self._modes[name]
        self._current = name
        if mode.resting:
            self._resting = name
        if previous.name != name and previous.leave is not None:
            previous.leave()
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
        if self._applying or (self._scene is not None and self._scene.IsImporting()):
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

    # -- events -------------------------------------------------------------------------
    def route(self, view, event: Mapping) -> bool:
        """Offer one event to the current mode's tool; True when the tool consumed it."""
        kind = event.get("type")
        name = view.name
        if kind == "press":
            handler = self._modes[self._current].handler
            consumed = handler is not None and handler.handle_input(view, event)
            self._gesture_owner[name] = handler if consumed else None
            return consumed
        if name in self._gesture_owner:
            owner = self._gesture_owner[name]
            if kind == "release":
                del self._gesture_owner[name]
            if owner is not None:
                owner.handle_input(view, event)
                return True
            return False
        handler = self._modes[self._current].handler
        return handler is not None and handler.handle_input(view, event)

    def _after_import(self, *_args) -> None:
        """A scene was opened: its interaction node's mode is not the app's (see the module's docstring)."""
        wanted = self._modes[self._current].mrml_mode
        if self._node.GetCurrentInteractionMode() != wanted:
            self._applying = True
            try:
                self._node.SetCurrentInteractionMode(wanted)
            finally:
                self._applying = False

    def close(self) -> None:
        self._node.RemoveObserver(self._observer)
        if self._import_observer is not None:
            self._scene.RemoveObserver(self._import_observer)
