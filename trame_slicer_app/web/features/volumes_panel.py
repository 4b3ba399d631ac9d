"""Volumes: window/level, presets, colour map, interpolation and the slice layers."""

from __future__ import annotations

from functools import partial

from trame.decorators import trigger
from trame.widgets import html
from trame.widgets import vuetify3 as v3

from ...engine.display import volume_display as display
from ...engine.display.scene_tree import VOLUME_KINDS, data_tree
from ...engine.display.window_level_presets import AUTO_PRESET, WINDOW_LEVEL_PRESETS
from ...engine.display.window_level_scale import window_level_scale
from ..mrml_binding import BindingError, a_flag, a_node_id, a_number, one_of
from .feature import Feature, FeatureHost

OPACITY_STEP = 0.05
PRESET_NAMES = (*WINDOW_LEVEL_PRESETS, AUTO_PRESET)
# A tab may hold a non-number for a moment (a tampered client, before the server puts it right).
READOUT = ("W {{ typeof volumes_window !== 'number' ? '' : volumes_window.toFixed(volumes_scale.decimals) }}"
           "  L {{ typeof volumes_level !== 'number' ? '' : volumes_level.toFixed(volumes_scale.decimals) }}"
           "  range {{ volumes_range ? volumes_range.map(v => v.toFixed(volumes_scale.range_decimals))"
           ".join(' to ') : '' }}")
COLOUR_NOTE = ("Colour image: shown in its own colours. Window/level, its presets and colour maps do not "
               "apply, and dragging in a slice view does not change it.")
# Until a volume is loaded the sliders need some bounds.
NO_SCALE = {"level_min": 0, "level_max": 1, "window_max": 1, "step": 1, "decimals": 0, "range_decimals": 0}


