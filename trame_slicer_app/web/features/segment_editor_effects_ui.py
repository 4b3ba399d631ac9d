"""The options of the Segment Editor's computed effects and the panel's file buttons (widgets only;
the checks are in ``segment_editor_computed.py``). Option fields are each tab's own (``seg_opt_*``);
their values travel with the trigger that applies the effect."""

from __future__ import annotations

from trame.widgets import html
from trame.widgets import vuetify3 as v3

from ...engine.segment_editor.effects import hollow, islands, logical, mask_volume, smoothing, threshold
from ...engine.segment_editor.effects.fill_between_slices import AXES
from ...engine.segment_editor.effects.grow_from_seeds import MAX_SEED_LOCALITY

COMPUTED_EFFECT_BUTTONS: dict[str, tuple[str, str]] = {  # name -> (title, icon)
    "threshold": ("Threshold", "mdi-contrast-box"),
    "grow_from_seeds": ("Grow from seeds", "mdi-sprout"),
    "fill_between_slices": ("Fill between slices", "mdi-layers-triple"),
    "margin": ("Margin", "mdi-arrow-expand-all"),
    "hollow": ("Hollow", "mdi-circle-outline"),
    "smoothing": ("Smoothing", "mdi-blur"),
    "islands": ("Islands", "mdi-island"),
    "logical_operators": ("Logical operators", "mdi-set-center"),
    "mask_volume": ("Mask volume", "mdi-select-inverse"),
}
# Per-tab option fields and their defaults (Slicer's defaults where it has them).
OPTION_DEFAULTS = {
    "seg_opt_auto_method": "otsu", "seg_opt_auto_mode": "above", "seg_opt_margin_mm": 3.0,
    "seg_opt_hollow_mm": 3.0, "seg_opt_hollow_mode": "inside", "seg_opt_smooth_method": "median",
    "seg_opt_smooth_mm": 3.0, "seg_opt_islands_op": "keep_largest", "seg_opt_islands_min": 1000,
    "seg_opt_logical_op": "copy", "seg_opt_logical_other": None, "seg_opt_mask_mode": "outside",
    "seg_opt_mask_fill": 0.0, "seg_opt_mask_inside": 1.0, "seg_opt_seed_locality": 0.0, "seg_opt_fill_axis": "all",
    "seg_opt_joint_factor": 0.5,
}


def _select(key: str, label: str, choices, css: str) -> None:
    # the items as a JS literal: ("items", [...]) would bind every select to one shared state key
    items = "[" + ", ".join(f"{{title: '{c.replace('_', ' ')}', value: '{c}'}}" for c in choices) + "]"
    v3.VSelect(v_model=(key,), label=label, items=(items,), density="compact", hide_details=True, classes=css)


def _number(key: str, label: str, css: str) -> None:
    v3.VTextField(model_value=(key,), update_modelValue=f"{key} = Number($event)", type="number", label=label,
                  density="compact", hide_details=True, classes=css)


def _apply(trigger: str, arguments: str = "[]", title: str = "Apply", css: str = "seg-apply") -> None:
    # disabled while a long edit computes (seg_busy): the server would refuse it anyway
    v3.VBtn(title, size="small", color="primary", variant="tonal", classes=f"{css} mt-1",
            disabled=("!!seg_busy",), click=f"trigger('{trigger}', {arguments})")


def build_effect_buttons() -> None:
    for name, (title, icon) in COMPUTED_EFFECT_BUTTONS.items():
        v3.VBtn(icon=icon, value=name, title=title, size="small", classes=f"seg-effect-{name}")


