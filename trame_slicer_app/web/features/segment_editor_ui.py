"""The Segment Editor panel's widgets (the logic and its checks are in ``segment_editor_panel.py``).

State read here: ``seg_state`` (the engine's plain values: segmentation, segments, active segment,
masking, 3D), ``seg_effect`` and the effect options, ``seg_message``; per tab: ``seg_renaming``,
``seg_statistics``. Every edit goes to the server as a trigger with its arguments.
"""

from __future__ import annotations

from trame.widgets import html
from trame.widgets import vuetify3 as v3

from ...engine.segment_editor.smoothing_brush import BRUSH_METHODS
from ..mrml_binding import MAX_TEXT_LENGTH
from . import segment_editor_effects_ui as effects_ui

# The brush's size in its label: the slider's thumb shows the number only while it is dragged, and a new
# user could not tell how big the brush was (Slicer shows it beside its slider).
BRUSH_MM_LABEL = "`Diameter ${seg_brush_diameter_mm} mm`"
BRUSH_PERCENT_LABEL = "`Diameter ${seg_brush_percent} % of the view`"

EFFECTS: dict[str, tuple[str, str]] = {  # name -> (title, icon)
    "paint": ("Paint", "mdi-brush"),
    "draw": ("Draw", "mdi-draw"),
    "erase": ("Erase", "mdi-eraser"),
    "level_tracing": ("Level tracing", "mdi-vector-polyline"),
    "scissors": ("Scissors", "mdi-content-cut"),
}


def build_active_effect_chip() -> None:
    """In the toolbar, while an effect takes the left button in the views: which one, and a close that
    puts it away. The effect is the scene's (every tab's); a tab whose panel is closed (a reloaded page,
    another user's) would otherwise paint with a left drag where it expects window/level."""
    v3.VChip("{{ seg_effect_titles[seg_effect] }}: a left drag edits the segment; Esc ends",
             v_if="seg_effect && seg_effect_titles[seg_effect]", closable=True, size="small", color="primary",
             prepend_icon=("seg_effect_icons[seg_effect]",), classes="seg-active-effect",
             click_close="seg_effect = null")


EFFECT_HELP = {
    "paint": "Left drag in a slice view paints; in the 3D view it paints on the surface under the pointer. "
             "Shift+wheel or - / + sizes the brush.",
    "erase": "Left drag in a slice view, or on a surface in the 3D view, erases from the selected segment.",
    "draw": "Left click adds a point, left drag adds many; double click, right click, a or Enter fills; "
            "x deletes the last point; Escape unselects.",
    "level_tracing": "Move over a slice view: the outline of like voxels follows; left click fills it.",
    "scissors": "Left drag a shape in a slice view, or in the 3D view to cut along the view direction; it is "
                "applied when the button is released.",
}
SCISSORS_CHOICES = {
    "seg_scissors_shape": ("Shape", [("Free-form", "free_form"), ("Circle", "circle"), ("Rectangle", "rectangle")]),
    "seg_scissors_operation": ("Operation", [("Erase inside", "erase_inside"), ("Erase outside", "erase_outside"),
                                             ("Fill inside", "fill_inside"), ("Fill outside", "fill_outside")]),
    "seg_scissors_cut": ("Slice cut", [("Unlimited", "unlimited"), ("Positive", "positive"),
                                       ("Negative", "negative"), ("Symmetric", "symmetric")]),
}
EDITABLE_AREA_ITEMS = [("Everywhere", "everywhere"), ("Inside all segments", "inside_all_segments"),
                       ("Inside visible segments", "inside_visible_segments"),
                       ("Outside all segments", "outside_all_segments"),
                       ("Outside visible segments", "outside_visible_segments"),
                       ("Inside one segment", "inside_segment")]
OVERWRITE_ITEMS = [("Overwrite all", "all"), ("Overwrite visible", "visible"), ("Allow overlap", "none")]
DISPLAY_KINDS = (("fill_2d", "2D fill"), ("outline_2d", "2D outline"), ("surface_3d", "3D surface"))
# The segment rows the list shows: those whose name holds the filter text, in any case.
SHOWN_SEGMENTS = ("(seg_filter ? seg_state.segments.filter("
                  "s => s.name.toLowerCase().includes(seg_filter.toLowerCase())) : seg_state.segments)")
