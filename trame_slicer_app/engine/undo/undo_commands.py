"""Undo steps that carry their own way back and forth, beside the scene snapshots.

A scene snapshot (scene_snapshot.py) is taken BEFORE an edit and compared with the scene to know
whether the edit changed anything. Some edits cannot be captured that way at an acceptable cost: a
brush stroke changes voxels, and a snapshot of every label map per step would copy whole volumes.
Such an edit is recorded AFTER it is done, as a command that knows exactly what it changed
(docs/decisions/0019-segment-editor.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class UndoCommand(Protocol):
    """An edit already done, that can be undone and redone (in strict stack order)."""

    @property
    def nbytes(self) -> int:
        """Memory the step holds; the stack bounds the sum (UNDO_VOXEL_MEMORY_BYTES)."""

    def undo(self) -> None: ...

    def redo(self) -> None: ...


class FunctionCommand:
    """A small edit whose undo and redo are two callables (a segment added, renamed, recoloured)."""

    def __init__(self, undo: Callable[[], None], redo: Callable[[], None], nbytes: int = 0) -> None:
        self._undo = undo
        self._redo = redo
        self._nbytes = int(nbytes)

    @property
    def nbytes(self) -> int:
        return self._nbytes

    def undo(self) -> None:
        self._undo()

    def redo(self) -> None:
        self._redo()


class CompositeCommand:
    """Several commands as one step (split islands: new segments, then their voxels)."""

    def __init__(self, commands) -> None:
        self.commands = list(commands)

    @property
    def nbytes(self) -> int:
        return sum(int(command.nbytes) for command in self.commands)

    def undo(self) -> None:
        for command in reversed(self.commands):
            command.undo()

    def redo(self) -> None:
        for command in self.commands:
            command.redo()
