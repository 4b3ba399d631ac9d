"""Markups: place points, lines, angles, curves, planes and ROIs from the toolbar; the panel lists them with
their measurements (visibility, lock, colour, rename, delete; each point's RAS position, editable; jump the
slices to a point; export as CSV; an ROI crops the volume rendering or the volume).

Placing and dragging happen in the views through Slicer's own markups widgets (engine/markups/placing.py);
this module only starts and stops placing, and binds the list to MRML (polled, see web/mrml_binding.py), so
a drag costs at most one state message per poll however many times the points moved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from trame.decorators import trigger
from trame.widgets import html
from trame.widgets import vuetify3 as v3

from ...engine.errors import EngineError
from ...engine.markups import csv_export, markups_edit, placing, roi_tools, shape_settings
from ...engine.markups.markup_types import MARKUP_TYPES
from ..mrml_binding import BindingError, a_flag, a_text, one_of
from .feature import Feature, FeatureHost, tab_trigger

log = logging.getLogger(__name__)

ESCAPE_KEYS = ("Escape",)
DELETE_KEYS = ("Delete", "Backspace")
CSV_NAME = "markups measurements.csv"


def a_point_index(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BindingError("not a point index")
    return value


def a_color(value) -> str:
    if not isinstance(value, str) or not markups_edit.COLOR_PATTERN.match(value):
        raise BindingError("not a #rrggbb colour")
    return value.lower()


def a_position(value):
    try:
        return markups_edit.checked_ras(value)
    except EngineError as error:
        raise BindingError(str(error)) from None


def a_normal(value):
    try:
        return shape_settings.checked_normal(value)
    except EngineError as error:
        raise BindingError(str(error)) from None


def a_plane_size(value):
    try:
        return shape_settings.checked_plane_size(value)
    except EngineError as error:
        raise BindingError(str(error)) from None


def a_surface_id_or_none(value):
    if value is not None and (not isinstance(value, str) or len(value) > 200):
        raise BindingError("not a model id")
    return value


def typed(send: str, shown: str) -> str:
    """A typed field's change handler: send the value, then show the markup's own value again. An accepted
    value comes back through the state (and replaces it); a refused one no longer stays in the field as
    if it had been applied (found using the app: "1e9" stayed in a point's R field)."""
    return f"{send}; $event.target.value = {shown}"


@dataclass
class MarkupsTabState:
    markups_persistent: bool = False  # the next placement goes on until Escape
    markups_open_id: str | None = None  # the row whose points are shown
    markups_refused: str = ""  # why this tab's last panel edit was refused ("" when it was applied)


class MarkupsPanel(Feature):
    name = "markups"
    title = "Markups"
    icon = "mdi-map-marker-outline"
    tab_state = MarkupsTabState

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.engine = self.session.engine
        self.binding.bind("markups_items", lambda: markups_edit.markups_rows(self.engine))
        self.binding.bind("markups_surfaces", lambda: shape_settings.surfaces(self.engine))
        self.server.state.markups_curve_types = [{"value": key, "title": title}
                                                 for key, title in shape_settings.CURVE_TYPES.items()]
        self.binding.add_poll_hook(self._placing_state)
        self.server.state.update(self._placing_state())
        self.session.key_listeners.append(self._on_key)
        self.session.gesture_listeners.append(self._on_gesture_start)

    # -- state -------------------------------------------------------------------
    def _placing_state(self) -> dict:
        state = placing.placing_state(self.engine)
        node = self.engine.scene.GetNodeByID(state["placing"]) if state["placing"] else None
        name = node.GetName() if node is not None else None
        return {"markups_placing": {**state, "name": name} if state["placing"] else None,
                "markups_mode": self.engine.interaction_modes.current}

    def _refresh_placing(self) -> None:
        self.server.state.update(self._placing_state())

    def _ids(self) -> list[str]:
        return [node.GetID() for node in markups_edit.markups_nodes(self.engine)]

    # -- placing --------------------------------------------------------------------
    @trigger("markups_place")
    def place(self, type_name=None, persistent=False, *_ignored) -> None:
        """Start placing. Making the new markup is an undo step of its own, taken here before it is made
        (each click is one more, at the view's press): without it, the markup belonged to the step
        before, and undo took back whatever was done before it (a paint stroke) while it stayed."""
        self.binding.edit_checked(
            "place a markup", lambda kind, persistent: placing.start_placing(self.engine, kind, persistent),
            (one_of(MARKUP_TYPES), type_name), (a_flag, bool(persistent)))
        self._refresh_placing()

    @trigger("markups_continue")
    def continue_placing(self, node_id=None, persistent=False, *_ignored) -> None:
        """Add points to a point list or a curve."""
        try:
            placing.continue_placing(self.engine, one_of(self._ids)(node_id), a_flag(bool(persistent)))
        except (BindingError, EngineError) as error:
            log.warning("could not add points to %.80r: %s", node_id, error)
        self._refresh_placing()

    @trigger("markups_stop")
    def stop(self, *_ignored) -> None:
        placing.stop_placing(self.engine)
        self.binding.refresh()
        self._refresh_placing()

    def _on_gesture_start(self, view_name: str, kind: str) -> None:
        """A press in the 3D view is no undo step (its camera is not undoable, as in Slicer), unless it
        places a point or grabs one: then it is, as a press in a slice view always is."""
        if kind != "press" or self.session.view_kind(view_name) == "slice":
            return
        if placing.placing_state(self.engine)["placing"] or markups_edit.pointer_on_a_markup(self.engine):
            self.binding.checkpoint(f"markup in {view_name}")

    def _on_key(self, view_name: str, key: str) -> bool:
        if key in ESCAPE_KEYS:
            stopped = placing.stop_placing(self.engine)
            if stopped:
                self.binding.refresh()
            return stopped
        if key in DELETE_KEYS:
            # The view's own undo checkpoint is for slice views only; a deleted point is a step everywhere.
            return bool(self.binding.edit("delete a markup point", markups_edit.delete_hovered_point, self.engine))
        return False

    # -- edits ------------------------------------------------------------------------
    def _edit_checked(self, label: str, action, *checked) -> None:
        """As the binding's ``edit_checked`` (checked before the undo checkpoint), and the calling tab is told
        why an edit was refused: a typed coordinate out of bounds, a locked markup."""
        try:
            args = [check(value) for check, value in checked]
        except (BindingError, TypeError) as error:
            log.warning("ignored %s: %s", label, error)
            self.tabs.update(markups_refused=f"{label}: {error}")
            self.binding.refresh()
            return
        refused: list[str] = []

        def run(*values):
            try:
                return action(*values)
            except EngineError as error:
                refused.append(str(error))
                raise

        self.binding.edit(label, run, *args)
        self.tabs.update(markups_refused=f"{label}: {refused[0]}" if refused else "")
    _SETTERS = {
        "visible": (markups_edit.set_visible, a_flag),
        "locked": (markups_edit.set_locked, a_flag),
        "color": (markups_edit.set_color, a_color),
        "name": (markups_edit.rename, a_text),
    }

    @tab_trigger("markups_set")
    def set_property(self, node_id=None, prop=None, value=None, *_ignored) -> None:
        if not isinstance(prop, str) or prop not in self._SETTERS:
            return
        setter, validate = self._SETTERS[prop]
        self._edit_checked(f"markup {prop}", partial(setter, self.engine),
                                  (one_of(self._ids), node_id), (validate, value))

    @trigger("markups_delete")
    def delete(self, node_id=None, *_ignored) -> None:
        self.binding.edit_checked("delete a markup", partial(markups_edit.delete, self.engine),
                                  (one_of(self._ids), node_id))

    @tab_trigger("markups_delete_point")
    def delete_point(self, node_id=None, index=None, *_ignored) -> None:
        self._edit_checked("delete a markup point", partial(markups_edit.delete_point, self.engine),
                                  (one_of(self._ids), node_id), (a_point_index, index))

    @tab_trigger("markups_set_point")
    def set_point(self, node_id=None, index=None, ras=None, *_ignored) -> None:
        self._edit_checked("move a markup point", partial(markups_edit.set_point_position, self.engine),
                                  (one_of(self._ids), node_id), (a_point_index, index), (a_position, ras))

    @tab_trigger("markups_jump")
    def jump(self, node_id=None, index=None, *_ignored) -> None:
        self._edit_checked("jump to a markup point", partial(markups_edit.jump_to_point, self.engine),
                                  (one_of(self._ids), node_id), (a_point_index, index))

    @tab_trigger("markups_plane_normal")
    def set_plane_normal(self, node_id=None, normal=None, *_ignored) -> None:
        self._edit_checked("plane normal", partial(shape_settings.set_plane_normal, self.engine),
                                  (one_of(self._ids), node_id), (a_normal, normal))

    @tab_trigger("markups_plane_size")
    def set_plane_size(self, node_id=None, size=None, *_ignored) -> None:
        """[width, height] in mm, or None for Slicer's automatic size."""
        self._edit_checked("plane size", partial(shape_settings.set_plane_size, self.engine),
                                  (one_of(self._ids), node_id), (a_plane_size, size))

    @tab_trigger("markups_curve_type")
    def set_curve_type(self, node_id=None, type_name=None, surface_id=None, *_ignored) -> None:
        self._edit_checked("curve type", partial(shape_settings.set_curve_type, self.engine),
                                  (one_of(self._ids), node_id), (one_of(shape_settings.CURVE_TYPES), type_name),
                                  (a_surface_id_or_none, surface_id))

    @tab_trigger("markups_roi")
    def roi_action(self, node_id=None, action=None, *_ignored) -> None:
        volume_id = self.engine.app_logic.GetSelectionNode().GetActiveVolumeID()
        if not volume_id:
            log.warning("no volume shown to crop")
            self.tabs.update(markups_refused="no volume is shown to crop")
            return
        act = {"crop_rendering": roi_tools.use_as_rendering_crop_box, "crop_volume": roi_tools.crop_volume}
        if action not in act:
            return
        self._edit_checked(f"ROI {action}", partial(act[action], self.engine),
                                  (one_of(self._ids), node_id), (lambda v: v, volume_id))

    @tab_trigger("markups_export_csv")
    def export_csv(self, *_ignored) -> None:
        data_io = next((f for f in self.host.features if hasattr(f, "offer_download")), None)
        if data_io is None:
            return
        path = data_io.downloads.new_folder() / CSV_NAME
        path.write_text(csv_export.measurements_csv(self.engine), encoding="utf-8")
        data_io.offer_download(path, CSV_NAME)

    # -- UI -------------------------------------------------------------------------------
    def build_toolbar(self) -> None:
        with v3.VMenu(location="bottom"):
            with v3.Template(v_slot_activator="{ props }"):
                v3.VBtn(icon="mdi-map-marker-plus-outline", v_bind="props", title="Place a markup",
                        classes="markups-place-menu", color=("markups_placing ? 'primary' : undefined",))
            with v3.VList(density="compact", classes="markups-place-list"):
                for markup_type in MARKUP_TYPES.values():
                    v3.VListItem(title=markup_type.title, prepend_icon=markup_type.icon,
                                 classes=f"markups-place-{markup_type.name}",
                                 click=f"trigger('markups_place', ['{markup_type.name}', markups_persistent])")
                v3.VDivider()
                checkbox = "markups_persistent ? 'mdi-checkbox-marked' : 'mdi-checkbox-blank-outline'"
                v3.VListItem(title="Keep placing (until Esc)", classes="markups-persistent", prepend_icon=(checkbox,),
                             click="markups_persistent = !markups_persistent")
        v3.VChip("Placing {{ markups_placing && markups_placing.name }}: click in a view; Esc ends",
                 v_if="markups_placing", closable=True, size="small", color="primary", classes="markups-placing",
                 click_close="trigger('markups_stop')")

    def build_panel(self) -> None:
        with html.Div(classes="d-flex align-center mb-1"):
            html.Span("{{ markups_items.length }} markup(s)", classes="text-caption text-medium-emphasis")
            v3.VSpacer()
            v3.VBtn("CSV", prepend_icon="mdi-download", size="small", variant="text", classes="markups-export-csv",
                    disabled=("!markups_items.length",), click="trigger('markups_export_csv')")
        html.Div("{{ markups_refused }}", v_if="markups_refused", title="Click to dismiss",
                 classes="markups-refused text-caption text-error mb-1", click="markups_refused = ''")
        # Tests find a row by its markup's id (trame passes data-* attributes through __properties).
        with html.Div(v_for="m in markups_items", key="m.id", classes="markups-row mb-2",
                      __properties=[("data_markup_id", "data-markup-id")], data_markup_id=("m.id",)):
            with html.Div(classes="d-flex align-center ga-1"):
                html.Input(type="color", value=("m.color",), title="Colour", classes="markups-color",
                           style="width: 24px; height: 20px; border: none; padding: 0;",
                           change="trigger('markups_set', [m.id, 'color', $event.target.value])")
                html.Input(value=("m.name",), title="Rename", classes="markups-name text-body-2 flex-grow-1",
                           style="min-width: 0; color: inherit;",
                           change=typed("trigger('markups_set', [m.id, 'name', $event.target.value])", "m.name"))
                v3.VBtn(icon=("m.visible ? 'mdi-eye' : 'mdi-eye-off'",), size="x-small", variant="text",
                        title="Show or hide", classes="markups-visible",
                        click="trigger('markups_set', [m.id, 'visible', !m.visible])")
                v3.VBtn(icon=("m.locked ? 'mdi-lock' : 'mdi-lock-open-variant-outline'",), size="x-small",
                        variant="text", title="Lock (no dragging)", classes="markups-locked",
                        click="trigger('markups_set', [m.id, 'locked', !m.locked])")
                v3.VBtn(icon="mdi-plus", size="x-small", variant="text", title="Add points (click in a view)",
                        classes="markups-continue",
                        v_if="['point_list', 'open_curve', 'closed_curve'].includes(m.type)",
                        click="trigger('markups_continue', [m.id, markups_persistent])")
                v3.VBtn(icon=("markups_open_id === m.id ? 'mdi-chevron-up' : 'mdi-chevron-down'",), size="x-small",
                        variant="text", title="Points", classes="markups-points-toggle",
                        click="markups_open_id = markups_open_id === m.id ? null : m.id")
                v3.VBtn(icon="mdi-delete-outline", size="x-small", variant="text", title="Delete",
                        classes="markups-delete", click="trigger('markups_delete', [m.id])")
            html.Div("{{ m.title }} · {{ m.point_count }} point(s)", classes="text-caption text-medium-emphasis")
            html.Div(
                "{{ x.name }}: {{ Array.isArray(x.value) ? x.value.join(' x ') : x.value }} {{ x.units }}",
                v_for="x in m.measurements", key="x.name", classes="markups-measurement text-body-2",
            )
            with html.Div(v_if="m.type === 'roi' && m.point_count", classes="d-flex ga-1"):
                v3.VBtn("Crop rendering", size="x-small", variant="tonal", classes="markups-roi-crop-rendering",
                        click="trigger('markups_roi', [m.id, 'crop_rendering'])")
                v3.VBtn("Crop volume", size="x-small", variant="tonal", classes="markups-roi-crop-volume",
                        click="trigger('markups_roi', [m.id, 'crop_volume'])")
            self._build_plane_settings()
            self._build_curve_settings()
            with html.Div(v_if="markups_open_id === m.id", classes="markups-points"), \
                    html.Div(v_for="p in m.points", key="p.index", classes="markups-point d-flex align-center ga-1"):
                    html.Span("{{ p.label }}", classes="text-caption", style="width: 48px; overflow: hidden;")
                    for axis, letter in enumerate("RAS"):
                        html.Input(type="number", step="0.1", value=(f"p.ras[{axis}]",), title=letter,
                                   classes=f"markups-point-{letter}", style="width: 64px; color: inherit;",
                                   change=typed(f"trigger('markups_set_point', [m.id, p.index, "
                                                f"[0, 1, 2].map(i => i !== {axis} ? p.ras[i] : ($event.target.value"
                                                f" === '' ? null : Number($event.target.value)))])",
                                                f"p.ras[{axis}]"))
                    v3.VBtn(icon="mdi-target", size="x-small", variant="text", title="Jump slices here",
                            classes="markups-point-jump", click="trigger('markups_jump', [m.id, p.index])")
                    v3.VBtn(icon="mdi-close", size="x-small", variant="text", title="Delete this point",
                            classes="markups-point-delete", click="trigger('markups_delete_point', [m.id, p.index])")


    @staticmethod
    def _build_plane_settings() -> None:
        """Slicer's plane settings: the normal (for a point-and-normal plane) and the size (auto or absolute)."""
        with html.Div(v_if="m.plane && markups_open_id === m.id", classes="markups-plane text-caption"):
            with html.Div(classes="d-flex align-center ga-1"):
                html.Span("Normal", style="width: 48px;")
                for axis, letter in enumerate("RAS"):
                    html.Input(type="number", step="0.1", value=(f"m.plane.normal[{axis}]",), title=f"Normal {letter}",
                               classes=f"markups-plane-normal-{letter}", style="width: 64px; color: inherit;",
                               disabled=("!m.plane.normal_editable || m.locked",),
                               change=typed(f"trigger('markups_plane_normal', [m.id, [0, 1, 2].map(i => i !== "
                                            f"{axis} ? m.plane.normal[i] : ($event.target.value === '' ? null "
                                            f": Number($event.target.value)))])", f"m.plane.normal[{axis}]"))
            with html.Div(classes="d-flex align-center ga-1"):
                html.Span("Size", style="width: 48px;")
                for axis, letter in enumerate("WH"):
                    html.Input(type="number", step="1", value=(f"m.plane.size[{axis}]",),
                               title=("Width (mm)", "Height (mm)")[axis], classes=f"markups-plane-size-{letter}",
                               style="width: 64px; color: inherit;", disabled=("m.locked",),
                               change=typed(f"trigger('markups_plane_size', [m.id, [0, 1].map(i => i !== {axis} "
                                            f"? m.plane.size[i] : ($event.target.value === '' ? null "
                                            f": Number($event.target.value)))])", f"m.plane.size[{axis}]"))
                v3.VBtn("auto", size="x-small", variant=("m.plane.size_mode === 'auto' ? 'tonal' : 'text'",),
                        title="Size follows the scene (Slicer's automatic size)", classes="markups-plane-size-auto",
                        disabled=("m.locked",), click="trigger('markups_plane_size', [m.id, null])")

    @staticmethod
    def _build_curve_settings() -> None:
        """Slicer's curve settings: how points are joined, and the model a shortest-distance curve follows."""
        with html.Div(v_if="m.curve && markups_open_id === m.id", classes="markups-curve d-flex align-center ga-1"):
            v3.VSelect(label="Curve type", items=("markups_curve_types",), model_value=("m.curve.type",),
                       density="compact", hide_details=True, classes="markups-curve-type", disabled=("m.locked",),
                       update_modelValue=("trigger('markups_curve_type', [m.id, $event, "
                                          "$event === 'shortest_distance_on_surface' "
                                          "? (m.curve.surface_id || (markups_surfaces[0] || {}).id || null) : null])"))
            v3.VSelect(label="Surface", items=("markups_surfaces",), item_title="name", item_value="id",
                       model_value=("m.curve.surface_id",), density="compact", hide_details=True,
                       classes="markups-curve-surface", v_if="m.curve.type === 'shortest_distance_on_surface'",
                       disabled=("m.locked",),
                       update_modelValue="trigger('markups_curve_type', [m.id, m.curve.type, $event])")


FEATURE = MarkupsPanel
