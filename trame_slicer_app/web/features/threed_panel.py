"""3D view: volume rendering (on/off, preset, shift, crop), camera directions, background,
orientation marker and ruler.

The camera and the view settings act on one 3D view: a desktop with several (a live Slicer's custom layout)
gets a picker listing the 3D views it shows, with their titles and colours, the first one by default."""

from __future__ import annotations

import asyncio

from trame.decorators import trigger
from trame.widgets import html
from trame.widgets import vuetify3 as v3

from ...engine.display import camera_presets, view_decorations
from ...engine.display.scene_tree import data_tree
from ...engine.display.volume_display import slice_layers
from ...engine.volume_rendering import volume_rendering as vr
from ..mrml_binding import BindingError, a_flag, a_node_id, a_number, one_of
from .feature import Feature, FeatureHost
from .shown_views import shown_view_looks

SHIFT_STEP = 1.0  # scalar units (HU for a CT) per slider step
# While the shift slider moves, the volume renders at interactive quality; this long after the
# last move it renders at full quality.
SHIFT_SETTLE_S = 0.3
CAMERA_BUTTONS = (("A", "Anterior"), ("P", "Posterior"), ("L", "Left"), ("R", "Right"),
                  ("S", "Superior"), ("I", "Inferior"))


class ThreeDPanel(Feature):
    name = "threed"
    title = "3D view"
    icon = "mdi-rotate-3d-variant"

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.engine = self.session.engine
        self._selected: str | None = None
        self._chosen_view: str | None = None  # the user's pick of 3D view; the first one shown while it is not
        self._settle_handle: asyncio.TimerHandle | None = None
        b = self.binding
        # Which 3D view the camera buttons and view settings act on (a view setting, not a scene edit).
        b.bind("threed_view_choices", self._view_choices)
        b.bind("threed_view", self._view_name, self._choose_view, one_of(self._view_names), undoable=False)
        b.bind("threed_vr_volumes", self._volume_items)
        b.bind("threed_vr_volume", self._volume_id, self._select, a_node_id, undo_label="volume rendering volume")
        b.bind("threed_vr_presets", lambda: list(vr.VOLUME_RENDERING_PRESETS))
        b.bind("threed_vr_visible", lambda: self._vr("visible"),
               lambda on: vr.show_volume_rendering(self.engine, self._required_volume(), on),
               a_flag, undo_label="volume rendering")
        b.bind("threed_vr_preset", lambda: self._vr("preset"),
               lambda name: vr.set_vr_preset(self.engine, self._required_volume(), name),
               one_of(vr.VOLUME_RENDERING_PRESETS), undo_label="volume rendering preset")
        b.bind("threed_vr_shift_range", lambda: self._vr("shift_range"))
        b.bind("threed_vr_shift", lambda: self._vr("shift"), self._set_shift, a_number(),
               undo_label="volume rendering shift")
        b.bind("threed_vr_crop", lambda: self._vr("crop"),
               lambda on: vr.set_vr_crop(self.engine, self._required_volume(), on),
               a_flag, undo_label="volume rendering crop")
        b.bind("threed_vr_method", lambda: self._vr("method"))
        decorations = view_decorations
        b.bind("threed_backgrounds", lambda: list(decorations.BACKGROUNDS))
        b.bind("threed_orientation_markers", lambda: list(decorations.ORIENTATION_MARKERS))
        b.bind("threed_rulers", lambda: list(decorations.RULERS))
        b.bind("threed_background", lambda: self._decorations()["background"],
               lambda name: decorations.set_background(self.engine, name, self._view_name()),
               one_of(decorations.BACKGROUNDS), undo_label="3D background")
        b.bind("threed_orientation_marker", lambda: self._decorations()["orientation_marker"],
               lambda kind: decorations.set_orientation_marker(self.engine, kind, self._view_name()),
               one_of(decorations.ORIENTATION_MARKERS), undo_label="orientation marker")
        b.bind("threed_ruler", lambda: self._decorations()["ruler"],
               lambda kind: decorations.set_ruler(self.engine, kind, self._view_name()),
               one_of(decorations.RULERS), undo_label="ruler")

    # -- the 3D view acted on ------------------------------------------------------
    def _view_looks(self) -> list:
        """The 3D views the page shows (a live desktop's shown ones); every 3D view while it shows none."""
        return shown_view_looks(self.session, "3d") or [look for look in self.session.view_looks()
                                                       if look.kind == "3d"]

    def _view_names(self) -> list[str]:
        return [look.name for look in self._view_looks()]

    def _view_choices(self) -> list[dict]:
        return [{"title": look.title, "value": look.name, "color": look.color} for look in self._view_looks()]

    def _view_name(self) -> str | None:
        names = self._view_names()
        if self._chosen_view in names:
            return self._chosen_view
        return names[0] if names else None

    def _choose_view(self, name: str) -> None:
        self._chosen_view = name

    def _decorations(self) -> dict:
        return view_decorations.view_decorations_state(self.engine, self._view_name())

    def on_views_changed(self) -> None:
        """The host's views or the views its desktop shows changed: the picker and the settings follow."""
        self.binding.refresh()

    # -- MRML reads ------------------------------------------------------------
    def _volume_ids(self) -> list[str]:
        return [n["id"] for n in data_tree(self.engine) if n["kind"] == "volume"]

    def _volume_items(self) -> list[dict]:
        return [{"title": n["name"], "value": n["id"]} for n in data_tree(self.engine) if n["kind"] == "volume"]

    def _volume_id(self) -> str | None:
        """The volume rendered: the user's pick while it exists, else the background volume."""
        ids = self._volume_ids()
        if self._selected in ids:
            return self._selected
        background = slice_layers(self.engine)["background"]
        return background if background in ids else (ids[0] if ids else None)

    def _required_volume(self) -> str:
        volume_id = self._volume_id()
        if volume_id is None:
            raise BindingError("no volume to render")
        return volume_id

    def _vr(self, key: str):
        volume_id = self._volume_id()
        return vr.volume_rendering_state(self.engine, volume_id)[key] if volume_id else None

    # -- edits ---------------------------------------------------------------------
    def _select(self, volume_id: str) -> None:
        if volume_id not in self._volume_ids():
            raise BindingError(f"no volume {volume_id!r}")
        self._selected = volume_id

    def _set_shift(self, shift: float) -> None:
        vr.set_vr_shift(self.engine, self._required_volume(), shift)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no server loop (a test driving the panel): the still frame is the only frame
        vr.set_interacting(self.engine, True)
        if self._settle_handle is not None:
            self._settle_handle.cancel()
        self._settle_handle = loop.call_later(SHIFT_SETTLE_S, vr.set_interacting, self.engine, False)

    @trigger("threed_camera")
    def look_from(self, direction) -> None:
        view_name = self._view_name()
        if direction == "reset":
            self.binding.edit("reset 3D camera", camera_presets.reset_camera, self.engine, view_name)
        else:
            self.binding.edit(f"look from {direction!r:.8}", camera_presets.set_camera_direction, self.engine,
                              direction, view_name)

    # -- UI --------------------------------------------------------------------------
    def build_panel(self) -> None:
        with html.Div(classes="threed-panel"):
            with html.Div(v_if="!threed_vr_volumes.length", classes="text-medium-emphasis mb-2"):
                html.Span("No volume to render.")
            with html.Div(v_else=True, classes="mb-2"):
                v3.VSelect(label="Volume", v_model=("threed_vr_volume",), items=("threed_vr_volumes",),
                           density="compact", hide_details=True, classes="threed-vr-volume mb-1")
                v3.VSwitch(label="Volume rendering", v_model=("threed_vr_visible",), density="compact",
                           hide_details=True, color="primary", classes="threed-vr-visible")
                v3.VSelect(label="Preset", v_model=("threed_vr_preset",), items=("threed_vr_presets",),
                           density="compact", hide_details=True, classes="threed-vr-preset mb-1")
                shift_lo = "threed_vr_shift_range ? threed_vr_shift_range[0] : -1000"
                shift_hi = "threed_vr_shift_range ? threed_vr_shift_range[1] : 1000"
                v3.VSlider(label="Shift", v_model=("threed_vr_shift",), min=(shift_lo,), max=(shift_hi,),
                           step=SHIFT_STEP, density="compact", hide_details=True, thumb_label=True,
                           classes="threed-vr-shift")
                v3.VSwitch(label="Crop to box", v_model=("threed_vr_crop",), density="compact",
                           hide_details=True, color="primary", classes="threed-vr-crop")
                html.Div("Rendering on the {{ threed_vr_method === 'gpu' ? 'GPU' : 'CPU' }}",
                         classes="text-caption text-medium-emphasis threed-vr-method")
            # Shown while the page shows more than one 3D view; each item bears its view's colour, as its bar.
            with v3.VSelect(label="3D view", v_model=("threed_view",), items=("threed_view_choices",),
                            v_if="threed_view_choices.length > 1", density="compact", hide_details=True,
                            classes="threed-view mb-1"):
                with v3.Template(v_slot_prepend_inner=True):
                    html.Span(classes="threed-view-color",
                              style=("{display: 'inline-block', width: '10px', height: '10px', borderRadius: '2px',"
                                     " background: (threed_view_choices.find(c => c.value === threed_view)"
                                     " || {}).color}",))
                with v3.Template(v_slot_item="{ props, item }"), \
                        v3.VListItem(v_bind="props", classes=("'threed-view-item threed-view-item-' + item.value",)), \
                        v3.Template(v_slot_prepend=True):
                    html.Span(style=("{display: 'inline-block', width: '10px', height: '10px', borderRadius: '2px',"
                                     " marginRight: '8px', background: item.raw.color}",))
            html.Div("Look from", classes="text-caption mt-1")
            with html.Div(classes="d-flex flex-wrap ga-1 mb-2"):
                for direction, title in CAMERA_BUTTONS:
                    v3.VBtn(direction, size="small", variant="tonal", title=title, min_width=0,
                            classes=f"threed-camera-{direction}",
                            click=f"trigger('threed_camera', [{direction!r}])")
                v3.VBtn(icon="mdi-camera-retake-outline", size="small", variant="tonal", title="Reset the camera",
                        classes="threed-camera-reset", click="trigger('threed_camera', ['reset'])")
            v3.VSelect(label="Background", v_model=("threed_background",),
                       items=("threed_backgrounds",), density="compact", hide_details=True,
                       classes="threed-background mb-1")
            v3.VSelect(label="Orientation marker", v_model=("threed_orientation_marker",),
                       items=("threed_orientation_markers",), density="compact", hide_details=True,
                       classes="threed-orientation-marker mb-1")
            v3.VSelect(label="Ruler", v_model=("threed_ruler",), items=("threed_rulers",),
                       density="compact", hide_details=True, classes="threed-ruler")


FEATURE = ThreeDPanel
