"""Two-way binding between trame state keys and values held in the MRML scene.

State -> MRML: a change of a bound key (from the browser) is validated and
handed to an engine setter; a value that fails validation, or that the engine
refuses, is logged and the key is put back to what MRML holds.

MRML -> state: the scene is polled at ``POLL_INTERVAL_S`` through a
``SceneChangeTracker``; when anything changed, every bound key is re-read
and the keys whose value differs from the last one pushed go out in one
state flush. A drag in a view therefore costs at most one state message per
poll interval, however many times MRML was modified.

No feedback loop: a key's change handler does nothing when the incoming
value equals the last value pushed from MRML or the value MRML holds now.

One-shot edits (rename, delete, a preset button) go through ``edit``, which
takes an undo checkpoint first and refreshes the bound keys after.
See docs/decisions/0007-state-binding.md.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..engine.errors import EngineError

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.15  # MRML -> state; ~7 Hz keeps a drag's readouts live without flooding
UNDO_COALESCE_S = 1.0  # repeated edits of one key (a slider drag) within this make one undo step
MAX_TEXT_LENGTH = 256  # names and ids coming from the browser


class BindingError(ValueError):
    """A value from the browser that cannot be applied."""


# -- validators: hostile browser values in, clean Python values out (or BindingError) --
def a_number(lo: float | None = None, hi: float | None = None) -> Callable[[Any], float]:
    """A finite number (bools and numeric strings refused: sliders send numbers), clamped to [lo, hi]."""

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BindingError("not a number")
        value = float(value)
        if not math.isfinite(value):
            raise BindingError("not a finite number")
        if lo is not None:
            value = max(lo, value)
        if hi is not None:
            value = min(hi, value)
        return value

    return check


def a_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BindingError("not true/false")
    return value


def one_of(choices: Callable[[], Iterable[Any]] | Iterable[Any]) -> Callable[[Any], Any]:
    """A value among ``choices`` (a collection, or a callable giving the current ones)."""

    def check(value: Any) -> Any:
        allowed = list(choices() if callable(choices) else choices)
        if not isinstance(value, (str, int, float, type(None))) or value not in allowed:
            raise BindingError(f"not one of {allowed[:10]}")
        return value

    return check


def a_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT_LENGTH:
        raise BindingError(f"not a name of 1 to {MAX_TEXT_LENGTH} characters")
    return value.strip()


def a_node_id(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT_LENGTH:
        raise BindingError("not a node id")
    return value


@dataclass
class BoundValue:
    key: str
    read: Callable[[], Any]  # the MRML value as plain data (None when there is nothing to show)
    write: Callable[[Any], None] | None  # applies a validated value; refuses with EngineError/BindingError
    validate: Callable[[Any], Any]
    undo_label: str | None  # None: a choice in the UI (which volume to edit), not a scene edit


class MrmlBinding:
    """Keeps bound trame state keys and MRML in step (see the module docstring)."""

    def __init__(self, state, take_changes: Callable[[], set[str]] | None = None, undo=None) -> None:
        self.state = state
        self._take_changes = take_changes
        self.undo = undo
        self._bound: dict[str, BoundValue] = {}
        self._last_pushed: dict[str, Any] = {}
        self._last_checkpoint: tuple[str, float] = ("", 0.0)
        self._poll_hooks: list[Callable[[], dict]] = []
        self._task: asyncio.Task | None = None
        self.flushes = 0  # state flushes made by polling (for the decision record's figures)

    # -- declaring -------------------------------------------------------------
    def bind(self, key: str, read: Callable[[], Any], write: Callable[[Any], None] | None = None,
             validate: Callable[[Any], Any] | None = None, undo_label: str | None = None,
             undoable: bool = True) -> None:
        """Bind ``key``: read from MRML now, and (when ``write`` is given) written back on change,
        after an undo checkpoint labelled ``undo_label`` unless ``undoable`` is False."""
        bound = BoundValue(key, read, write, validate or (lambda v: v), (undo_label or key) if undoable else None)
        self._bound[key] = bound
        value = self._read(bound)
        self._last_pushed[key] = value
        self.state[key] = value
        if write is not None:
            self.state.change(key)(lambda **_: self._on_state_change(bound))

    def add_poll_hook(self, hook: Callable[[], dict]) -> None:
        """``hook()`` runs at every poll and returns state keys to push (or {})."""
        self._poll_hooks.append(hook)

    # -- state -> MRML -----------------------------------------------------------
    def _on_state_change(self, bound: BoundValue) -> None:
        incoming = self.state[bound.key]
        if incoming == self._last_pushed.get(bound.key):
            return  # our own push coming back, or nothing new
        current = self._read(bound)
        if incoming == current:
            self._last_pushed[bound.key] = current
            return
        try:
            value = bound.validate(incoming)
            if bound.undo_label is not None:
                self.checkpoint(bound.undo_label, coalesce=True)
            bound.write(value)
        except (BindingError, EngineError, TypeError) as error:  # refused by our checks or by the engine
            log.warning("ignored %s = %.80r: %s", bound.key, incoming, error)
        # What MRML holds now wins: the value may have been clamped or refused.
        self._push({bound.key: self._read(bound)}, force=True)
        self.refresh()  # other keys may follow (level after a window preset, a slider range)

    def edit(self, label: str, action: Callable[..., Any], *args: Any) -> Any:
        """Run one user edit: checkpoint for undo, apply, refresh. Refusals are logged, not raised."""
        try:
            self.checkpoint(label)
            return action(*args)
        except (BindingError, EngineError, TypeError, KeyError) as error:
            log.warning("ignored %s%.120r: %s", label, args, error)
            return None
        finally:
            self.refresh()

    def edit_checked(self, label: str, action: Callable[..., Any], *checked: tuple[Callable[[Any], Any], Any]) -> Any:
        """``edit`` with browser arguments given as (validator, value) pairs, checked before the
        undo checkpoint so that a refused edit leaves no empty undo step."""
        try:
            args = [check(value) for check, value in checked]
        except (BindingError, TypeError) as error:
            log.warning("ignored %s: %s", label, error)
            self.refresh()
            return None
        return self.edit(label, action, *args)

    def checkpoint(self, label: str, coalesce: bool = False) -> None:
        """Tell undo that an edit is about to happen. With ``coalesce``, a burst of edits
        of the same thing (a slider being dragged) makes one undo step."""
        if self.undo is None:
            return
        now = time.monotonic()
        last_label, last_at = self._last_checkpoint
        self._last_checkpoint = (label, now)
        if coalesce and label == last_label and now - last_at < UNDO_COALESCE_S:
            return
        self.undo.checkpoint(label)

    def end_coalescing(self) -> None:
        """The next edit starts a new undo step even if it repeats the last one (after undo/redo)."""
        self._last_checkpoint = ("", 0.0)

    # -- MRML -> state -----------------------------------------------------------
    def refresh(self) -> int:
        """Re-read every bound key; push the changed ones (one flush). Returns how many."""
        return self._push({key: self._read(bound) for key, bound in self._bound.items()})

    def poll(self) -> int:
        """One poll step: refresh when MRML changed, run the poll hooks."""
        changed = {}
        if self._take_changes is None or self._take_changes():
            changed.update({key: self._read(bound) for key, bound in self._bound.items()})
        for hook in self._poll_hooks:
            try:
                changed.update(hook() or {})
            except (ValueError, TypeError) as error:
                log.warning("poll hook failed: %s", error)
        return self._push(changed)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_event_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(POLL_INTERVAL_S)
            try:
                self.poll()
            except Exception:  # the poll must survive any one bad read
                log.exception("MRML poll failed")

    def _push(self, values: dict, force: bool = False) -> int:
        changed = {k: v for k, v in values.items() if force or v != self._last_pushed.get(k, _UNSET)}
        if not changed:
            return 0
        self._last_pushed.update(changed)
        with self.state:
            self.state.update(changed)
        self.flushes += 1
        return len(changed)

    @staticmethod
    def _read(bound: BoundValue) -> Any:
        try:
            return bound.read()
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # The node may have gone between the change and the read.
            log.debug("could not read %s: %s", bound.key, error)
            return None


_UNSET = object()
