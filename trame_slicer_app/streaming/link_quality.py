"""How fast the link to one client is, and what frames it can take.

The round trip of each frame (sent -> acknowledged after painting) gives the
link's delay and the frame credit. The time a frame's bytes spent on the wire
is measured by the client: each frame carries the server's send time, each
reply to an input message too, and the client reports how much longer the
frame took to arrive than the quickest tiny reply (same clock offset, so it
cancels). That transfer time gives the goodput without counting the time the
server was busy rendering before it read an acknowledgement, which the round
trip includes. From those, and from how long the view takes to render, the
controller picks, during interaction, a resolution scale and JPEG quality that
fit the target frame rate.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

# (scale, JPEG quality) from best to cheapest; interaction walks this ladder.
QUALITY_LADDER = (
    (1.0, 80), (1.0, 70), (1.0, 60), (0.85, 55), (0.75, 50), (0.6, 45), (0.5, 40), (0.4, 35), (0.3, 30), (0.25, 25),
)
STILL_SCALE, STILL_QUALITY = 1.0, 90
MAX_CREDIT_FRAMES = 4
# Two frames in flight even on a local link: the next frame renders while the
# browser decodes and paints the last one (one in flight halved the frame rate).
MIN_CREDIT_FRAMES = 2
LOCAL_GOODPUT_BYTES_PER_S = 200e6  # what "no measurable transfer time" counts as
MIN_TRANSFER_S = 0.002
SMOOTHING = 0.25
FRAME_BUDGET_SHARE = 0.7  # of the link, per frame interval: room for input and jitter
STEP_UP_AFTER_FRAMES = 8
# Render + read-back + encode may take this share of a frame interval; above it
# the view renders at a smaller scale (render time follows the pixel count).
# Goodput is the best of the last few frames' samples: a client busy decoding or
# a server busy rendering only ever makes a frame look slower than the link is.
GOODPUT_WINDOW_FRAMES = 8
RENDER_BUDGET_SHARE = 0.9
# The render keeps at least this share of the frame budget, whatever the encode takes.
MIN_RENDER_BUDGET_SHARE = 0.5
RENDER_SCALE_STEP = 0.05  # coarse steps: a new scale resizes the view
# A scale this close to 1 renders at 1: a resize costs about a frame's render (the slice
# logic reslices every layer at the new size), twice per wheel gesture, for a few % of pixels.
FULL_SCALE_SNAP = 0.9
MIN_RENDER_SCALE = 0.25
MIN_INTERACTIVE_SHARE = 0.05


@dataclass
class LinkEstimate:
    srtt_s: float = 0.0
    min_rtt_s: float = math.inf
    goodput_bytes_per_s: float = LOCAL_GOODPUT_BYTES_PER_S
    samples: int = 0
    recent_goodput: deque = field(default_factory=lambda: deque(maxlen=GOODPUT_WINDOW_FRAMES))

    def add(self, rtt_s: float, frame_bytes: int, transfer_s: float | None = None) -> None:
        """One acknowledged frame. ``transfer_s`` is the client's measure of the
        frame's time on the wire; without it (an old client) the part of the round
        trip above the smallest one seen stands in, which misses transfer time that
        every frame pays alike."""
        rtt_s = max(0.0, rtt_s)
        self.min_rtt_s = min(self.min_rtt_s, rtt_s)
        self.srtt_s = rtt_s if self.samples == 0 else (1 - SMOOTHING) * self.srtt_s + SMOOTHING * rtt_s
        if transfer_s is None:
            transfer_s = rtt_s - self.min_rtt_s
        sample = frame_bytes / transfer_s if transfer_s > MIN_TRANSFER_S else LOCAL_GOODPUT_BYTES_PER_S
        self.recent_goodput.append(min(sample, LOCAL_GOODPUT_BYTES_PER_S))
        self.goodput_bytes_per_s = max(self.recent_goodput)
        self.samples += 1


class QualityController:
    """Picks interactive scale/quality and the frame credit for one view and client."""

    def __init__(self, target_fps: float) -> None:
        self.target_fps = target_fps
        self.link = LinkEstimate()
        self.level = 0
        self._frames_under_budget = 0
        self._bytes_per_pixel = {}  # ladder level -> measured bytes per (scaled) pixel
        self.full_scale_frame_s = 0.0  # an interactive frame's render + read-back + encode at scale 1
        # Still frames cost more than interactive ones (JPEG quality, multisampling, finer volume
        # rendering): what an interactive frame costs as a share of a still one, learnt from both,
        # turns a still frame into evidence of the next drag's cost (volume rendering switched
        # on at rest must make the next drag start small, a still frame after a drag must not).
        self.still_frame_s = 0.0
        self.interactive_share = 1.0
        # The read-back and encode of an interactive frame at its last scale: what the render may not use
        # of the frame interval (a bigger view's frames take longer to encode).
        self.encode_s = 0.0

    @property
    def interactive_scale_quality(self) -> tuple[float, int]:
        """The link's ladder step, with the scale capped by what the view can render in time."""
        scale, quality = QUALITY_LADDER[self.level]
        return min(scale, self.render_scale_cap()), quality

    @property
    def render_budget_s(self) -> float:
        """How long an interactive frame of this view may take to render: what the scale cap aims at
        (render, read-back and encode within the frame budget) less the encode, told to the view, so that
        what adapts inside it (the CPU ray caster's sample distance) aims at the same time instead of a
        budget of its own. Measured: with the whole budget for the render alone, the Conventional
        layout's larger 3D frames spent 6 ms more encoding than One-Up's, step for step."""
        budget = RENDER_BUDGET_SHARE / self.target_fps
        return max(MIN_RENDER_BUDGET_SHARE * budget, budget - self.encode_s)

    def render_scale_cap(self) -> float:
        """The largest scale whose render + read-back + encode fits the frame interval
        (render time follows the pixel count), in steps of RENDER_SCALE_STEP."""
        if self.full_scale_frame_s <= 0:
            return 1.0
        fitting = math.sqrt(RENDER_BUDGET_SHARE / self.target_fps / self.full_scale_frame_s)
        if fitting >= FULL_SCALE_SNAP:
            return 1.0
        stepped = math.floor(fitting / RENDER_SCALE_STEP) * RENDER_SCALE_STEP
        return min(1.0, max(MIN_RENDER_SCALE, stepped))

    def drag_scale(self) -> float:
        """The render scale for a drag starting now (what is known of the render time,
        still frames included, caps it from the drag's first frame)."""
        return self.interactive_scale_quality[0]

    def credit(self) -> int:
        """Frames allowed in flight: enough to cover one round trip at the target rate."""
        return max(MIN_CREDIT_FRAMES, min(MAX_CREDIT_FRAMES, math.ceil(self.link.srtt_s * self.target_fps)))

    def frame_budget_bytes(self) -> float:
        return self.link.goodput_bytes_per_s / self.target_fps * FRAME_BUDGET_SHARE

    def on_frame_made(self, render_scale: float, seconds: float, still: bool = False,
                      encode_s: float | None = None) -> None:
        """How long a frame took to render, read back and encode at ``render_scale`` (``encode_s`` of
        it after the render)."""
        if render_scale <= 0 or seconds <= 0:
            return
        if encode_s is not None and encode_s >= 0 and not still:
            self.encode_s = _smoothed(self.encode_s, encode_s)
        full = seconds / render_scale**2
        if still:
            self.still_frame_s = _smoothed(self.still_frame_s, full)
            full *= self.interactive_share
        elif self.still_frame_s > 0:
            share = min(1.0, max(MIN_INTERACTIVE_SHARE, full / self.still_frame_s))
            self.interactive_share = _smoothed(self.interactive_share, share)
        self.full_scale_frame_s = _smoothed(self.full_scale_frame_s, full)

    def on_frame_acked(
        self, level: int | None, frame_bytes: int, pixels: int, rtt_s: float, transfer_s: float | None = None
    ) -> None:
        """Learn from an acknowledged frame; ``level`` is None for still frames."""
        self.link.add(rtt_s, frame_bytes, transfer_s)
        if level is None or pixels <= 0:
            return
        self._bytes_per_pixel[level] = frame_bytes / pixels
        budget = self.frame_budget_bytes()
        if frame_bytes > budget and self.level < len(QUALITY_LADDER) - 1:
            # Step down as far as the measured size says is needed.
            last_level = len(QUALITY_LADDER) - 1
            while self.level < last_level and self._predicted_bytes(self.level, level, frame_bytes) > budget:
                self.level += 1
            self._frames_under_budget = 0
        elif self.level > 0 and self._predicted_bytes(self.level - 1, level, frame_bytes) < budget:
            self._frames_under_budget += 1
            if self._frames_under_budget >= STEP_UP_AFTER_FRAMES:
                self.level -= 1
                self._frames_under_budget = 0
        else:
            self._frames_under_budget = 0

    def _predicted_bytes(self, candidate: int, measured_level: int, measured_bytes: int) -> float:
        cap = self.render_scale_cap()  # frames are rendered no larger than this
        scale_m, quality_m = QUALITY_LADDER[measured_level]
        scale_c, quality_c = QUALITY_LADDER[candidate]
        scale_m, scale_c = min(scale_m, cap), min(scale_c, cap)
        # JPEG size grows roughly with pixels and, over this range, with quality.
        return measured_bytes * (scale_c / scale_m) ** 2 * (quality_c / quality_m)


def _smoothed(estimate: float, sample: float) -> float:
    return sample if estimate == 0 else (1 - SMOOTHING) * estimate + SMOOTHING * sample