_RENAME_VALID = (f"(seg_renaming && seg_renaming.name.trim().length > 0"
                 f" && seg_renaming.name.length <= {MAX_TEXT_LENGTH})")


def _items(pairs) -> tuple[str]:
    """A select's items as a JS literal of the template. Not ("items", [...]): that binds every select
    to one shared state key "items", the last list declared, so each select offered the same options."""
    return ("[" + ", ".join(f"{{title: '{title}', value: '{value}'}}" for title, value in pairs) + "]",)


def build_panel() -> None:
    with html.Div(classes="segment-editor-panel"):
        v3.VAlert(text=("seg_message",), v_if="seg_message", type="warning", density="compact",
                  variant="tonal", classes="seg-message mb-2")
        # A long edit computing in a worker (joint smoothing, grow from seeds): the views stay live,
        # every tab sees it, edits of the segmentation are refused until it ends or is cancelled.
        with html.Div(v_if="seg_busy", classes="seg-busy mb-2"):
            v3.VProgressLinear(indeterminate=True, color="primary", height=3)
            with html.Div(classes="d-flex align-center ga-2 text-body-2"):
                html.Span("{{ seg_busy }} is computing...", classes="seg-busy-label")
                v3.VBtn("Cancel", size="x-small", variant="text", classes="seg-busy-cancel",
                        click="trigger('seg_long_cancel')")
        with html.Div(v_if="!seg_state.segmentation_id"):
            html.Div("No segmentation is being edited.", classes="text-medium-emphasis mb-2")
            v3.VBtn("Create segmentation", prepend_icon="mdi-plus", classes="seg-create", size="small",
                    click="trigger('seg_create')")
            with v3.VSelect(v_if="seg_state.segmentations.length", label="or edit", density="compact",
                            items=("seg_state.segmentations",), item_title="name", item_value="id",
                            hide_details=True, classes="seg-pick-segmentation mt-2",
                            update_modelValue="trigger('seg_select_segmentation', [$event])"):
                pass
        with html.Div(v_if="seg_state.segmentation_id"):
            _build_segmentation_bar()
            _build_segment_list()
            _build_effects()
            _build_masking()
            _build_statistics()
            effects_ui.build_files()
    _build_rename_dialog()


def _build_segmentation_bar() -> None:
    with html.Div(classes="d-flex align-center ga-1 mb-1"):
        html.Span("{{ seg_state.segmentation_name }}", classes="text-body-2 text-truncate flex-grow-1")
        v3.VBtn(icon="mdi-plus", size="small", variant="text", title="Add segment", classes="seg-add",
                click="trigger('seg_add')")
        v3.VBtn(icon="mdi-minus", size="small", variant="text", title="Remove the selected segment",
                classes="seg-remove", disabled=("!seg_state.active_segment_id",),
                click="trigger('seg_remove', [seg_state.active_segment_id])")
        v3.VBtn("3D", size="small", variant=("seg_state.show_3d ? 'flat' : 'text'",), title="Show in 3D",
                color=("seg_state.show_3d ? 'primary' : undefined",), classes="seg-show-3d",
                click="trigger('seg_show_3d', [!seg_state.show_3d])")
    v3.VSlider(v_if="seg_state.show_3d", model_value=("seg_state.smoothing",), min=0, max=1, step=0.1,
               label="Smoothing", density="compact", hide_details=True, classes="seg-smoothing",
               end="trigger('seg_smoothing', [$event])")


