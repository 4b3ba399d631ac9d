"""Which interactive effect owns the left button in the slice views, and its options.

One per scene session. Activating Paint, Erase, Draw, Level tracing or Scissors puts the views'
interaction mode (engine/views/interaction_mode.py) in "paint" and hands the events to that effect;
activating none, Escape, or another mode (placing a markup) gives the mouse back to the resting mode.
Paint and Erase are one brush with one set of options, as in Slicer where Erase shares Paint's brush;
Smoothing used as a brush (``use_smoothing_brush``) shares it too. Paint, Erase, Scissors and the
smoothing brush act in the 3D view as well (docs/decisions/0024).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..views.interaction_mode import PAINT, InteractionModes
from .draw_effect import DrawEffect
from .editor_target import EditorTarget
from .effects import smoothing
from .errors import SegmentEditorError
from .level_tracing_effect import LevelTracingEffect
from .paint_effect import PaintEffect
from .scissors_effect import ScissorsEffect
from .segment_editor import SegmentEditor
from .slice_geometry import ras_under
from .smoothing_brush import SmoothingBrush, SmoothingBrushSettings
from .view_feedback import is_slice_view

INTERACTIVE_EFFECTS = ("paint", "erase", "draw", "level_tracing", "scissors")
SMOOTHING_BRUSH = "smoothing_brush"  # Smoothing's brush mode: the panel's Smoothing effect switches it


class EffectInteraction:
    def __init__(self, editor: SegmentEditor, modes: InteractionModes) -> None:
        self.target = EditorTarget(editor)
        self.brush = PaintEffect(self.target)
        self.draw = DrawEffect(self.target)
        self.level_tracing = LevelTracingEffect(self.target)
        self.scissors = ScissorsEffect(self.target)
        self.smoothing_brush = SmoothingBrush(self.target, self.brush.settings, self._smooth_region)
        self._editor = editor
        self._modes = modes
        self._active: str | None = None
        self._pick: Callable | None = None  # a one-click point pick waiting (pick_point)
        modes.register_tool(PAINT, self, leave=self._on_mode_left)

    @property
    def active(self) -> str | None:
        return self._active

    def _handler(self, name: str | None):
        return {"paint": self.brush, "erase": self.brush, "draw": self.draw,
                "level_tracing": self.level_tracing, "scissors": self.scissors,
                SMOOTHING_BRUSH: self.smoothing_brush}.get(name)

    def activate(self, name: str | None) -> None:
        """Make ``name`` the effect under the left button (None: Slicer's view interaction again)."""
        if name is not None and name not in INTERACTIVE_EFFECTS:
            raise SegmentEditorError(f"an interactive effect is one of {', '.join(INTERACTIVE_EFFECTS)}")
        previous = self._handler(self._active)
        if previous is not None and name != self._active:
            previous.deactivate()
        self._active = name
        self._pick = None
        if name in ("paint", "erase"):
            self.brush.settings.erase = name == "erase"
        if name is not None:
            self._modes.set(PAINT)
        else:
            self._modes.leave(PAINT)

    def use_smoothing_brush(self, on: bool) -> None:
        """Smoothing's brush mode on (strokes smooth where they pass) or off (the mouse back to Slicer)."""
        if on:
            self.smoothing_brush.smoothing.check()
            self.activate(None)
            self._active = SMOOTHING_BRUSH
            self._modes.set(PAINT)
        elif self._active == SMOOTHING_BRUSH:
            self.activate(None)

    def _smooth_region(self, region, settings: SmoothingBrushSettings) -> None:
        try:
            smoothing.apply_in_region(self._editor, settings.method, settings.kernel_mm, region)
            self.target.last_message = ""
            self.target.applied += 1
        except SegmentEditorError as refusal:
            self.target.last_message = str(refusal)

    def _on_mode_left(self) -> None:
        """The views left the paint mode (Escape, a markup placed, ...): no effect holds the mouse now."""
        handler = self._handler(self._active)
        if handler is not None:
            handler.deactivate()
        self._active = None
        self._pick = None

    def handle_input(self, view, event: Mapping) -> bool:
        if self._pick is not None:
            return self._picked(view, event)
        handler = self._handler(self._active)
        return handler is not None and handler.handle_input(view, event)

    def pick_point(self, on_pick: Callable[[tuple[float, float, float]], object]) -> None:
        """The next left click in a slice view is a point (RAS) for ``on_pick`` (Islands' "keep/remove
        selected island"), whatever effect is active; then the mouse goes back as it was."""
        self._pick = on_pick
        self._modes.set(PAINT)

    def _picked(self, view, event: Mapping) -> bool:
        if not is_slice_view(view) or event.get("type") != "press" or event.get("button") != 0:
            return event.get("type") == "release"
        on_pick, self._pick = self._pick, None
        if self._active is None:
            self._modes.leave(PAINT)
        try:
            on_pick(tuple(float(c) for c in ras_under(view, event)))
            self.target.last_message = ""
        except SegmentEditorError as refusal:
            self.target.last_message = str(refusal)
        view.request_render()
        return True
