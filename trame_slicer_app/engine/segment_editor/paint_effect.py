"""Paint and Erase: left-button strokes in a slice view, one modifier apply (one undo step) per stroke.

As Slicer's paint effect: the brush outline follows the pointer; a stroke shows its feedback in the
painted view while it is drawn and is applied to the segment when the button is released; pointer
positions far apart are joined (capsules between them), so a fast drag paints no gaps. Shift+left
stays Slicer's pan, and the wheel, keys and other buttons stay Slicer's.

In the 3D view, as in Slicer, the brush is a sphere at the point of the shown surface under the
pointer (segment surfaces, models, slice planes, a rendered volume: ``surface_pick.py``); a press
that touches nothing is left to Slicer's 3D interaction (it rotates the view). Points of a stroke
further apart than ``MAX_JOIN_RADII`` radii (the pointer jumped from one surface to another behind
it) are painted as separate dabs, not joined through the space between (docs/decisions/0024).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import EngineError
from .brush_feedback import BrushFeedback
from .brush_feedback_3d import BrushFeedback3D
from .brush_geometry import MAX_BRUSH_DIAMETER_MM, MIN_BRUSH_DIAMETER_MM, VoxelGrid, paint_capsule
from .edit_target import EditTarget
from .slice_geometry import ras_under, slice_plane
from .surface_pick import SurfacePicker
from .view_feedback import FeedbackPerView, is_slice_view, is_threed_view

LEFT_BUTTON = 0
MIN_RELATIVE_DIAMETER_PERCENT = 0.1
MAX_RELATIVE_DIAMETER_PERCENT = 100.0
BRUSH_STEP_FACTOR = 1.2  # one wheel step or +/- key: 20%, as Slicer's
# Pointer positions closer than this fraction of the radius add nothing a capsule would not cover.
MIN_STEP_FRACTION_OF_RADIUS = 0.1
# In 3D, consecutive picked points further apart than this many radii are not joined by a capsule.
MAX_JOIN_RADII = 4.0


class PaintError(EngineError):
    """A brush setting out of its range, or nothing to paint on."""


@dataclass
class BrushSettings:
    diameter_mm: float = 5.0
    relative_diameter_percent: float = 3.0
    use_relative_diameter: bool = False  # the diameter is a % of the view's field of view
    sphere: bool = False  # 3D sphere; else a circle in the slice plane
    erase: bool = False

    def check(self) -> None:
        if not MIN_BRUSH_DIAMETER_MM <= self.diameter_mm <= MAX_BRUSH_DIAMETER_MM:
            raise PaintError(f"brush diameter must be {MIN_BRUSH_DIAMETER_MM}..{MAX_BRUSH_DIAMETER_MM} mm")
        if not MIN_RELATIVE_DIAMETER_PERCENT <= self.relative_diameter_percent <= MAX_RELATIVE_DIAMETER_PERCENT:
            raise PaintError(f"brush diameter must be {MIN_RELATIVE_DIAMETER_PERCENT}.."
                             f"{MAX_RELATIVE_DIAMETER_PERCENT} % of the view")


@dataclass
class _Stroke:
    view: object
    grid: VoxelGrid
    mask: np.ndarray
    points_ras: list
    radius_mm: float
    normal: np.ndarray | None


class PaintEffect:
    """The handler of the interaction mode "paint" (see engine/views/interaction_mode.py)."""

    def __init__(self, target: EditTarget) -> None:
        self.target = target
        self.settings = BrushSettings()
        self.feedback = FeedbackPerView(  # feedback(view): its drawing there
            lambda view: BrushFeedback3D(view) if is_threed_view(view) else BrushFeedback(view))
        self.pickers = FeedbackPerView(SurfacePicker)  # pickers(view): picks on the 3D view's surfaces
        self._stroke: _Stroke | None = None
        self._hover_ras: np.ndarray | None = None
        self._hover_view = None
        self.strokes_applied = 0

    # -- geometry of one view ---------------------------------------------------
    def radius_mm(self, view) -> float:
        settings = self.settings
        if settings.use_relative_diameter:
            diameter = _view_height_mm(view) * settings.relative_diameter_percent / 100.0
        else:
            diameter = settings.diameter_mm
        return max(MIN_BRUSH_DIAMETER_MM, diameter) / 2.0

    # -- the input path -----------------------------------------------------------
    def handle_input(self, view, event: Mapping) -> bool:
        if not (is_slice_view(view) or is_threed_view(view)):
            return False
        kind = event.get("type")
        if kind == "press":
            if event.get("button") != LEFT_BUTTON or event.get("shift") or event.get("ctrl"):
                return False
            if is_threed_view(view) and self.pickers(view).pick(event) is None:
                return False  # nothing under the pointer to paint on: Slicer rotates the view
            return self._begin(view, event)
        if kind == "move":
            return self._move(view, event)
        if kind == "release":
            self._end()
            return True
        if kind == "wheel" and event.get("shift"):
            self.resize_brush(BRUSH_STEP_FACTOR ** int(event.get("steps", 0)))
            if self._hover_ras is not None and self._hover_view is view:
                self.feedback(view).show_outline(self._hover_ras, self.radius_mm(view))
            return True  # Shift+wheel sizes the brush, as in Slicer
        if kind == "leave":
            self.feedback(view).hide_outline()
        return False

    def resize_brush(self, factor: float) -> None:
        """Grow (factor > 1) or shrink the brush, within its limits (Slicer's +/- keys, Shift+wheel)."""
        settings = self.settings
        if settings.use_relative_diameter:
            settings.relative_diameter_percent = min(MAX_RELATIVE_DIAMETER_PERCENT, max(
                MIN_RELATIVE_DIAMETER_PERCENT, settings.relative_diameter_percent * factor))
        else:
            settings.diameter_mm = min(MAX_BRUSH_DIAMETER_MM, max(MIN_BRUSH_DIAMETER_MM, settings.diameter_mm * factor))

    def _pointer_ras(self, view, event: Mapping) -> np.ndarray | None:
        """Where the brush is: under the pointer on the slice, or on the surface it touches in 3D."""
        return self.pickers(view).pick(event) if is_threed_view(view) else ras_under(view, event)

    def _begin(self, view, event: Mapping) -> bool:
        grid = self.target.grid()
        if grid is None:
            return True  # no segment to paint on: the target says why; the drag paints nothing
        ras = self._pointer_ras(view, event)
        if ras is None:
            return True
        radius = self.radius_mm(view)
        sphere = self.settings.sphere or is_threed_view(view)  # a 3D brush is a sphere, as in Slicer
        stroke = _Stroke(view, grid, np.zeros(grid.shape, dtype=bool), [ras], radius,
                         None if sphere else slice_plane(view).normal)
        paint_capsule(grid, stroke.mask, ras, ras, radius, stroke.normal)
        self._stroke = stroke
        self._show(view, ras)
        return True

    def _move(self, view, event: Mapping) -> bool:
        ras = self._pointer_ras(view, event)
        stroke = self._stroke
        painting = stroke is not None and stroke.view is view
        if ras is None:  # off every surface in 3D: no brush there
            self.feedback(view).hide_outline()
            return painting
        self._hover_ras, self._hover_view = ras, view
        if not painting:
            self.feedback(view).show_outline(ras, self.radius_mm(view))
            return False  # hovering: Slicer still sees the move (crosshair, data probe)
        last = stroke.points_ras[-1]
        step = np.linalg.norm(ras - last)
        if step >= MIN_STEP_FRACTION_OF_RADIUS * stroke.radius_mm:
            jumped = is_threed_view(view) and step > MAX_JOIN_RADII * stroke.radius_mm
            paint_capsule(stroke.grid, stroke.mask, ras if jumped else last, ras, stroke.radius_mm, stroke.normal)
            stroke.points_ras.append(ras)
        self._show(view, ras)
        return True

    def _show(self, view, ras) -> None:
        feedback = self.feedback(view)
        feedback.show_stroke(self._stroke.points_ras, self._stroke.radius_mm,
                             (1.0, 1.0, 1.0) if self.settings.erase else self.target.colour())
        feedback.show_outline(ras, self._stroke.radius_mm)

    def _end(self) -> None:
        stroke, self._stroke = self._stroke, None
        if stroke is None:
            return
        self.feedback(stroke.view).hide_stroke()
        if stroke.mask.any():
            self.apply_stroke(stroke.mask)
            self.strokes_applied += 1

    def apply_stroke(self, mask: np.ndarray) -> None:
        """What a finished stroke does: paint or erase its voxels (the smoothing brush smooths them)."""
        self.target.apply_mask(mask, self.settings.erase)

    def deactivate(self) -> None:
        """The effect was switched off: drop a stroke in progress and every outline."""
        self._stroke = None
        for feedback in self.feedback.all():
            feedback.hide_stroke()
            feedback.hide_outline()


def _view_height_mm(view) -> float:
    """The smaller side of what a view shows, in mm: a slice view's field of view; in 3D, the height
    the camera sees at its focal point."""
    if is_threed_view(view):
        camera = view.renderer.GetActiveCamera()
        if camera.GetParallelProjection():
            return 2.0 * camera.GetParallelScale()
        return 2.0 * camera.GetDistance() * float(np.tan(np.radians(camera.GetViewAngle()) / 2.0))
    field_of_view = view.slice_node.GetFieldOfView()
    return min(field_of_view[0], field_of_view[1])