def _build_segment_list() -> None:
    html.Div("No segment: add one.", v_if="!seg_state.segments.length", classes="text-medium-emphasis")
    _build_filter_bar()
    with html.Div(v_for=f"s in {SHOWN_SEGMENTS}", key="s.id",
                  classes=("['seg-row', 'px-1', s.id === seg_state.active_segment_id ? 'seg-active' : '']",),
                  style=("s.id === seg_state.active_segment_id ? 'background: rgba(100,140,255,0.18)' : ''",)):
        with html.Div(classes="d-flex align-center ga-1"):
            html.Input(type="color", value=("s.colour",), title="Colour", classes="seg-colour",
                       style="width: 24px; height: 20px; border: none; padding: 0;",
                       change="trigger('seg_colour', [s.id, $event.target.value])")
            html.Span("{{ s.name }}", classes="seg-name text-body-2 text-truncate flex-grow-1",
                      style="cursor: pointer", click="trigger('seg_select', [s.id])",
                      dblclick="seg_renaming = {id: s.id, name: s.name}")
            v3.VBtn(icon=("s.visible ? 'mdi-eye' : 'mdi-eye-off'",), size="x-small", variant="text",
                    title="Show or hide", classes="seg-visible",
                    click="trigger('seg_visible', [s.id, null, !s.visible])")
            with v3.VMenu():
                with v3.Template(v_slot_activator="{ props }"):
                    v3.VBtn(icon="mdi-dots-vertical", size="x-small", variant="text", v_bind="props",
                            title="Fill, outline, 3D, rename", classes="seg-more")
                with v3.VList(density="compact"):
                    for kind, title in (("fill_2d", "Fill in slices"), ("outline_2d", "Outline in slices"),
                                        ("surface_3d", "Surface in 3D")):
                        v3.VListItem(title=title, classes=f"seg-{kind.replace('_', '-')}",
                                     prepend_icon=(f"s.{kind} ? 'mdi-checkbox-marked' : 'mdi-checkbox-blank-outline'",),
                                     click=f"trigger('seg_visible', [s.id, '{kind}', !s.{kind}])")
                    v3.VListItem(title="Rename", prepend_icon="mdi-rename", classes="seg-rename",
                                 click="seg_renaming = {id: s.id, name: s.name}")
            v3.VBtn(icon=("s.locked ? 'mdi-lock' : 'mdi-lock-open-variant-outline'",), size="x-small",
                    variant="text", title="Lock", classes="seg-lock", click="trigger('seg_lock', [s.id, !s.locked])")
        v3.VSlider(v_if="s.id === seg_state.active_segment_id", model_value=("s.opacity",), min=0, max=1,
                   step=0.05, label="Opacity", density="compact", hide_details=True, classes="seg-opacity",
                   end="trigger('seg_opacity', [s.id, $event])")
        _build_display_kinds()


def _build_filter_bar() -> None:
    """Slicer's segments table filter: the rows whose name holds the typed text (any case). The text is
    this tab's and stays in the browser (it filters what the tab shows, nothing on the server)."""
    with html.Div(v_if="seg_state.segments.length", classes="d-flex align-center ga-1"):
        v3.VTextField(v_model=("seg_filter",), placeholder="Filter by name", prepend_inner_icon="mdi-magnify",
                      clearable=True, density="compact", variant="plain", hide_details=True, maxlength=MAX_TEXT_LENGTH,
                      classes="seg-filter")
        html.Span(f"{{{{ {SHOWN_SEGMENTS}.length }}}} of {{{{ seg_state.segments.length }}}}",
                  v_if="seg_filter", classes="seg-filter-count text-caption text-medium-emphasis text-no-wrap")
    html.Div("No segment's name holds this text.", v_if=f"seg_filter && !{SHOWN_SEGMENTS}.length",
             classes="seg-filter-empty text-caption text-medium-emphasis")


def _build_display_kinds() -> None:
    """The active segment's display as Slicer's segmentation display node keeps it: 2D fill, 2D outline
    and 3D, each with its own visibility and opacity."""
    with html.Div(v_if="s.id === seg_state.active_segment_id", classes="d-flex justify-end"):
        v3.VBtn("Display", size="x-small", variant="text", classes="seg-display-toggle",
                append_icon=("seg_display_open ? 'mdi-chevron-up' : 'mdi-chevron-down'",),
                click="seg_display_open = !seg_display_open")
    with html.Div(v_if="s.id === seg_state.active_segment_id && seg_display_open", classes="seg-display-kinds"):
        for kind, title in DISPLAY_KINDS:
            with html.Div(classes=f"d-flex align-center ga-1 seg-display-{kind.replace('_', '-')}"):
                v3.VCheckboxBtn(model_value=(f"s.{kind}",), density="compact", title=f"Show the {title}",
                                classes="seg-display-visible flex-grow-0",
                                update_modelValue=f"trigger('seg_visible', [s.id, '{kind}', $event])")
                html.Span(title, classes="text-caption text-no-wrap", style="width: 64px")
                v3.VSlider(model_value=(f"s.opacity_{kind}",), min=0, max=1, step=0.05, density="compact",
                           hide_details=True, thumb_label=True, classes="seg-display-opacity",
                           end=f"trigger('seg_opacity', [s.id, $event, '{kind}'])")


