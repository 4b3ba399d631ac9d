"""Undo and redo of the scene edits made through the display controls and the views.

Each checkpoint stores a scene_snapshot (plain values and, for loaded data, references to
the node objects); MRML's own undo is not used, see docs/decisions/0006-undo.md.

Call checkpoint() BEFORE an edit: it records the state the edit can be undone to. A drag in
a view is one edit: checkpoint at the button press, not at every move.

A checkpoint whose edit changed nothing (a click in a view that did not move anything, a
refused value) is a no-op step: its snapshot equals the scene as it is now. Such steps are
never offered: can_undo and the labels look past them, and the next checkpoint, undo() or
redo() drops them. Comparing is cheap (a capture is plain values, no voxels). A no-op
checkpoint taken after an undo does not cost the redo steps: they are set aside with it and
come back when it is dropped.

The same stack holds commands (undo_commands.py): edits recorded AFTER they are done that know
their own way back, such as a voxel edit storing only the changed sub-box of a label map
(voxel_edit.py). push(label, command) records one. Their memory is bounded by
UNDO_VOXEL_MEMORY_BYTES: past it the oldest steps are forgotten (docs/decisions/0019).
"""

from __future__ import annotations

import contextlib
import weakref

from slicer import vtkMRMLScene

from ..scene.node_lookup import DisplayControlError
from ..scene.slicer_engine import SlicerEngine
from .scene_snapshot import SceneSnapshot, capture, restore
from .undo_commands import UndoCommand

# Deleted data stays in memory while an undo level refers to it; this bounds how long.
MAX_UNDO_LEVELS = 50
MAX_UNDO_LABEL_CHARS = 80
# What the commands on both stacks may hold together (voxel edits: packed changed sub-boxes).
# The newest step is kept whatever its size, so the last apply can always be undone.
UNDO_VOXEL_MEMORY_BYTES = 256 * 1024 * 1024

Step = SceneSnapshot | UndoCommand


