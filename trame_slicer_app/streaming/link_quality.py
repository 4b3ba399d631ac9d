"""How fast the link to one client is, and what frames it can take.

The round trip of each frame (sent -> acknowledged after painting) gives the
link's delay; the part of it above the smallest round trip seen is the time
the frame's bytes took on the wire, which gives the goodput. From those the
controller picks, during interaction, a resolution scale and JPEG quality
that fit the target frame rate, and a credit (frames in flight) that fills
the link without queueing on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


@dataclass
class LinkEstimate:
    srtt_s: float = 0.0
    min_rtt_s: float = math.inf
    goodput_bytes_per_s: float = LOCAL_GOODPUT_BYTES_PER_S
    samples: int = 0

    def add(self, rtt_s: float, frame_bytes: int) -> None:
        rtt_s = max(0.0, rtt_s)
        self.min_rtt_s = min(self.min_rtt_s, rtt_s)
        self.srtt_s = rtt_s if self.samples == 0 else (1 - SMOOTHING) * self.srtt_s + SMOOTHING * rtt_s
        transfer_s = rtt_s - self.min_rtt_s
        sample = frame_bytes / transfer_s if transfer_s > MIN_TRANSFER_S else LOCAL_GOODPUT_BYTES_PER_S
        sample = min(sample, LOCAL_GOODPUT_BYTES_PER_S)
        self.goodput_bytes_per_s = (1 - SMOOTHING) * self.goodput_bytes_per_s + SMOOTHING * sample
        self.samples += 1


class QualityController:
    """Picks interactive scale/quality and the frame credit for one view and client."""

    def __init__(self, target_fps: float) -> None:
        self.target_fps = target_fps
        self.link = LinkEstimate()
        self.level = 0
        self._frames_under_budget = 0
        self._bytes_per_pixel = {}  # ladder level -> measured bytes per (scaled) pixel

    @property
    def interactive_scale_quality(self) -> tuple[float, int]:
        return QUALITY_LADDER[self.level]

    def credit(self) -> int:
        """Frames allowed in flight: enough to cover one round trip at the target rate."""
        return max(MIN_CREDIT_FRAMES, min(MAX_CREDIT_FRAMES, math.ceil(self.link.srtt_s * self.target_fps)))

    def frame_budget_bytes(self) -> float:
        return self.link.goodput_bytes_per_s / self.target_fps * FRAME_BUDGET_SHARE

    def on_frame_acked(self, level: int | None, frame_bytes: int, pixels: int, rtt_s: float) -> None:
        """Learn from an acknowledged frame; ``level`` is None for still frames."""
        self.link.add(rtt_s, frame_bytes)
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
        scale_m, quality_m = QUALITY_LADDER[measured_level]
        scale_c, quality_c = QUALITY_LADDER[candidate]
        # JPEG size grows roughly with pixels and, over this range, with quality.
        return measured_bytes * (scale_c / scale_m) ** 2 * (quality_c / quality_m)