def _build_effects() -> None:
    html.Div("Effects", classes="text-subtitle-2 mt-2")
    with v3.VBtnToggle(v_model=("seg_effect",), density="compact", classes="seg-effects flex-wrap",
                       style="height: auto"):
        for name, (title, icon) in EFFECTS.items():
            v3.VBtn(icon=icon, value=name, title=title, size="small", classes=f"seg-effect-{name}")
        effects_ui.build_effect_buttons()
    for name, text in EFFECT_HELP.items():
        html.Div(text, v_if=f"seg_effect === '{name}'", classes="text-caption text-medium-emphasis")
    with html.Div(v_if="seg_effect === 'paint' || seg_effect === 'erase'", classes="seg-brush-options"):
        with html.Div(classes="d-flex align-center ga-2"):
            v3.VSwitch(v_model=("seg_brush_relative",), label="% of view", density="compact", hide_details=True,
                       classes="seg-brush-relative")
            v3.VSwitch(v_model=("seg_brush_sphere",), label="Sphere", density="compact", hide_details=True,
                       classes="seg-brush-sphere")
        v3.VSlider(v_if="!seg_brush_relative", v_model=("seg_brush_diameter_mm",), min=0.5, max=100, step=0.5,
                   label=(BRUSH_MM_LABEL,), density="compact", hide_details=True, thumb_label=True,
                   classes="seg-brush-diameter")
        v3.VSlider(v_if="seg_brush_relative", v_model=("seg_brush_percent",), min=0.5, max=50, step=0.5,
                   label=(BRUSH_PERCENT_LABEL,), density="compact", hide_details=True, thumb_label=True,
                   classes="seg-brush-percent")
    effects_ui.build_effect_options()
    _build_smoothing_brush()
    with html.Div(v_if="seg_effect === 'scissors'", classes="seg-scissors-options"):
        for key, (label, pairs) in SCISSORS_CHOICES.items():
            v3.VSelect(v_model=(key,), label=label, items=_items(pairs), density="compact",
                       hide_details=True, classes=key.replace("_", "-"))
        v3.VTextField(v_if="seg_scissors_cut !== 'unlimited'", model_value=("seg_scissors_depth_mm",),
                      type="number", label="Depth (mm, 0: this slice)", density="compact", hide_details=True,
                      classes="seg-scissors-depth", update_modelValue="seg_scissors_depth_mm = Number($event)")


def _build_smoothing_brush() -> None:
    """Smoothing's brush mode: strokes in a slice or the 3D view smooth the segment where they pass."""
    with html.Div(v_if="seg_effect === 'smoothing'", classes="seg-smooth-brush-options mt-1"):
        v3.VSwitch(v_model=("seg_smooth_brush",), label="Smoothing brush", density="compact", hide_details=True,
                   classes="seg-smooth-brush")
        with html.Div(v_if="seg_smooth_brush"):
            html.Div("Left drag in a slice or the 3D view smooths the segment under the brush only.",
                     classes="text-caption text-medium-emphasis")
            v3.VSelect(v_model=("seg_smooth_brush_method",), label="Brush method",
                       items=_items([(m.capitalize(), m) for m in BRUSH_METHODS]),
                       density="compact", hide_details=True, classes="seg-smooth-brush-method")
            v3.VTextField(model_value=("seg_smooth_brush_mm",), type="number", label="Brush kernel (mm)",
                          density="compact", hide_details=True, classes="seg-smooth-brush-mm",
                          update_modelValue="seg_smooth_brush_mm = Number($event)")
            # Paint's brush (Slicer's brush parameters are common to the paint effects).
            v3.VSwitch(v_model=("seg_brush_sphere",), label="Sphere", density="compact", hide_details=True,
                       classes="seg-smooth-brush-sphere")
            v3.VSlider(v_if="!seg_brush_relative", v_model=("seg_brush_diameter_mm",), min=0.5, max=100, step=0.5,
                       label=(BRUSH_MM_LABEL,), density="compact", hide_details=True, thumb_label=True,
                       classes="seg-smooth-brush-diameter")
            v3.VSlider(v_if="seg_brush_relative", v_model=("seg_brush_percent",), min=0.5, max=50, step=0.5,
                       label=(BRUSH_PERCENT_LABEL,), density="compact", hide_details=True, thumb_label=True,
                       classes="seg-smooth-brush-percent")


