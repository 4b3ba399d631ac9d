"""Draw: a polygon outlined point by point in a slice view, filled into the active segment's slice.

As Slicer's Draw effect: a left click adds a point, a left drag adds points as it moves; ``x`` takes
the last point back; a double click, a right click, ``a`` or Enter applies (one undo step); Escape
drops the outline. Points go only on the slice where the first one was put.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import numpy as np

from .edit_target import EditTarget
from .plane_polygon import MIN_POLYGON_POINTS, PlaneAxes, polygon_mask
from .polyline_feedback import PolylineFeedback
from .slice_geometry import ras_under, slice_plane
from .view_feedback import FeedbackPerView, is_slice_view

LEFT_BUTTON, RIGHT_BUTTON = 0, 2
DOUBLE_CLICK_S = 0.4  # browsers' usual double-click interval
DOUBLE_CLICK_PX = 5
APPLY_KEYS = frozenset({"a", "Enter"})
UNDO_POINT_KEY = "x"
CANCEL_KEY = "Escape"
SAME_SLICE_MM = 0.01


class DrawEffect:
    """The handler of the interaction mode while Draw is the active effect."""

    def __init__(self, target: EditTarget, clock: Callable[[], float] = time.monotonic) -> None:
        self.target = target
        self._clock = clock
        self._points: list[np.ndarray] = []
        self._view = None
        self._slice_offset: float | None = None
        self._plane: PlaneAxes | None = None
        self._dragging = False
        self._last_press: tuple[float, float, float] | None = None  # when, x, y
        self.feedback = FeedbackPerView(PolylineFeedback)  # feedback(view): its drawing there

    @property
    def point_count(self) -> int:
        return len(self._points)

    def handle_input(self, view, event: Mapping) -> bool:
        if not is_slice_view(view):
            return False
        kind = event.get("type")
        modified = event.get("shift") or event.get("ctrl") or event.get("alt")
        if kind == "press" and event.get("button") == LEFT_BUTTON and not modified:
            if self._is_double_click(event):
                self.apply()
                return True
            self._dragging = True
            self._add_point(view, event)
            return True
        if kind == "press" and event.get("button") == RIGHT_BUTTON and not modified and self._points:
            return True  # applied at its release, as in Slicer
        if kind == "release":
            if event.get("button") == RIGHT_BUTTON:
                self.apply()
            self._dragging = False
            return True
        if kind == "move" and self._dragging:
            self._add_point(view, event)
            return True
        if kind == "key" and self._points:
            key = event.get("key")
            if key in APPLY_KEYS:
                self.apply()
                return True
            if key == UNDO_POINT_KEY:
                self._points.pop()
                self._redraw()
                return True
            if key == CANCEL_KEY:
                self.cancel()
                return True
        return False

    def _is_double_click(self, event: Mapping) -> bool:
        now, x, y = self._clock(), float(event.get("x", 0)), float(event.get("y", 0))
        last, self._last_press = self._last_press, (now, x, y)
        return (last is not None and now - last[0] <= DOUBLE_CLICK_S
                and abs(x - last[1]) <= DOUBLE_CLICK_PX and abs(y - last[2]) <= DOUBLE_CLICK_PX)

    def _add_point(self, view, event: Mapping) -> None:
        if self._view is not None and self._view is not view:
            return  # one outline at a time, in the view it was started in
        offset = view.slice_offset_mm
        if self._slice_offset is not None and abs(offset - self._slice_offset) > SAME_SLICE_MM:
            return  # the slice moved: points stay on the slice of the first one
        ras = ras_under(view, event)
        if not self._points:
            current = slice_plane(view)  # the outline's own plane, kept if the slice moves later
            self._plane = PlaneAxes(ras, current.u, current.v)
        self._view, self._slice_offset = view, offset
        self._points.append(ras)
        self._redraw()

    def _redraw(self) -> None:
        if self._view is None:
            return
        if self._points:
            self.feedback(self._view).show(self._points)
        else:
            self.feedback(self._view).hide()

    def apply(self) -> bool:
        """Fill the outline into the active segment; False when it had too few points."""
        view, points, plane = self._view, self._points, self._plane
        self.cancel()
        grid = self.target.grid()
        if view is None or grid is None or len(points) < MIN_POLYGON_POINTS:
            return False
        mask = polygon_mask(grid, points, plane, None)
        if mask.any():
            self.target.apply_mask(mask, False)
        return True

    def cancel(self) -> None:
        if self._view is not None:
            self.feedback(self._view).hide()
        self._points, self._view, self._slice_offset, self._plane, self._dragging = [], None, None, None, False

    def deactivate(self) -> None:
        self.cancel()
