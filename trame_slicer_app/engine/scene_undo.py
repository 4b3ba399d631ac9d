"""Undo and redo of the scene edits made through the display controls and the views.

Each checkpoint stores a scene_snapshot (plain values and, for loaded data, references to
the node objects); MRML's own undo is not used, see docs/decisions/0006-undo.md.

Call checkpoint() BEFORE an edit: it records the state the edit can be undone to. A drag in
a view is one edit: checkpoint at the button press, not at every move.
"""

from __future__ import annotations

from slicer import vtkMRMLScene

from .node_lookup import DisplayControlError
from .scene_snapshot import SceneSnapshot, capture, restore
from .slicer_engine import SlicerEngine

# Deleted data stays in memory while an undo level refers to it; this bounds how long.
MAX_UNDO_LEVELS = 50
MAX_UNDO_LABEL_CHARS = 80


class SceneUndo:
    """checkpoint(label) before an edit; undo() and redo() return whether they did anything."""

    def __init__(self, engine: SlicerEngine, max_levels: int = MAX_UNDO_LEVELS) -> None:
        self._engine = engine
        self._max_levels = max(1, int(max_levels))
        self._undo: list[tuple[str, SceneSnapshot]] = []
        self._redo: list[tuple[str, SceneSnapshot]] = []
        # A closed scene starts a new history: old levels would bring closed data back.
        self._observer = engine.scene.AddObserver(vtkMRMLScene.EndCloseEvent, lambda *_args: self.clear())

    def close(self) -> None:
        self._engine.scene.RemoveObserver(self._observer)
        self.clear()

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1][0] if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1][0] if self._redo else None

    def state(self) -> dict:
        """Plain data for the toolbar: {"can_undo", "can_redo", "undo_label", "redo_label"}."""
        return {"can_undo": self.can_undo, "can_redo": self.can_redo,
                "undo_label": self.undo_label, "redo_label": self.redo_label}

    def checkpoint(self, label: str) -> None:
        """Record the scene as it is now, as the state undo returns to; clears redo."""
        if not isinstance(label, str) or not label.strip():
            raise DisplayControlError("an undo checkpoint needs a label")
        self._undo.append((label.strip()[:MAX_UNDO_LABEL_CHARS], capture(self._engine)))
        del self._undo[: max(0, len(self._undo) - self._max_levels)]
        self._redo.clear()

    def undo(self) -> bool:
        return self._step(self._undo, self._redo)

    def redo(self) -> bool:
        return self._step(self._redo, self._undo)

    def _step(self, source: list, target: list) -> bool:
        if not source:
            return False
        label, snapshot = source.pop()
        target.append((label, capture(self._engine)))
        restore(self._engine, snapshot)
        # A restored slice node fits today's view size, whatever size it was captured at.
        for view in self._engine.slice_views.values():
            view.logic.ResizeSliceNode(*view.size)
        for view in self._engine.views.values():
            view.request_render()
        return True
