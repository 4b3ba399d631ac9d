"""Per-view streaming figures: what the status line and the debug log show."""

from __future__ import annotations

import logging
from collections import deque

log = logging.getLogger(__name__)

WINDOW_FRAMES = 60
LOG_EVERY_FRAMES = 30


class StreamStats:
    def __init__(self, view_name: str) -> None:
        self.view_name = view_name
        self.frames = 0
        self.still_frames = 0
        self.bytes_total = 0
        self.input_messages = 0
        self.max_in_flight = 0
        self._frame_times = deque(maxlen=WINDOW_FRAMES)
        self._frame_bytes = deque(maxlen=WINDOW_FRAMES)
        self._render_ms = deque(maxlen=WINDOW_FRAMES)
        self._encode_ms = deque(maxlen=WINDOW_FRAMES)
        self._rtt_ms = deque(maxlen=WINDOW_FRAMES)

    def on_input_message(self) -> None:
        self.input_messages += 1

    def on_frame(self, frame_bytes: int, render_s: float, encode_s: float, still: bool, now: float) -> None:
        self.frames += 1
        self.still_frames += int(still)
        self.bytes_total += frame_bytes
        self._frame_times.append(now)
        self._frame_bytes.append(frame_bytes)
        self._render_ms.append(render_s * 1000)
        self._encode_ms.append(encode_s * 1000)

    def on_ack(self, rtt_s: float, quality) -> None:
        self._rtt_ms.append(rtt_s * 1000)
        if self.frames % LOG_EVERY_FRAMES == 0 and log.isEnabledFor(logging.DEBUG):
            log.debug("%s", self.line(None, quality))

    @staticmethod
    def _mean(values) -> float:
        return sum(values) / len(values) if values else 0.0

    def fps(self) -> float:
        if len(self._frame_times) < 2:
            return 0.0
        span = self._frame_times[-1] - self._frame_times[0]
        return (len(self._frame_times) - 1) / span if span > 0 else 0.0

    def snapshot(self, pacer, quality) -> dict:
        if pacer is not None:
            self.max_in_flight = max(self.max_in_flight, pacer.in_flight)
        scale, jpeg_quality = quality.interactive_scale_quality
        return {
            "frames": self.frames,
            "still_frames": self.still_frames,
            "bytes_total": self.bytes_total,
            "fps": round(self.fps(), 1),
            "bytes_per_frame": round(self._mean(self._frame_bytes)),
            "render_ms": round(self._mean(self._render_ms), 1),
            "encode_ms": round(self._mean(self._encode_ms), 1),
            "rtt_ms": round(self._mean(self._rtt_ms), 1),
            "interactive_scale": scale,
            "interactive_quality": jpeg_quality,
            "credit": quality.credit(),
            "in_flight": pacer.in_flight if pacer is not None else None,
            "max_in_flight": self.max_in_flight,
            "goodput_mbit_s": round(quality.link.goodput_bytes_per_s * 8 / 1e6, 1),
            "input_messages": self.input_messages,
        }

    def line(self, pacer, quality) -> str:
        s = self.snapshot(pacer, quality)
        return (
            f"{self.view_name}: {s['fps']} fps, rtt {s['rtt_ms']} ms, {s['bytes_per_frame'] / 1024:.0f} KiB/frame, "
            f"render {s['render_ms']} ms, encode {s['encode_ms']} ms, x{s['interactive_scale']} "
            f"q{s['interactive_quality']}, credit {s['credit']}, {s['goodput_mbit_s']} Mbit/s"
        )
