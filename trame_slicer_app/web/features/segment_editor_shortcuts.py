"""The Segment Editor's keyboard shortcuts, as Slicer's segment editor has them.

The browser (web/ui/segment-editor-keys.js) sends these keys while the Segment Editor panel is open
in that tab and no text is being typed; the views keep theirs (arrows, Draw's x/a/Enter). Shift+wheel
over a slice view (brush size) goes through the views' input path to the paint effect.
"""

from __future__ import annotations

from ..mrml_binding import BindingError

# Slicer's effect order in its Segment Editor toolbar: the number keys pick from it (1 = first,
# 0 = tenth; with Shift, the eleventh on). Effects this app does not have yet are skipped with a message.
EFFECT_ORDER = ("paint", "draw", "erase", "level_tracing", "grow_from_seeds", "fill_between_slices",
                "threshold", "margin", "hollow", "smoothing", "scissors", "islands", "logical_operators",
                "mask_volume")
DIGITS = "1234567890"
SHORTCUT_KEYS = ("q", "w", "z", "y", "Escape", " ", "i", "-", "+", "=", *DIGITS)

# (keys, what they do) for the help dialog (web/features/help_panel.py lists them).
SHORTCUT_HELP: list[tuple[str, str]] = [
    ("q / w", "Select the previous / next segment"),
    ("z / y", "Undo / redo"),
    ("Escape", "Unselect the effect"),
    ("Space", "Toggle between the last two effects"),
    ("1 ... 0", "Select effect 1-10 (Shift: 11-20), in Slicer's order"),
    ("i", "Toggle masking by intensity range"),
    ("- / +", "Shrink / grow the brush by 20% (Paint, Erase)"),
    ("Shift+wheel", "Brush size (Paint, Erase), over a slice view"),
    ("x / a, Enter", "Draw: delete the last point / apply"),
]


class ShortcutActions:
    def __init__(self, panel) -> None:
        self.panel = panel
        self._previous_effect = None

    def run(self, key, shift: bool) -> None:
        if not isinstance(key, str) or key not in SHORTCUT_KEYS:
            raise BindingError("not a segment editor shortcut")
        panel = self.panel
        if key in ("q", "w"):
            self._step_segment(-1 if key == "q" else 1)
        elif key == "z":
            panel.session.undo.undo()
        elif key == "y":
            panel.session.undo.redo()
        elif key == "Escape":
            self.choose(None)
        elif key == " ":
            self.choose(self._previous_effect)
        elif key in DIGITS:
            index = DIGITS.index(key) + (10 if shift else 0)
            if index >= len(EFFECT_ORDER):
                raise BindingError(f"there is no effect {index + 1}")
            self.choose(EFFECT_ORDER[index])
        elif key == "i":
            masking = panel.segments.state()["masking"]
            low, high = masking["intensity_range"]
            panel.segments.set_intensity_mask(not masking["intensity_mask"], low, high)
        elif key == "-":
            panel.nudge_brush(1 / 1.2)
        elif key in ("+", "="):
            panel.nudge_brush(1.2)

    def choose(self, name) -> None:
        panel = self.panel
        if name is not None and name not in panel.available_effects():
            raise BindingError(f"the {name.replace('_', ' ')} effect is not in this app yet")
        if name != panel.effect:
            self._previous_effect = panel.effect
        panel.choose_effect(name)

    def _step_segment(self, step: int) -> None:
        state = self.panel.segments.state()
        ids = [row["id"] for row in state["segments"]]
        if not ids:
            return
        current = state["active_segment_id"]
        index = ids.index(current) + step if current in ids else 0
        self.panel.segments.set_active_segment(ids[index % len(ids)])
