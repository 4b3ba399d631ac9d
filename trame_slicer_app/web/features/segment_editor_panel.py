"""Segment Editor: a segmentation on the shown volume, its segments, the effects and their options,
masking, statistics, keyboard shortcuts. The widgets are in ``segment_editor_ui.py``.

Everything from the browser is hostile: each trigger checks its arguments (known segment ids, choices,
finite numbers in range, #rrggbb colours, names) before it reaches the engine, and an engine refusal
(``SegmentEditorError``: no segment, a locked one, ...) becomes ``seg_message`` instead of an error.
The scene's state (segments, the active effect and its options) is shared by every tab, as the
interaction mode it sets is the scene's; dialogs and the statistics table are each tab's own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...engine.segment_editor.brush_geometry import MAX_BRUSH_DIAMETER_MM, MIN_BRUSH_DIAMETER_MM
from ...engine.segment_editor.effect_interaction import INTERACTIVE_EFFECTS, SMOOTHING_BRUSH
from ...engine.segment_editor.effects.smoothing import MAX_KERNEL_MM
from ...engine.segment_editor.paint_effect import MAX_RELATIVE_DIAMETER_PERCENT, MIN_RELATIVE_DIAMETER_PERCENT
from ...engine.segment_editor.scissors_effect import MAX_DEPTH_MM, OPERATIONS, SHAPES, SLICE_CUTS
from ...engine.segment_editor.smoothing_brush import BRUSH_METHODS
from ..mrml_binding import BindingError, a_flag, a_number, a_text, one_of
from . import segment_editor_ui as ui
from .feature import Feature, FeatureHost
from .segment_editor_computed import COMPUTED_EFFECTS, ComputedEffects
from .segment_editor_effects_ui import OPTION_DEFAULTS
from .segment_editor_shortcuts import EFFECT_ORDER, SHORTCUT_KEYS, ShortcutActions

log = logging.getLogger(__name__)

SURFACE_IDLE_S = 0.5  # the 3D surfaces wait until the views have had no input for this long
VISIBILITY_KINDS = (None, "fill_2d", "outline_2d", "surface_3d")
EDITABLE_AREAS = ("everywhere", "inside_all_segments", "inside_visible_segments", "outside_all_segments",
                  "outside_visible_segments", "inside_segment")
OVERWRITE_MODES = ("all", "visible", "none")
MAX_INTENSITY = 1e9


def a_colour(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 7 or value[0] != "#":
        raise BindingError("not a #rrggbb colour")
    try:
        int(value[1:], 16)
    except ValueError as error:
        raise BindingError("not a #rrggbb colour") from error
    return value.lower()


@dataclass(frozen=True)
class SegmentEditorState:
    """Shared by the tabs (besides the keys bound to the engine: seg_state, seg_effect, its options)."""

    seg_message: str = ""  # the last refusal or note, for the message line
    seg_auto_complete: str | None = None  # the grow from seeds / fill between slices in progress
    seg_busy: str | None = None  # the long edit computing in a worker ("Joint smoothing"), None when none
    seg_shortcut_keys: tuple = SHORTCUT_KEYS
    seg_effects_available: tuple = ()
    # The effects that take the left button: their titles and icons, for the toolbar's chip.
    seg_effect_titles: dict = field(default_factory=lambda: {n: t for n, (t, _i) in ui.EFFECTS.items()})
    seg_effect_icons: dict = field(default_factory=lambda: {n: i for n, (_t, i) in ui.EFFECTS.items()})


@dataclass(frozen=True)
class SegmentEditorTabState:
    """Each tab's own: the rename dialog, the statistics table, the computed effects' option fields."""

    seg_renaming: dict | None = None
    seg_statistics: list | None = None
    seg_filter: str = ""  # the segment list's filter text (Slicer's segments table filter), typed here
    seg_display_open: bool = False  # the active segment's 2D fill / 2D outline / 3D rows are shown
    seg_opt_auto_method: str = OPTION_DEFAULTS["seg_opt_auto_method"]
    seg_opt_auto_mode: str = OPTION_DEFAULTS["seg_opt_auto_mode"]
    seg_opt_margin_mm: float = OPTION_DEFAULTS["seg_opt_margin_mm"]
    seg_opt_hollow_mm: float = OPTION_DEFAULTS["seg_opt_hollow_mm"]
    seg_opt_hollow_mode: str = OPTION_DEFAULTS["seg_opt_hollow_mode"]
    seg_opt_smooth_method: str = OPTION_DEFAULTS["seg_opt_smooth_method"]
    seg_opt_smooth_mm: float = OPTION_DEFAULTS["seg_opt_smooth_mm"]
    seg_opt_islands_op: str = OPTION_DEFAULTS["seg_opt_islands_op"]
    seg_opt_islands_min: int = OPTION_DEFAULTS["seg_opt_islands_min"]
    seg_opt_logical_op: str = OPTION_DEFAULTS["seg_opt_logical_op"]
    seg_opt_logical_other: str | None = OPTION_DEFAULTS["seg_opt_logical_other"]
    seg_opt_mask_mode: str = OPTION_DEFAULTS["seg_opt_mask_mode"]
    seg_opt_mask_fill: float = OPTION_DEFAULTS["seg_opt_mask_fill"]
    seg_opt_mask_inside: float = OPTION_DEFAULTS["seg_opt_mask_inside"]
    seg_opt_seed_locality: float = OPTION_DEFAULTS["seg_opt_seed_locality"]
    seg_opt_joint_factor: float = OPTION_DEFAULTS["seg_opt_joint_factor"]
    seg_opt_fill_axis: str = OPTION_DEFAULTS["seg_opt_fill_axis"]


class SegmentEditorPanel(Feature):
    name = "seg"
    title = "Segment Editor"
    icon = "mdi-brush"
    shared_state = SegmentEditorState
    tab_state = SegmentEditorTabState

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.segments = self.session.segments  # the engine's plain-values door (segment_editor_session.py)
        self.effects = self.session.segment_effects
        self._message = ""
        self._effect = None  # the effect chosen in the panel (interactive or computed)
        bind = self.binding.bind
        bind("seg_state", self.segments.state)
        bind("seg_effect", self._current_effect, self._choose_effect,
             one_of(lambda: (None, *self.available_effects())), undoable=False)
        brush = self.effects.brush.settings
        self._bind_setting("seg_brush_diameter_mm", brush, "diameter_mm",
                           a_number(MIN_BRUSH_DIAMETER_MM, MAX_BRUSH_DIAMETER_MM), digits=2)
        self._bind_setting("seg_brush_relative", brush, "use_relative_diameter", a_flag)
        self._bind_setting("seg_brush_percent", brush, "relative_diameter_percent",
                           a_number(MIN_RELATIVE_DIAMETER_PERCENT, MAX_RELATIVE_DIAMETER_PERCENT), digits=2)
        self._bind_setting("seg_brush_sphere", brush, "sphere", a_flag)
        scissors = self.effects.scissors.settings
        self._bind_setting("seg_scissors_shape", scissors, "shape", one_of(SHAPES))
        self._bind_setting("seg_scissors_operation", scissors, "operation", one_of(OPERATIONS))
        self._bind_setting("seg_scissors_cut", scissors, "slice_cut", one_of(SLICE_CUTS))
        self._bind_setting("seg_scissors_depth_mm", scissors, "depth_mm", a_number(0.0, MAX_DEPTH_MM), digits=2)
        self._bind_smoothing_brush()
        self._last_view_input = 0.0
        host.input_listeners.append(self._on_view_input)
        self.binding.add_poll_hook(self._poll)
        self.shortcuts = ShortcutActions(self)
        self.computed = ComputedEffects(self)
        # Each trigger, its arguments checked and its refusals made a message (tests call these too).
        handlers = {**self._triggers(), **self.computed.triggers()}
        self.triggers = {name: self._guarded(handler) for name, handler in handlers.items()}
        for name, trigger in self.triggers.items():
            self.tabs.trigger(name)(trigger)  # a tab's statistics go to that tab (0011)
        self.state.seg_effects_available = list(self.available_effects())

    # -- binding ---------------------------------------------------------------------
    def _bind_setting(self, key: str, settings, attribute: str, validate: Callable, digits: int | None = None):
        def read():
            value = getattr(settings, attribute)
            return round(value, digits) if digits is not None else value

        self.binding.bind(key, read, lambda value: setattr(settings, attribute, value), validate, undoable=False)

    def _bind_smoothing_brush(self) -> None:
        """Smoothing's brush mode (decision 0024): on while Smoothing is the effect; its method and kernel
        are the scene's, as the brush's size is."""
        smooth = self.effects.smoothing_brush.smoothing
        self._bind_setting("seg_smooth_brush_method", smooth, "method", one_of(BRUSH_METHODS))
        self._bind_setting("seg_smooth_brush_mm", smooth, "kernel_mm", a_number(0.1, MAX_KERNEL_MM), digits=2)

        def use_brush(on: bool) -> None:
            self.effects.use_smoothing_brush(on and self._effect == "smoothing")

        self.binding.bind("seg_smooth_brush", lambda: self.effects.active == SMOOTHING_BRUSH, use_brush, a_flag,
                          undoable=False)

    def _on_view_input(self, *_args) -> None:
        self._last_view_input = time.monotonic()

    def _poll(self) -> dict:
        # 3D surfaces are rebuilt once edits pause (segment_editor's surface_display), here at the poll,
        # and only while no view is being handled: a rebuild holds the event loop (a marching-cubes pass,
        # 0.1-0.5 s on the head CT), which would stall the frames of a drag (decision 0020).
        if time.monotonic() - self._last_view_input >= SURFACE_IDLE_S:
            self.segments.update_surfaces_if_due()
        message = self._message or self.effects.target.last_message
        if self.effects.level_tracing.last_message and self._effect == "level_tracing":
            message = self.effects.level_tracing.last_message
        return {"seg_message": message, "seg_busy": self.segments.busy()}

    def _current_effect(self):
        # An effect that uses the mouse is put away by Escape or by placing a markup (the views' mode
        # owner ends it): the panel follows.
        if self._effect in INTERACTIVE_EFFECTS and self.effects.active != self._effect:
            self._effect = None
        # With no segmentation to edit (the scene closed, the segmentation deleted) no effect is chosen:
        # kept, it held the left button, and the next volume's left drag did nothing (no window/level).
        if self._effect is not None and not self.segments.editing:
            self._choose_effect(None)
        return self._effect

    def _choose_effect(self, name) -> None:
        if name != self._effect:
            self.computed.leave_auto_complete()
        self._effect = name
        self.effects.activate(name if name in INTERACTIVE_EFFECTS else None)
        self.computed.on_effect(name)
        self._message = ""
        self.effects.target.last_message = ""

    # -- triggers ----------------------------------------------------------------------
    def _guarded(self, handler: Callable) -> Callable:
        """A trigger: refusals (a bad argument, an engine refusal) become the panel's message."""

        def run(*args, **_kwargs):
            self._message = ""  # a handler may leave a note of its own (say)
            self.effects.target.last_message = ""
            try:
                handler(*args)
            except (ValueError, TypeError, OSError) as refusal:  # BindingError, SegmentEditorError, DataError
                log.info("segment editor refused %s%.120r: %s", handler.__name__, args, refusal)
                self._message = str(refusal) or "refused"
            self.binding.refresh()
            self.state.seg_message = self._message
            self.state.seg_busy = self.segments.busy()
            self.state.update(self._undo_state())

        return run

    def long_edit_ended(self, message: str) -> None:
        """A long edit's task ended (applied, refused, dropped): its message, the fresh state, pushed
        at once (a done callback is no trigger: nothing flushes after it)."""
        self._message = message
        self.binding.refresh()
        with self.state:
            self.state.seg_message = message
            self.state.seg_busy = self.segments.busy()
            self.state.update(self._undo_state())

    def _undo_state(self) -> dict:
        undo = self.session.undo
        return {"undo_can_undo": undo.can_undo, "undo_can_redo": undo.can_redo}

    def close(self) -> None:
        self.computed.downloads.close()  # saved segmentations, statistics CSVs

    def segment_ids(self) -> list[str]:
        return [row["id"] for row in self.segments.state()["segments"]]

    def _triggers(self) -> dict[str, Callable]:
        segment = one_of(self.segment_ids)
        s = self.segments
        return {
            "seg_create": lambda *_: s.create_segmentation(),
            "seg_select_segmentation": lambda node_id=None, *_: s.select_segmentation(
                one_of(lambda: [n["id"] for n in s.segmentations()])(node_id)),
            "seg_add": lambda *_: s.add_segment(),
            "seg_remove": lambda segment_id=None, *_: s.remove_segment(segment(segment_id)),
            "seg_select": lambda segment_id=None, *_: s.set_active_segment(segment(segment_id)),
            "seg_rename": lambda segment_id=None, name=None, *_: s.rename_segment(segment(segment_id), a_text(name)),
            "seg_colour": lambda segment_id=None, colour=None, *_: s.set_segment_colour(segment(segment_id),
                                                                                          a_colour(colour)),
            "seg_visible": lambda segment_id=None, kind=None, shown=None, *_: s.set_segment_visible(
                segment(segment_id), a_flag(shown), one_of(VISIBILITY_KINDS)(kind)),
            "seg_opacity": lambda segment_id=None, value=None, kind=None, *_: s.set_segment_opacity(
                segment(segment_id), a_number(0, 1)(value), one_of(VISIBILITY_KINDS)(kind)),
            "seg_lock": lambda segment_id=None, locked=None, *_: s.set_segment_locked(segment(segment_id),
                                                                                        a_flag(locked)),
            "seg_show_3d": lambda shown=None, *_: s.show_3d(a_flag(shown)),
            "seg_smoothing": lambda value=None, *_: s.show_3d(True, a_number(0, 1)(value)),
            "seg_editable_area": self._set_editable_area,
            "seg_intensity_mask": lambda enabled=None, low=None, high=None, *_: s.set_intensity_mask(
                a_flag(enabled), a_number(-MAX_INTENSITY, MAX_INTENSITY)(low),
                a_number(-MAX_INTENSITY, MAX_INTENSITY)(high)),
            "seg_overwrite": lambda mode=None, *_: s.set_overwrite(one_of(OVERWRITE_MODES)(mode)),
            "seg_statistics": self._statistics,
            "seg_shortcut": lambda key=None, shift=False, *_: self.shortcuts.run(key, bool(shift)),
        }

    def _set_editable_area(self, area=None, mask_segment_id=None, *_ignored) -> None:
        area = one_of(EDITABLE_AREAS)(area)
        mask = one_of(self.segment_ids)(mask_segment_id) if area == "inside_segment" else None
        self.segments.set_editable_area(area, mask)

    def _statistics(self, *_ignored) -> None:
        """Each segment's voxel count, volume and intensities inside (seg-core's statistics), for this tab."""
        rows = [{"id": r["segment_id"], "name": r["segment"], "voxels": r["voxel_count"],
                 "volume_mm3": round(r["volume_mm3"], 2), "volume_cc": round(r["volume_cc"], 3),
                 **{k: None if r[k] is None else round(r[k], 1) for k in ("mean", "sd", "min", "max")}}
                for r in self.segments.statistics()]
        self.tabs.update(seg_statistics=rows)

    def nudge_brush(self, factor: float) -> None:
        self.effects.brush.resize_brush(factor)

    @staticmethod
    def available_effects() -> tuple[str, ...]:
        """The effects this app has, in Slicer's order."""
        return tuple(name for name in EFFECT_ORDER if name in INTERACTIVE_EFFECTS or name in COMPUTED_EFFECTS)

    def say(self, message: str) -> None:
        """A note for the panel's message line (shown until the next action)."""
        self._message = message

    def choose_effect(self, name) -> None:
        self._choose_effect(name)

    @property
    def effect(self):
        return self._effect

    # -- widgets ----------------------------------------------------------------------------------
    def build_panel(self) -> None:
        ui.build_panel()

    def build_toolbar(self) -> None:
        ui.build_active_effect_chip()


FEATURE = SegmentEditorPanel
