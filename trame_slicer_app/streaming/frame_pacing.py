"""When a view may send its next frame, and of which kind.

Pure bookkeeping on a clock the caller passes in, so it is tested without
waiting: a view renders only when dirty, at most ``credit`` frames are in
flight, frames are at least 1/target_fps apart, and once interaction stops a
full-quality still frame follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SETTLE_AFTER_INPUT_S = 0.08  # no press held: the still frame follows this long after the last input
# (a wheel or keys may go on). A release that ends a drag is a clear end: no wait.
# A view stays under the hand this long after its last wheel step or key (there is no release to
# end them), so that the views linked to it wait for the burst to end before their still frames:
# a linked still frame (a full-quality volume rendering) takes longer than the gap between steps.
UNDER_HAND_AFTER_STEP_S = 0.15


class FrameKind(Enum):
    INTERACTIVE = "interactive"
    STILL = "still"
    # A frame of a view that changes because another view is under the hand (a slice plane moving
    # in 3D while Red is dragged): rendered cheaply, in what the focused view leaves of its time.
    LINKED = "linked"


@dataclass
class FramePacer:
    target_fps: float
    dirty: bool = True
    buttons_down: set = field(default_factory=set)
    last_input_at: float = -1e9
    last_sent_at: float = -1e9
    in_flight: int = 0
    still_owed: bool = False  # the last frame sent was a reduced one
    drag_just_ended: bool = False  # the last input was the release of the last held button

    def on_input(self, event: dict, now: float) -> None:
        self.drag_just_ended = False
        if event["type"] == "press":
            self.buttons_down.add(event["button"])
        elif event["type"] == "release":
            self.buttons_down.discard(event["button"])
            self.drag_just_ended = not self.buttons_down
        self.last_input_at = now

    @property
    def interacting(self) -> bool:
        return bool(self.buttons_down)

    def under_hand(self, now: float) -> bool:
        """Whether the user is acting on this view now: a button held, or a step moments ago."""
        return self.interacting or (not self.drag_just_ended and now - self.last_input_at < UNDER_HAND_AFTER_STEP_S)

    def under_hand_until(self) -> float | None:
        """When it stops being under the hand if no input comes (None: at a release, which wakes)."""
        if self.interacting or self.drag_just_ended:
            return None
        return self.last_input_at + UNDER_HAND_AFTER_STEP_S

    def settled(self, now: float) -> bool:
        return not self.interacting and (self.drag_just_ended or now - self.last_input_at >= SETTLE_AFTER_INPUT_S)

    def _settle_at(self) -> float:
        return self.last_input_at if self.drag_just_ended else self.last_input_at + SETTLE_AFTER_INPUT_S

    def next_frame(self, now: float, credit: int) -> tuple[FrameKind | None, float | None]:
        """The kind of frame to render now (or None), and when to look again
        (None: only when something changes)."""
        if self.in_flight >= credit:
            return None, None
        if self.dirty:
            due = self.last_sent_at + 1.0 / self.target_fps
            # The frame rate paces the frames of a drag; the still frame that ends one is due at once
            # (the credit still bounds the frames in flight).
            if now < due and not self.drag_just_ended:
                return None, due
            kind = FrameKind.STILL if self.settled(now) else FrameKind.INTERACTIVE
            return kind, None
        if self.still_owed:
            settle_at = self._settle_at()
            if self.interacting:
                return None, None
            if now < settle_at:
                return None, settle_at
            return FrameKind.STILL, None
        return None, None

    def on_frame_sent(self, kind: FrameKind, now: float) -> None:
        self.dirty = False
        self.in_flight += 1
        self.last_sent_at = now
        self.still_owed = kind is not FrameKind.STILL

    def on_frame_acked(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)
