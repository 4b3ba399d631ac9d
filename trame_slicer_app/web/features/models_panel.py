"""Models: colour, opacity, visibility and slice intersections of each model."""

from __future__ import annotations

import re
from functools import partial

from trame.decorators import trigger
from trame.widgets import html
from trame.widgets import vuetify3 as v3

from ...engine.display import model_display as models
from ...engine.display.scene_tree import data_tree
from ..mrml_binding import BindingError, a_flag, a_number, one_of
from .feature import Feature, FeatureHost

COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
OPACITY_STEP = 0.05
PROPERTIES = ("color", "opacity", "visible", "slice_intersections")


def a_color(value) -> str:
    if not isinstance(value, str) or not COLOR_PATTERN.match(value):
        raise BindingError("not a #rrggbb colour")
    return value.lower()


class ModelsPanel(Feature):
    name = "models"
    title = "Models"
    icon = "mdi-shape-outline"

    _SETTERS = {
        "color": (models.set_model_color, a_color),
        "opacity": (models.set_model_opacity, a_number(0.0, 1.0)),
        "visible": (models.set_model_visible, a_flag),
        "slice_intersections": (models.set_model_slice_intersections, a_flag),
    }

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.engine = self.session.engine
        self.binding.bind("models_items", self._items)

    def _items(self) -> list[dict]:
        items = []
        for node in data_tree(self.engine):
            if node["kind"] == "model":
                state = models.model_display_state(self.engine, node["id"])
                items.append({"id": node["id"], "name": node["name"], **state,
                              "opacity": round(float(state["opacity"]), 2)})
        return items

    def _model_ids(self) -> list[str]:
        return [node["id"] for node in data_tree(self.engine) if node["kind"] == "model"]

    @trigger("models_set")
    def set_property(self, node_id=None, prop=None, value=None, *_ignored) -> None:
        """One edit from a row; unknown ids or properties and bad values are refused before the undo checkpoint."""
        if not isinstance(prop, str) or prop not in self._SETTERS:
            return
        setter, validate = self._SETTERS[prop]
        self.binding.edit_checked(f"model {prop}", partial(setter, self.engine),
                                  (one_of(self._model_ids), node_id), (validate, value))

    def build_panel(self) -> None:
        html.Div("No model loaded.", v_if="!models_items.length", classes="text-medium-emphasis")
        with html.Div(v_for="m in models_items", key="m.id", classes="models-row mb-2"):
            with html.Div(classes="d-flex align-center ga-1"):
                html.Input(type="color", value=("m.color",), title="Colour", classes="models-color",
                           style="width: 28px; height: 22px; border: none; padding: 0;",
                           change="trigger('models_set', [m.id, 'color', $event.target.value])")
                html.Span("{{ m.name }}", classes="text-body-2 text-truncate flex-grow-1")
                v3.VBtn(icon=("m.visible ? 'mdi-eye' : 'mdi-eye-off'",), size="small", variant="text",
                        title="Show or hide", classes="models-visible",
                        click="trigger('models_set', [m.id, 'visible', !m.visible])")
                v3.VBtn(icon="mdi-vector-intersection", size="small", variant="text",
                        title="Intersections in the slice views", classes="models-intersections",
                        color=("m.slice_intersections ? 'primary' : undefined",),
                        click="trigger('models_set', [m.id, 'slice_intersections', !m.slice_intersections])")
            v3.VSlider(model_value=("m.opacity",), min=0, max=1, step=OPACITY_STEP, label="Opacity",
                       density="compact", hide_details=True, classes="models-opacity",
                       update_modelValue="trigger('models_set', [m.id, 'opacity', $event])")


FEATURE = ModelsPanel