class VolumesPanel(Feature):
    name = "volumes"
    title = "Volumes"
    icon = "mdi-cube-outline"

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.engine = self.session.engine
        self._selected: str | None = None
        b = self.binding
        b.bind("volumes_items", self._volume_items)
        b.bind("volumes_selected", self._selected_id, self._select, a_node_id, undoable=False)
        b.bind("volumes_range", lambda: self._display("scalar_range"))
        b.bind("volumes_is_colour", lambda: bool(self._display("is_colour")))
        b.bind("volumes_scale", self._scale)
        b.bind("volumes_window", lambda: self._rounded(self._display("window")),
               lambda w: display.set_window_level(self.engine, self._selected_id(), w, self._display("level")),
               a_number(lo=0.0), undo_label="window")
        b.bind("volumes_level", lambda: self._rounded(self._display("level")),
               lambda lv: display.set_window_level(self.engine, self._selected_id(), self._display("window"), lv),
               a_number(), undo_label="level")
        b.bind("volumes_color_maps", lambda: [{"title": c["name"], "value": c["id"]}
                                              for c in display.color_maps(self.engine)])
        b.bind("volumes_color_map", lambda: self._display("color_node_id"),
               lambda cid: display.set_color_map(self.engine, self._selected_id(), cid),
               one_of(lambda: [c["id"] for c in display.color_maps(self.engine)]), undo_label="colour map")
        b.bind("volumes_interpolate", lambda: self._display("interpolate"),
               lambda on: display.set_interpolation(self.engine, self._selected_id(), on),
               a_flag, undo_label="interpolation")
        # Slicer's label layer shows label map volumes only: it offers those, not every volume.
        b.bind("volumes_label_maps", lambda: self._volume_items(("labelmap",)))
        for layer, offered in (("foreground", self._volume_ids), ("label", partial(self._volume_ids, ("labelmap",)))):
            b.bind(f"volumes_{layer}", lambda layer=layer: display.slice_layers(self.engine)[layer],
                   lambda vid, layer=layer: display.set_slice_layer(self.engine, layer, vid),
                   one_of(lambda offered=offered: [None, *offered()]), undo_label=f"{layer} layer")
            b.bind(f"volumes_{layer}_opacity",
                   lambda layer=layer: round(display.slice_layers(self.engine)[f"{layer}_opacity"], 2),
                   lambda value, layer=layer: display.set_layer_opacity(self.engine, layer, value),
                   a_number(0.0, 1.0), undo_label=f"{layer} opacity")

    # -- MRML reads ------------------------------------------------------------
    def _volume_ids(self, kinds: tuple[str, ...] = VOLUME_KINDS) -> list[str]:
        return [n["id"] for n in data_tree(self.engine) if n["kind"] in kinds]

    def _volume_items(self, kinds: tuple[str, ...] = VOLUME_KINDS) -> list[dict]:
        return [{"title": n["name"], "value": n["id"]} for n in data_tree(self.engine) if n["kind"] in kinds]

    def _selected_id(self) -> str | None:
        """The volume being edited: the user's pick while it exists, else the background volume."""
        ids = self._volume_ids()
        if self._selected in ids:
            return self._selected
        background = display.slice_layers(self.engine)["background"]
        return background if background in ids else (ids[0] if ids else None)

    def _scale(self) -> dict:
        volume_id = self._selected_id()
        return (window_level_scale(self.engine, volume_id) if volume_id else None) or NO_SCALE

    def _rounded(self, value):
        """Window and level as precise as the volume's sliders show them (Slicer's spin boxes
        hold their value at their decimals too): a CT in whole units, a 0-1 map in hundredths."""
        return round(float(value), self._scale()["decimals"]) if value is not None else None

    def _display(self, key: str):
        volume_id = self._selected_id()
        return display.volume_display_state(self.engine, volume_id)[key] if volume_id else None

    # -- edits ---------------------------------------------------------------------
    def _select(self, volume_id: str) -> None:
        if volume_id not in self._volume_ids():
            raise BindingError(f"no volume {volume_id!r}")
        self._selected = volume_id

    @trigger("volumes_preset")
    def apply_preset(self, name=None, *_ignored) -> None:
        volume_id = self._selected_id()
        if volume_id is None:
            return
        self.binding.edit_checked("window/level preset", partial(display.apply_window_level_preset, self.engine,
                                                                 volume_id), (one_of(PRESET_NAMES), name))

    # -- UI --------------------------------------------------------------------------
    def build_panel(self) -> None:
        with html.Div(v_if="!volumes_items.length", classes="text-medium-emphasis"):
            html.Span("No volume loaded.")
        with html.Div(v_else=True, classes="volumes-panel"):
            v3.VSelect(label="Volume", v_model=("volumes_selected",), items=("volumes_items",),
                       density="compact", hide_details=True, classes="volumes-selected mb-2")
            html.Div(COLOUR_NOTE, v_if="volumes_is_colour",
                     classes="volumes-colour-note text-caption text-medium-emphasis mb-2")
            with html.Div(v_else=True):
                self._build_grey_controls()
            v3.VSwitch(label="Interpolate", v_model=("volumes_interpolate",), density="compact",
                       hide_details=True, color="primary", classes="volumes-interpolate")
            for layer, title, items, empty in (("foreground", "Foreground", "volumes_items", "false"),
                                               ("label", "Label map", "volumes_label_maps",
                                                "!volumes_label_maps.length")):
                v3.VSelect(label=title, v_model=(f"volumes_{layer}",),
                           items=(f"[{{title: 'None', value: null}}, ...{items}]",), disabled=(empty,),
                           density="compact", hide_details=True, classes=f"volumes-{layer} mt-2")
                v3.VSlider(label="Opacity", v_model=(f"volumes_{layer}_opacity",), min=0, max=1,
                           step=OPACITY_STEP, density="compact", hide_details=True, disabled=(empty,),
                           classes=f"volumes-{layer}-opacity")
            html.Div("No label map volume in the scene. Label files open as segmentations (see the Data "
                     "panel); a scene saved by Slicer may bring label map volumes.",
                     v_if="!volumes_label_maps.length", classes="volumes-label-hint text-caption text-medium-emphasis")

    def _build_grey_controls(self) -> None:
        """Window/level, presets and colour map: what maps grey values to the screen."""
        v3.VSlider(label="Window", v_model=("volumes_window",), min=0, max=("volumes_scale.window_max",),
                   step=("volumes_scale.step",), density="compact", hide_details=True, thumb_label=True,
                   classes="volumes-window")
        v3.VSlider(label="Level", v_model=("volumes_level",), min=("volumes_scale.level_min",),
                   max=("volumes_scale.level_max",), step=("volumes_scale.step",), density="compact",
                   hide_details=True, thumb_label=True, classes="volumes-level")
        html.Div(READOUT, classes="text-caption volumes-readout mb-1")
        with html.Div(classes="d-flex flex-wrap ga-1 mb-2"):
            for name in PRESET_NAMES:
                css = "volumes-preset-" + name.lower().replace(" ", "-")
                v3.VBtn(name, size="x-small", variant="tonal", classes=css,
                        click=f"trigger('volumes_preset', [{name!r}])")
        v3.VSelect(label="Colour map", v_model=("volumes_color_map",), items=("volumes_color_maps",),
                   density="compact", hide_details=True, classes="volumes-color-map mb-2")


FEATURE = VolumesPanel
