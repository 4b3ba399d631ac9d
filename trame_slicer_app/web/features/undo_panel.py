"""Undo/redo: toolbar buttons and Ctrl+Z / Ctrl+Shift+Z, over the scene's undo stack."""

from __future__ import annotations

import logging

from trame.decorators import trigger
from trame.widgets import vuetify3 as v3

from ..browser_components import enable_browser_components
from .feature import Feature, FeatureHost

log = logging.getLogger(__name__)



class UndoPanel(Feature):
    name = "undo"
    title = "Undo"
    icon = "mdi-undo"

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.undo = self.session.undo
        # Checkpoints happen without MRML changing (a press), so these are polled, not bound.
        self.binding.add_poll_hook(self._undo_state)
        self.state.update(self._undo_state())
        # A drag in a slice view is one edit, checkpointed at the press; a burst of wheel steps
        # or keys is one too. The 3D view's camera is not undoable (as in Slicer): no checkpoint.
        self.session.gesture_listeners.append(self._on_gesture_start)
        enable_browser_components(self.server)  # the keys: web/ui/slicer-shortcuts.js

    def _on_gesture_start(self, view_name: str, kind: str) -> None:
        if self.session.view_kind(view_name) != "slice":  # a live desktop's extra slice views too
            return
        if kind == "press":
            self.binding.checkpoint(f"drag in {view_name}")
        else:
            self.binding.checkpoint(f"{kind} in {view_name}", coalesce=True)

    def _undo_state(self) -> dict:
        return {"undo_can_undo": self.undo.can_undo, "undo_can_redo": self.undo.can_redo}

    @trigger("undo_undo")
    def on_undo(self) -> None:
        self._step(self.undo.undo, "undo")

    @trigger("undo_redo")
    def on_redo(self) -> None:
        self._step(self.undo.redo, "redo")

    def _step(self, action, what: str) -> None:
        self.binding.end_coalescing()  # the next edit, whatever it is, is a new undo step
        if not action():
            log.info("nothing to %s", what)
        self.binding.refresh()
        self.state.update(self._undo_state())

    def build_toolbar(self) -> None:
        v3.VBtn(icon="mdi-undo", title="Undo (Ctrl+Z)", classes="undo-undo", disabled=("!undo_can_undo",),
                click="trigger('undo_undo')")
        v3.VBtn(icon="mdi-redo", title="Redo (Ctrl+Shift+Z)", classes="undo-redo", disabled=("!undo_can_redo",),
                click="trigger('undo_redo')")


FEATURE = UndoPanel