class SceneUndo:
    """checkpoint(label) before an edit; undo() and redo() return whether they did anything."""

    def __init__(self, engine: SlicerEngine, max_levels: int = MAX_UNDO_LEVELS,
                 max_command_bytes: int = UNDO_VOXEL_MEMORY_BYTES) -> None:
        self._engine = engine
        self._max_levels = max(1, int(max_levels))
        self._max_command_bytes = max(0, int(max_command_bytes))
        self._undo: list[tuple[str, Step]] = []
        self._redo: list[tuple[str, Step]] = []
        # The redo steps the top undo checkpoint cleared, kept until its edit proves real.
        self._redo_set_aside: list[tuple[str, Step]] = []
        # A closed scene starts a new history: old levels would bring closed data back.
        # The observer holds the stack only weakly: VTK keeps the callable alive with the scene, so a
        # strong reference kept every forgotten stack (and the nodes its steps hold) alive as long as
        # its scene, to be called back from inside the scene's destruction.
        this = weakref.ref(self)
        self._observer = engine.scene.AddObserver(vtkMRMLScene.EndCloseEvent, lambda *_args: _clear(this))

    def close(self) -> None:
        if self._observer is not None:
            self._engine.scene.RemoveObserver(self._observer)
            self._observer = None
        self.clear()

    def __del__(self) -> None:
        # A stack dropped without close() takes its observer with it: a callback left on the scene
        # would be called from inside the scene's destruction, into a half-collected interpreter.
        if getattr(self, "_observer", None) is not None:
            with contextlib.suppress(Exception):
                self._engine.scene.RemoveObserver(self._observer)

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self._redo_set_aside = []

    def _offered(self, now: SceneSnapshot) -> tuple[list, list]:
        """The undo and redo stacks as the user sees them with the scene at ``now``: no-op
        steps on top of either left out (changes nothing; see _drop_no_op_steps)."""
        undo = self._undo[:_real_depth(self._undo, now)]
        redo = self._redo
        if len(undo) < len(self._undo) and self._redo_set_aside:
            redo = self._redo_set_aside
        return undo, redo[:_real_depth(redo, now)]

    def _drop_no_op_steps(self, now: SceneSnapshot) -> None:
        kept = _real_depth(self._undo, now)
        if kept < len(self._undo):
            del self._undo[kept:]
            # The dropped top step is the checkpoint that set the redo steps aside (only the
            # top one can have): as it changed nothing, they are still valid.
            if self._redo_set_aside:
                self._redo = self._redo_set_aside
            self._redo_set_aside = []
        del self._redo[_real_depth(self._redo, now):]

    @property
    def can_undo(self) -> bool:
        return bool(self._offered(capture(self._engine))[0])

    @property
    def can_redo(self) -> bool:
        return bool(self._offered(capture(self._engine))[1])

    @property
    def undo_label(self) -> str | None:
        undo, _redo = self._offered(capture(self._engine))
        return undo[-1][0] if undo else None

    @property
    def redo_label(self) -> str | None:
        _undo, redo = self._offered(capture(self._engine))
        return redo[-1][0] if redo else None

    def state(self) -> dict:
        """Plain data for the toolbar: {"can_undo", "can_redo", "undo_label", "redo_label"}."""
        undo, redo = self._offered(capture(self._engine))
        return {"can_undo": bool(undo), "can_redo": bool(redo),
                "undo_label": undo[-1][0] if undo else None, "redo_label": redo[-1][0] if redo else None}

    def checkpoint(self, label: str) -> None:
        """Record the scene as it is now, as the state undo returns to; clears redo (unless
        the edit that follows changes nothing, see the module docstring)."""
        if not isinstance(label, str) or not label.strip():
            raise DisplayControlError("an undo checkpoint needs a label")
        now = capture(self._engine)
        self._drop_no_op_steps(now)
        # Whatever was set aside before belonged to a step that did change the scene: gone.
        self._redo_set_aside = self._redo
        self._redo = []
        self._undo.append((label.strip()[:MAX_UNDO_LABEL_CHARS], now))
        del self._undo[: max(0, len(self._undo) - self._max_levels)]

    def push(self, label: str, command: UndoCommand) -> None:
        """Record an edit already done as one undo step; clears redo (the edit is real)."""
        if not isinstance(label, str) or not label.strip():
            raise DisplayControlError("an undo step needs a label")
        self._drop_no_op_steps(capture(self._engine))
        self._redo_set_aside = []
        self._redo = []
        self._undo.append((label.strip()[:MAX_UNDO_LABEL_CHARS], command))
        del self._undo[: max(0, len(self._undo) - self._max_levels)]
        self._bound_command_memory()

    @property
    def command_bytes(self) -> int:
        """Memory the commands on both stacks hold (see UNDO_VOXEL_MEMORY_BYTES)."""
        return sum(_step_bytes(step) for stack in (self._undo, self._redo, self._redo_set_aside)
                   for _label, step in stack)

    def _bound_command_memory(self) -> None:
        """Forget the oldest undo steps (then the farthest redo steps) until the commands fit;
        the newest undo step stays."""
        total = self.command_bytes
        while total > self._max_command_bytes and len(self._undo) > 1:
            total -= _step_bytes(self._undo.pop(0)[1])
        while total > self._max_command_bytes and self._redo:
            total -= _step_bytes(self._redo.pop(0)[1])
    def undo(self) -> bool:
        return self._step(undoing=True)

    def redo(self) -> bool:
        return self._step(undoing=False)

    def _step(self, undoing: bool) -> bool:
        now = capture(self._engine)
        self._drop_no_op_steps(now)  # may bring set-aside redo steps back: pick the stacks after
        source, target = (self._undo, self._redo) if undoing else (self._redo, self._undo)
        if not source:
            return False
        label, step = source.pop()
        self._redo_set_aside = []  # the top undo step changes: a set-aside branch is gone
        if isinstance(step, SceneSnapshot):
            target.append((label, now))
            restore(self._engine, step)
        else:
            (step.undo if undoing else step.redo)()
            target.append((label, step))
        # A restored slice node fits today's view size, whatever size it was captured at.
        for view in self._engine.slice_views.values():
            view.logic.ResizeSliceNode(*view.size)
        for view in self._engine.views.values():
            view.request_render()
        return True


def _clear(this: weakref.ref) -> None:
    undo = this()
    if undo is not None:
        undo.clear()


def _step_bytes(step: Step) -> int:
    return 0 if isinstance(step, SceneSnapshot) else int(step.nbytes)


def _real_depth(stack: list[tuple[str, Step]], now: SceneSnapshot) -> int:
    """How many steps of ``stack`` are left once those on top whose snapshot equals ``now``
    are left out: going back to them would change nothing. A command is never such a step."""
    depth = len(stack)
    while depth and isinstance(stack[depth - 1][1], SceneSnapshot) and stack[depth - 1][1] == now:
        depth -= 1
    return depth
