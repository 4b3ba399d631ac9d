"""Scissors: a shape dragged in a slice view cuts (erases) or fills the active segment, inside or
outside the shape, through the whole volume or a range of slices along the view's normal.

As Slicer's Scissors effect: free-form, circle (from its centre) or rectangle (from a corner); the
shape follows the drag and is applied at the release (one undo step). Its slice cut modes are
unlimited, positive, negative and symmetric with a depth in mm; a depth of 0 cuts the slice shown
only (a 2D cut).

In the 3D view the shape is drawn on the screen and cut along the view rays, as Slicer extrudes it
from the camera through the scene (perspective or parallel): the voxels whose centres project inside
it, between the camera's clipping planes (what the view shows), are cut; the slice cut options do not
apply there, as in Slicer. "Outside" is then every other voxel of the volume (docs/decisions/0024).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import EngineError
from .edit_target import EditTarget
from .plane_polygon import MIN_POLYGON_POINTS, PlaneAxes, band_mask, polygon_mask
from .polyline_feedback import PolylineFeedback
from .screen_feedback import ScreenPolylineFeedback, display_position, outline_uv
from .slice_geometry import ras_under, slice_plane
from .view_feedback import FeedbackPerView, is_slice_view, is_threed_view
from .view_projection import CameraProjection, view_cut_mask

LEFT_BUTTON = 0
SHAPES = ("free_form", "circle", "rectangle")
OPERATIONS = ("erase_inside", "erase_outside", "fill_inside", "fill_outside")
SLICE_CUTS = ("unlimited", "positive", "negative", "symmetric")
MAX_DEPTH_MM = 10000.0
CIRCLE_POINTS = 36
# The 3D view's screen as a plane: client pixels x (right), y (up).
SCREEN_PLANE = PlaneAxes((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0))


class ScissorsError(EngineError):
    """A scissors option out of its choices or range."""


@dataclass
class ScissorsSettings:
    shape: str = "free_form"
    operation: str = "erase_inside"
    slice_cut: str = "unlimited"
    depth_mm: float = 0.0

    def check(self) -> None:
        for value, choices, what in ((self.shape, SHAPES, "shape"), (self.operation, OPERATIONS, "operation"),
                                     (self.slice_cut, SLICE_CUTS, "slice cut")):
            if value not in choices:
                raise ScissorsError(f"scissors {what} must be one of {', '.join(choices)}")
        if not 0.0 <= self.depth_mm <= MAX_DEPTH_MM:
            raise ScissorsError(f"scissors depth must be 0..{MAX_DEPTH_MM} mm")

    def along_range_mm(self) -> tuple[float, float] | None:
        """The cut's extent along the slice normal; None: the slice's own voxel layer."""
        depth = self.depth_mm
        if self.slice_cut == "unlimited":
            return (-math.inf, math.inf)
        if depth <= 0:
            return None
        return {"positive": (0.0, depth), "negative": (-depth, 0.0), "symmetric": (-depth / 2, depth / 2)}[
            self.slice_cut]


def shape_outline(shape: str, start, current, plane: PlaneAxes, path: list) -> list[np.ndarray]:
    """The outline in RAS of a shape dragged from ``start`` to ``current`` (free-form: along ``path``)."""
    if shape == "free_form":
        return list(path)
    s0, t0, _ = plane.to_plane(np.asarray(start))
    s1, t1, _ = plane.to_plane(np.asarray(current))
    if shape == "rectangle":
        corners_st = [(s0, t0), (s0, t1), (s1, t1), (s1, t0)]
    else:
        radius = math.hypot(s1 - s0, t1 - t0)
        angles = np.linspace(0, 2 * math.pi, CIRCLE_POINTS, endpoint=False)
        corners_st = [(s0 + radius * math.cos(a), t0 + radius * math.sin(a)) for a in angles]
    return [plane.origin + s * plane.u + t * plane.v for s, t in corners_st]


class ScissorsEffect:
    """The handler of the interaction mode while Scissors is the active effect."""

    def __init__(self, target: EditTarget) -> None:
        self.target = target
        self.settings = ScissorsSettings()
        self.feedback = FeedbackPerView(
            lambda view: ScreenPolylineFeedback(view) if is_threed_view(view) else PolylineFeedback(view))
        self._view = None
        self._plane: PlaneAxes | None = None
        self._start: np.ndarray | None = None
        self._path: list[np.ndarray] = []

    def handle_input(self, view, event: Mapping) -> bool:
        if not (is_slice_view(view) or is_threed_view(view)):
            return False
        kind = event.get("type")
        if kind == "press":
            if event.get("button") != LEFT_BUTTON or event.get("shift") or event.get("ctrl") or event.get("alt"):
                return False
            point = self._point(view, event)
            # In 3D the shape is drawn on the screen, in client pixels (so a circle is round there).
            plane = SCREEN_PLANE if is_threed_view(view) else slice_plane(view)
            self._view, self._plane, self._start, self._path = view, PlaneAxes(point, plane.u, plane.v), point, [point]
            return True
        if self._view is not view:
            return False
        if kind == "move":
            point = self._point(view, event)
            self._path.append(point)
            self.feedback(view).show(self._outline(point), closed=True)
            return True
        if kind == "release":
            self._apply(self._point(view, event))
            return True
        return False

    @staticmethod
    def _point(view, event: Mapping) -> np.ndarray:
        """The pointer in RAS (a slice view) or in the 3D view's client pixels from the bottom left (x, y, 0)."""
        if is_threed_view(view):
            return np.array([*display_position(view, event), 0.0])
        return ras_under(view, event)

    def _outline(self, current) -> list[np.ndarray]:
        return shape_outline(self.settings.shape, self._start, current, self._plane, self._path)

    def _apply(self, end) -> None:
        view, plane = self._view, self._plane
        outline = self._outline(end)
        self.cancel()
        grid = self.target.grid()
        if grid is None or len(outline) < MIN_POLYGON_POINTS:
            return
        operation = self.settings.operation
        try:
            if is_threed_view(view):
                inside = view_cut_mask(grid, outline_uv(outline, view), CameraProjection.of_renderer(view.renderer))
                region = inside if operation.endswith("inside") else ~inside
            else:
                along = self.settings.along_range_mm()
                inside = polygon_mask(grid, outline, plane, along)
                region = inside if operation.endswith("inside") else band_mask(grid, plane, along) & ~inside
        except ValueError:
            return
        if region.any():
            self.target.apply_mask(region, operation.startswith("erase"))
        view.request_render()

    def cancel(self) -> None:
        if self._view is not None:
            self.feedback(self._view).hide()
        self._view, self._plane, self._start, self._path = None, None, None, []

    def deactivate(self) -> None:
        self.cancel()
