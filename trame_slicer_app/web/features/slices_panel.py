"""Slices: per slice view, offset (mm), orientation, reset reformat, show in 3D, fit; linked views
slice intersections and the crosshair.

The per-view controls are the slice views the page shows (a live desktop's extra ones too, as its layouts
bring them; a view its layout hides is left out, as it is from the page; the headless host's every slice
view), each under its host's title and colour; that part of the panel is rebuilt alone when the host's
views, the views its desktop shows or their looks change."""

from __future__ import annotations

from trame.decorators import trigger
from trame.ui.html import DivLayout
from trame.widgets import client, html
from trame.widgets import vuetify3 as v3

from ...engine.display import slice_controls as slices
from ...layouts import RED
from ..mrml_binding import a_flag, a_number, one_of
from .feature import Feature, FeatureHost
from .shown_views import shown_view_looks

ORIENTATIONS = ("Axial", "Sagittal", "Coronal")
RESET_REFORMAT = "Reformat reset"
OFFSET_DECIMALS = 2
VIEWS_TEMPLATE = "slices_views"  # the per-view controls, rebuilt alone when the host's views change


def _key(view_name: str, what: str) -> str:
    return f"slices_{view_name}_{what}"


class SlicesPanel(Feature):
    name = "slices"
    title = "Slices"
    icon = "mdi-layers-outline"

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.engine = self.session.engine
        self._bound_views: list[str] = []
        self._bind_views()
        b = self.binding
        b.bind("slices_linked", lambda: self._state(RED)["linked"],
               lambda on: slices.set_linked(self.engine, on), a_flag, undo_label="link views")
        b.bind("slices_intersections", lambda: slices.slice_intersections_visible(self.engine),
               lambda on: slices.set_slice_intersections_visible(self.engine, on), a_flag,
               undoable=False)  # view settings, as in Slicer's toolbar: not scene edits
        b.bind("slices_crosshair", lambda: slices.crosshair_visible(self.engine),
               lambda on: slices.set_crosshair_visible(self.engine, on), a_flag, undoable=False)

    def _slice_views(self) -> list:
        """The shown slice views' looks (name, title, colour), in the host's order."""
        return shown_view_looks(self.session, "slice")

    def _bind_views(self) -> None:
        """Bind the keys of each slice view not bound yet (a view a layout brought later; a hidden one's stay
        bound, as its widget stays with the layout manager)."""
        b = self.binding
        every = [look.name for look in self.session.view_looks() if look.kind == "slice"]
        for name in [name for name in every if name not in self._bound_views]:
            self._bound_views.append(name)
            b.bind(_key(name, "offset_mm"), lambda name=name: round(self._state(name)["offset_mm"], OFFSET_DECIMALS),
                   lambda mm, name=name: slices.set_slice_offset(self.engine, name, mm),
                   a_number(), undo_label=f"{name} offset")
            b.bind(_key(name, "range_mm"), lambda name=name: [round(v, OFFSET_DECIMALS)
                                                               for v in self._state(name)["range_mm"]])
            b.bind(_key(name, "step_mm"), lambda name=name: self._state(name)["step_mm"])
            b.bind(_key(name, "orientation"), lambda name=name: self._state(name)["orientation"],
                   lambda o, name=name: slices.set_orientation(self.engine, name, o),
                   one_of(ORIENTATIONS), undo_label=f"{name} orientation")
            b.bind(_key(name, "visible_in_3d"), lambda name=name: self._state(name)["visible_in_3d"],
                   lambda on, name=name: slices.set_visible_in_3d(self.engine, name, on),
                   a_flag, undo_label=f"{name} in 3D")

    def on_views_changed(self) -> None:
        """The host's views, those its desktop shows or their looks changed: its controls follow."""
        self._bind_views()
        self._build_views()

    def _state(self, view_name: str) -> dict:
        return slices.slice_state(self.engine, view_name)

    @trigger("slices_reset_reformat")
    def reset_reformat(self, view_name=None, *_ignored) -> None:
        if self.session.view_kind(view_name) == "slice":
            self.binding.edit(f"{view_name} reset reformat", slices.set_orientation, self.engine, view_name,
                              RESET_REFORMAT)

    @trigger("slices_fit")
    def fit(self, view_name=None, *_ignored) -> None:
        if self.session.view_kind(view_name) == "slice":
            self.binding.edit(f"{view_name} fit", slices.fit_slice_to_window, self.engine, view_name)

    def build_panel(self) -> None:
        v3.VSwitch(label="Link slice views", v_model=("slices_linked",), density="compact", hide_details=True,
                   color="primary", classes="slices-linked")
        v3.VSwitch(label="Slice intersections", v_model=("slices_intersections",), density="compact",
                   hide_details=True, color="primary", classes="slices-intersections")
        v3.VSwitch(label="Crosshair (Shift+move)", v_model=("slices_crosshair",), density="compact",
                   hide_details=True, color="primary", classes="slices-crosshair")
        client.ServerTemplate(name=VIEWS_TEMPLATE)
        self._build_views()

    def _build_views(self) -> None:
        with DivLayout(self.server, template_name=VIEWS_TEMPLATE, connect_parent=False):
            for look in self._slice_views():
                self._build_view(look)

    def _build_view(self, look) -> None:
        name = look.name
        # The view's colour beside its title, as the bar above the view.
        with html.Div(classes=f"slices-view slices-{name} mb-3",
                      style=f"border-left: 3px solid {look.color}; padding-left: 6px;"):
            with html.Div(classes="d-flex align-center ga-1"):
                html.Span(look.title, classes=f"text-subtitle-2 slices-{name}-title")
                v3.VSpacer()
                html.Span(f"{{{{ {_key(name, 'offset_mm')} }}}} mm",
                          classes=f"text-caption slices-{name}-readout")
            v3.VSlider(v_model=(_key(name, "offset_mm"),),
                       min=(f"{_key(name, 'range_mm')}[0]",), max=(f"{_key(name, 'range_mm')}[1]",),
                       step=(_key(name, "step_mm"),), density="compact", hide_details=True,
                       classes=f"slices-{name}-offset")
            with html.Div(classes="d-flex align-center ga-1"):
                v3.VSelect(v_model=(_key(name, "orientation"),), items=("slices_orientations", list(ORIENTATIONS)),
                           density="compact", hide_details=True, classes=f"slices-{name}-orientation")
                v3.VBtn(icon="mdi-restore", size="small", variant="text", title="Reset reformat",
                        click=f"trigger('slices_reset_reformat', ['{name}'])")
                v3.VBtn(icon="mdi-fit-to-screen", size="small", variant="text", title="Fit to window",
                        click=f"trigger('slices_fit', ['{name}'])")
                v3.VBtn(icon=(f"{_key(name, 'visible_in_3d')} ? 'mdi-eye' : 'mdi-eye-off'",), size="small",
                        variant="text", title="Show in 3D", classes=f"slices-{name}-in-3d",
                        click=f"{_key(name, 'visible_in_3d')} = !{_key(name, 'visible_in_3d')}")


FEATURE = SlicesPanel
