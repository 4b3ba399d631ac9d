"""Which mode owns the mouse in the views: Slicer's own (view/transform, window/level) or a tool's.

Slicer has one interaction mode for the whole application (its mouse-mode toolbar: view/transform,
window/level, place; and the Segment Editor's effects take the left button while they are active).
Here one ``InteractionModes`` per scene holds the active mode; a tool registers a handler for its
mode. Every event still passes through ``route``: a handler sees it first and says whether it
consumed it; what it does not consume goes on to Slicer's interactor style, so the wheel, keys and
the other buttons keep Slicer's behaviour while a tool is active.

A gesture (press ... release of one button) stays with whoever took its press, even when the mode
changes in mid-drag, so neither side ever sees half a drag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ..errors import EngineError

VIEW_TRANSFORM = "view"  # Slicer's interactor styles get everything
WINDOW_LEVEL = "window_level"  # as VIEW_TRANSFORM here: Slicer's left drag in a slice view is window/level
PLACE = "place"  # a markups tool places points
PAINT = "paint"  # a segment editor effect edits a segment with the left button

SLICER_MODES = frozenset({VIEW_TRANSFORM, WINDOW_LEVEL})


class InteractionModeError(EngineError):
    """A mode that no tool handles was asked for."""


class ModeHandler(Protocol):
    """A tool's side of the input path (the view is the engine's SlicerView)."""

    def handle_input(self, view, event: Mapping) -> bool:
        """Act on one event; True if it was consumed (Slicer's interactor style does not see it)."""
        ...


class InteractionModes:
    """The one owner of "who gets the mouse"."""

    def __init__(self) -> None:
        self._mode = VIEW_TRANSFORM
        self._handlers: dict[str, ModeHandler] = {}
        # view name -> the handler that took the press of the gesture in progress (None: Slicer's).
        self._gesture_owner: dict[str, ModeHandler | None] = {}

    @property
    def mode(self) -> str:
        return self._mode

    def register(self, mode: str, handler: ModeHandler) -> None:
        if mode in SLICER_MODES:
            raise InteractionModeError(f"mode {mode!r} belongs to Slicer's interactor styles")
        self._handlers[mode] = handler

    def set_mode(self, mode: str) -> None:
        if mode not in SLICER_MODES and mode not in self._handlers:
            raise InteractionModeError(f"no tool handles interaction mode {mode!r}")
        self._mode = mode

    def route(self, view, event: Mapping) -> bool:
        """Offer one event to the active tool; True when the tool consumed it."""
        kind = event.get("type")
        name = view.name
        if kind == "press":
            handler = self._handlers.get(self._mode)
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
        handler = self._handlers.get(self._mode)
        return handler is not None and handler.handle_input(view, event)
