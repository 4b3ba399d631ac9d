"""Undo/redo: toolbar buttons and Ctrl+Z / Ctrl+Shift+Z, over the scene's undo stack."""

from __future__ import annotations

import logging

from trame.widgets import vuetify3 as v3

from ...layouts import GREEN, RED, YELLOW
from ..browser_components import enable_browser_components

log = logging.getLogger(__name__)

SLICE_VIEWS = (RED, YELLOW, GREEN)


class UndoPanel:
    title = "Undo"
    icon = "mdi-undo"

    def __init__(self, app) -> None:
        self.app = app
        self.undo = app.session.undo
        self.binding = app.binding
        # Checkpoints happen without MRML changing (a press), so these are polled, not bound.
        self.binding.add_poll_hook(self._undo_state)
        app.state.update(self._undo_state())
        # A drag in a slice view is one edit, checkpointed at the press; a burst of wheel steps
        # or keys is one too. The 3D view's camera is not undoable (as in Slicer): no checkpoint.
        app.session.gesture_listeners.append(self._on_gesture_start)
        app.server.trigger("undo_undo")(self.on_undo)
        app.server.trigger("undo_redo")(self.on_redo)
        enable_browser_components(app.server)  # the keys: web/ui/slicer-shortcuts.js

    def _on_gesture_start(self, view_name: str, kind: str) -> None:
        if view_name not in SLICE_VIEWS:
            return
        if kind == "press":
            self.binding.checkpoint(f"drag in {view_name}")
        else:
            self.binding.checkpoint(f"{kind} in {view_name}", coalesce=True)

    def _undo_state(self) -> dict:
        return {"undo_can_undo": self.undo.can_undo, "undo_can_redo": self.undo.can_redo}

    def on_undo(self) -> None:
        self._step(self.undo.undo, "undo")

    def on_redo(self) -> None:
        self._step(self.undo.redo, "redo")

    def _step(self, action, what: str) -> None:
        self.binding.end_coalescing()  # the next edit, whatever it is, is a new undo step
        if not action():
            log.info("nothing to %s", what)
        self.binding.refresh()
        self.app.state.update(self._undo_state())

    def build_toolbar(self) -> None:
        v3.VBtn(icon="mdi-undo", title="Undo (Ctrl+Z)", classes="undo-undo", disabled=("!undo_can_undo",),
                click="trigger('undo_undo')")
        v3.VBtn(icon="mdi-redo", title="Redo (Ctrl+Shift+Z)", classes="undo-redo", disabled=("!undo_can_redo",),
                click="trigger('undo_redo')")


FEATURE = UndoPanel
