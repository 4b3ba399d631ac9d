"""Focus first: while a view is under the hand, the views that change because of it wait.

A drag in Red moves Red's plane in the 3D view (with its volume rendering) and the intersection
lines in Yellow and Green. All views render on one thread, so rendering those linked views as soon
as they changed put Red's next frame behind them: measured in the Conventional layout with volume
rendering on, a Red pan step took 121-147 ms to paint against 34-43 ms in One-Up, and Red painted
8.5-9.8 frames/s. Here a linked view renders only in the room the focused views leave before their
next frame is due, with a cheaper finish (a small render budget and, where a frame is costly, a
smaller size) and at most ``LINKED_MAX_FPS``; a floor of ``LINKED_MIN_FPS`` keeps it moving when no
room opens. Its still frame follows when the interaction ends (the pacer owes it one).

Pure bookkeeping on a clock the caller passes in, like the pacer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A linked view gets a frame at least this often while it waits (so that, after the frame's trip
# to the browser, it still paints at least 4 frames/s) ...
LINKED_MIN_FPS = 8.0
# ... and at most this often: the rest of the render thread belongs to the focused views.
LINKED_MAX_FPS = 12.0
# Render time a linked frame aims for. Volume rendering fits its rays to it, and a view whose
# frame costs more than this renders smaller (render time follows the pixel count).
LINKED_FRAME_BUDGET_S = 0.012
FIRST_RENDER_GUESS_S = LINKED_FRAME_BUDGET_S  # until a linked frame of the view has been timed
SMOOTHING = 0.3
SCALE_STEP = 0.05  # coarse steps: a new scale resizes the view
FULL_SCALE_SNAP = 0.9  # a resize costs about a frame: close to 1 renders at 1
MIN_SCALE = 0.3


@dataclass
class LinkedPacing:
    """One view's frames while another view is under the hand."""

    waiting_since: float | None = None  # when it changed without being rendered since
    last_frame_at: float = -math.inf
    render_s: float = 0.0  # smoothed render time of its linked frames: what must fit the room
    full_scale_s: float = 0.0  # the same at scale 1 (render time follows the pixel count)
    scale: float | None = None  # chosen at the interaction's first linked frame, kept to its end

    def note_changed(self, now: float) -> None:
        if self.waiting_since is None:
            self.waiting_since = now

    def on_frame(self) -> None:
        """Any frame of the view (linked or not) shows what it waited to show."""
        self.waiting_since = None

    def may_render(self, now: float, room_s: float, may_overrun: bool = True) -> tuple[bool, float | None]:
        """Whether to render a linked frame now, given ``room_s`` before a focused view's next
        frame is due; else when to look again (None: when something changes). A view that has
        waited its longest renders even without room, when ``may_overrun``."""
        if self.waiting_since is None:
            return False, None
        earliest = self.last_frame_at + 1.0 / LINKED_MAX_FPS
        if now < earliest:
            return False, earliest
        if self.fits(room_s):
            return True, None
        overdue_at = self.waiting_since + 1.0 / LINKED_MIN_FPS
        if now < overdue_at:
            return False, overdue_at
        return may_overrun, None

    def overdue(self, now: float) -> bool:
        """Whether it has waited its longest: its frame goes even without room."""
        return self.waiting_since is not None and now >= self.waiting_since + 1.0 / LINKED_MIN_FPS

    def fits(self, room_s: float) -> bool:
        """Whether its frame, as long as its last ones took, ends before the focused views' next."""
        return room_s >= (self.render_s if self.render_s > 0 else FIRST_RENDER_GUESS_S)

    def render_scale(self, interactive_full_scale_s: float) -> float:
        """The scale of the linked frames of this interaction: chosen once (a new scale resizes the
        view) from what its linked frames cost, or its interactive frames before it has any."""
        if self.scale is None:
            full_s = self.full_scale_s if self.full_scale_s > 0 else interactive_full_scale_s
            self.scale = _scale_fitting(LINKED_FRAME_BUDGET_S, full_s)
        return self.scale

    def on_linked_frame(self, now: float, render_s: float | None, scale: float) -> None:
        """A linked frame rendered in ``render_s`` at ``scale`` (None: its time tells nothing,
        as a frame after a resize, which pays for a new frame buffer)."""
        self.last_frame_at = now
        self.waiting_since = None
        if render_s is None or render_s <= 0 or scale <= 0:
            return
        self.render_s = _smoothed(self.render_s, render_s)
        self.full_scale_s = _smoothed(self.full_scale_s, render_s / scale**2)

    def end_of_interaction(self) -> None:
        self.scale = None


def room_before(due_times: list[float], now: float) -> float:
    """Seconds before the first of the focused views' next frames is due (0 when one is due)."""
    return max(0.0, min(due_times) - now) if due_times else math.inf


def _scale_fitting(budget_s: float, full_scale_s: float) -> float:
    if full_scale_s <= 0:
        return 1.0
    fitting = math.sqrt(budget_s / full_scale_s)
    if fitting >= FULL_SCALE_SNAP:
        return 1.0
    return max(MIN_SCALE, math.floor(fitting / SCALE_STEP) * SCALE_STEP)


def _smoothed(estimate: float, sample: float) -> float:
    return sample if estimate == 0 else (1 - SMOOTHING) * estimate + SMOOTHING * sample
