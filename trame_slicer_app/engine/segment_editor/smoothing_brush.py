"""Smoothing's brush mode: strokes painted as Paint's (same brush, slice and 3D views) smooth the active
segment only where they pass, as Slicer's smoothing effect does when it is used as a brush.

The stroke is shown while it is drawn and applied at the release, one undo step per stroke; what a
stroke does is ``effects.smoothing.apply_in_region`` with the chosen method and kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .edit_target import EditTarget
from .effects.smoothing import MAX_KERNEL_MM, METHODS
from .errors import SegmentEditorError
from .paint_effect import BrushSettings, PaintEffect

BRUSH_METHODS = tuple(m for m in METHODS if m != "joint")  # Slicer's brush has no joint smoothing


@dataclass
class SmoothingBrushSettings:
    method: str = "median"
    kernel_mm: float = 3.0

    def check(self) -> None:
        if self.method not in BRUSH_METHODS:
            raise SegmentEditorError(f"the smoothing brush's method is one of {', '.join(BRUSH_METHODS)}")
        if not 0 < self.kernel_mm <= MAX_KERNEL_MM:
            raise SegmentEditorError(f"the smoothing kernel is more than 0 and at most {MAX_KERNEL_MM:g} mm")


class SmoothingBrush(PaintEffect):
    """Paint's brush and strokes; a finished stroke calls ``smooth_region(mask)``."""

    def __init__(self, target: EditTarget, brush: BrushSettings,
                 smooth_region: Callable[[np.ndarray, SmoothingBrushSettings], None]) -> None:
        super().__init__(target)
        self.settings = brush  # one brush for Paint, Erase and Smoothing, as Slicer's common brush parameters
        self.smoothing = SmoothingBrushSettings()
        self._smooth_region = smooth_region

    def _show(self, view, ras) -> None:
        feedback = self.feedback(view)
        feedback.show_stroke(self._stroke.points_ras, self._stroke.radius_mm, (1.0, 1.0, 1.0))
        feedback.show_outline(ras, self._stroke.radius_mm)

    def apply_stroke(self, mask: np.ndarray) -> None:
        self._smooth_region(mask, self.smoothing)