def _build_masking() -> None:
    with v3.VExpansionPanels(variant="accordion", classes="mt-2"), v3.VExpansionPanel():
        v3.VExpansionPanelTitle("Masking", classes="seg-masking-title")
        with v3.VExpansionPanelText():
            v3.VSelect(model_value=("seg_state.masking.editable_area",), label="Editable area",
                       items=_items(EDITABLE_AREA_ITEMS), density="compact", hide_details=True,
                       classes="seg-editable-area",
                       update_modelValue="trigger('seg_editable_area', [$event, seg_state.masking.mask_segment_id"
                                         " || (seg_state.segments[0] && seg_state.segments[0].id)])")
            v3.VSelect(v_if="seg_state.masking.editable_area === 'inside_segment'",
                       model_value=("seg_state.masking.mask_segment_id",), label="Segment",
                       items=("seg_state.segments",), item_title="name", item_value="id", density="compact",
                       hide_details=True, classes="seg-mask-segment",
                       update_modelValue="trigger('seg_editable_area', ['inside_segment', $event])")
            v3.VCheckbox(model_value=("seg_state.masking.intensity_mask",), label="Editable intensity range",
                         density="compact", hide_details=True, classes="seg-intensity-mask",
                         update_modelValue="trigger('seg_intensity_mask', [$event,"
                                           " ...seg_state.masking.intensity_range])")
            with html.Div(v_if="seg_state.masking.intensity_mask", classes="d-flex ga-2"):
                low, high = "seg_state.masking.intensity_range[0]", "seg_state.masking.intensity_range[1]"
                typed = "Number($event.target.value)"
                for label, values in (("From", f"{typed}, {high}"), ("To", f"{low}, {typed}")):
                    v3.VTextField(model_value=(low if label == "From" else high,), type="number", label=label,
                                  density="compact", hide_details=True, classes=f"seg-intensity-{label.lower()}",
                                  change=f"trigger('seg_intensity_mask', [true, {values}])")
            v3.VSelect(model_value=("seg_state.masking.overwrite",), label="Modify other segments",
                       items=_items(OVERWRITE_ITEMS), density="compact", hide_details=True,
                       classes="seg-overwrite", update_modelValue="trigger('seg_overwrite', [$event])")


def _build_statistics() -> None:
    with html.Div(classes="d-flex align-center mt-2"):
        html.Div("Statistics", classes="text-subtitle-2 flex-grow-1")
        v3.VBtn("Compute", size="small", variant="text", classes="seg-statistics-compute",
                click="trigger('seg_statistics')")
    with v3.VTable(v_if="seg_statistics", density="compact", classes="seg-statistics",
                   style="font-size: 11px; overflow-x: auto"):
        with html.Thead(), html.Tr():
            for title in ("Segment", "Voxels", "mm³", "cc", "Mean", "SD", "Min", "Max"):
                html.Th(title)
        with html.Tbody(), html.Tr(v_for="r in seg_statistics", key="r.id"):
            html.Td("{{ r.name }}")
            html.Td("{{ r.voxels }}", classes="seg-statistics-voxels")
            for field in ("volume_mm3", "volume_cc", "mean", "sd", "min", "max"):
                html.Td(f"{{{{ r.{field} }}}}")


def _build_rename_dialog() -> None:
    rename = f"({_RENAME_VALID}) && (trigger('seg_rename', [seg_renaming.id, seg_renaming.name]), seg_renaming = null)"
    with v3.VDialog(model_value=("!!seg_renaming",), update_modelValue="$event || (seg_renaming = null)",
                    max_width=360), \
            v3.VCard(title="Rename segment", v_if="seg_renaming", classes="seg-rename-dialog"), \
            v3.VForm(submit=rename):
        with v3.VCardText():
            v3.VTextField(model_value=("seg_renaming.name",),
                          update_modelValue="seg_renaming = {...seg_renaming, name: $event}",
                          label="Name", autofocus=True, classes="seg-rename-name", counter=MAX_TEXT_LENGTH)
        with v3.VCardActions():
            v3.VSpacer()
            v3.VBtn("Cancel", click="seg_renaming = null")
            v3.VBtn("Rename", type="submit", color="primary", classes="seg-rename-ok",
                    disabled=(f"!{_RENAME_VALID}",), __properties=["type"])