def build_effect_options() -> None:
    with html.Div(v_if="seg_effect === 'threshold'", classes="seg-threshold-options"):
        v3.VRangeSlider(v_if="seg_threshold_limits && seg_threshold_range", v_model=("seg_threshold_range",),
                        min=("seg_threshold_limits[0]",), max=("seg_threshold_limits[1]",), step=1,
                        density="compact", hide_details=True, thumb_label=True, classes="seg-threshold-range")
        html.Div("{{ seg_threshold_range && seg_threshold_range.join(' to ') }}", classes="text-caption")
        with html.Div(classes="d-flex ga-1"):
            _select("seg_opt_auto_method", "Automatic", list(threshold.AUTO_METHODS), "seg-auto-method")
            _select("seg_opt_auto_mode", "Mode", threshold.AUTO_MODES, "seg-auto-mode")
        v3.VBtn("Set automatically", size="small", variant="text", classes="seg-threshold-auto",
                click="trigger('seg_threshold_auto', [seg_opt_auto_method, seg_opt_auto_mode])")
        with html.Div(classes="d-flex ga-1"):
            _apply("seg_threshold_apply", css="seg-threshold-apply")
            _apply("seg_threshold_as_mask", title="Use for masking", css="seg-threshold-as-mask")
    with html.Div(v_if="seg_effect === 'margin'"):
        _number("seg_opt_margin_mm", "Margin (mm; < 0 shrinks)", "seg-margin-mm")
        _apply("seg_margin", "[seg_opt_margin_mm]", css="seg-margin-apply")
    with html.Div(v_if="seg_effect === 'hollow'"):
        _number("seg_opt_hollow_mm", "Shell thickness (mm)", "seg-hollow-mm")
        _select("seg_opt_hollow_mode", "Surface lies", hollow.SHELL_MODES, "seg-hollow-mode")
        _apply("seg_hollow", "[seg_opt_hollow_mm, seg_opt_hollow_mode]", css="seg-hollow-apply")
    with html.Div(v_if="seg_effect === 'smoothing'"):
        _select("seg_opt_smooth_method", "Method", smoothing.METHODS, "seg-smooth-method")
        with html.Div(v_if="seg_opt_smooth_method !== 'joint'"):
            _number("seg_opt_smooth_mm", "Kernel size (mm)", "seg-smooth-mm")
        v3.VSlider(v_if="seg_opt_smooth_method === 'joint'", v_model=("seg_opt_joint_factor",), min=0, max=1,
                   step=0.05, label="Smoothing factor", density="compact", hide_details=True, thumb_label=True,
                   classes="seg-joint-factor")
        _apply("seg_smooth", "[seg_opt_smooth_method, seg_opt_smooth_mm, seg_opt_joint_factor]",
               css="seg-smooth-apply")
    with html.Div(v_if="seg_effect === 'islands'"):
        _select("seg_opt_islands_op", "Operation", islands.OPERATIONS, "seg-islands-op")
        _number("seg_opt_islands_min", "Minimum size (voxels)", "seg-islands-min")
        _apply("seg_islands", "[seg_opt_islands_op, seg_opt_islands_min]", css="seg-islands-apply")
    with html.Div(v_if="seg_effect === 'logical_operators'"):
        _select("seg_opt_logical_op", "Operation", logical.OPERATIONS, "seg-logical-op")
        v3.VSelect(v_if=f"{list(logical.NEEDS_OTHER)}.includes(seg_opt_logical_op)", v_model=("seg_opt_logical_other",),
                   label="Other segment", items=("seg_state.segments",), item_title="name", item_value="id",
                   density="compact", hide_details=True, classes="seg-logical-other")
        _apply("seg_logical", "[seg_opt_logical_op, seg_opt_logical_other]", css="seg-logical-apply")
    with html.Div(v_if="seg_effect === 'mask_volume'"):
        _select("seg_opt_mask_mode", "Fill", mask_volume.MODES, "seg-mask-mode")
        _number("seg_opt_mask_fill", "Fill value", "seg-mask-fill")
        _number("seg_opt_mask_inside", "Inside value (binary)", "seg-mask-inside")
        _apply("seg_mask_volume", "[seg_opt_mask_mode, seg_opt_mask_fill, seg_opt_mask_inside]",
               css="seg-mask-apply")
    for effect, option in (("grow_from_seeds", "seg_opt_seed_locality"),
                           ("fill_between_slices", "seg_opt_fill_axis")):
        with html.Div(v_if=f"seg_effect === '{effect}'"):
            if effect == "grow_from_seeds":  # Slicer's slider; a change while growing updates the preview
                v3.VSlider(v_model=(option,), min=0, max=MAX_SEED_LOCALITY, step=0.1, label="Seed locality",
                           density="compact", hide_details=True, thumb_label=True, classes="seg-seed-locality",
                           end="trigger('seg_seed_locality', [$event])")
            else:
                _select(option, "Axis", list(AXES), "seg-fill-axis")
            with html.Div(classes="d-flex flex-wrap ga-1"):
                _apply("seg_auto_start", f"[{option}]", title="Initialize", css="seg-auto-start")
                for trigger, title in (("seg_auto_update", "Update"), ("seg_auto_apply", "Apply"),
                                       ("seg_auto_cancel", "Cancel")):
                    busy = "" if trigger == "seg_auto_cancel" else " || !!seg_busy"  # Cancel drops a run
                    v3.VBtn(title, size="small", variant="tonal", disabled=(f"!seg_auto_complete{busy}",),
                            classes=f"{trigger.replace('_', '-')} mt-1", click=f"trigger('{trigger}')")


def build_files() -> None:
    html.Div("Save and export", classes="text-subtitle-2 mt-2")
    with html.Div(classes="d-flex flex-wrap ga-1"):
        for kind, title in ((".seg.nrrd", "Segmentation (.seg.nrrd)"), ("labelmap", "Label map (.nii.gz)"),
                            ("stl", "Models (STL)"), ("obj", "Models (OBJ)")):
            v3.VBtn(title, size="x-small", variant="outlined", classes=f"seg-save-{kind.strip('.').replace('.', '-')}",
                    click=f"trigger('seg_save', ['{kind}'])")
        v3.VBtn("Statistics (CSV)", size="x-small", variant="outlined", classes="seg-statistics-csv",
                click="trigger('seg_statistics_csv')")
