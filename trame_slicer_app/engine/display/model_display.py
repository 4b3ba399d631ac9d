"""How a surface model looks: colour, opacity, visibility and its outline in the slice views."""

from __future__ import annotations

import re

from ..scene.node_lookup import DisplayControlError, require_bool, require_finite, require_node
from ..scene.slicer_engine import SlicerEngine

HEX_COLOR = re.compile(r"#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})")


def _model_display(engine: SlicerEngine, node_id: str):
    model = require_node(engine, node_id, "vtkMRMLModelNode", "model")
    if model.GetHideFromEditors():
        raise DisplayControlError(f"{model.GetName()!r} is one of Slicer's helper models, not loaded data")
    if model.GetDisplayNode() is None:
        model.CreateDefaultDisplayNodes()
    display = model.GetDisplayNode()
    if display is None:
        raise DisplayControlError(f"model {model.GetName()!r} has no display node")
    return display


def color_to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def hex_to_color(text: object) -> tuple[float, float, float]:
    match = HEX_COLOR.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise DisplayControlError(f"a colour is written #rrggbb, not {str(text)[:20]!r}")
    return tuple(int(part, 16) / 255.0 for part in match.groups())


def model_display_state(engine: SlicerEngine, node_id: str) -> dict:
    display = _model_display(engine, node_id)
    return {
        "color": color_to_hex(display.GetColor()),
        "opacity": float(display.GetOpacity()),
        "visible": bool(display.GetVisibility()),
        "slice_intersections": bool(display.GetVisibility2D()),
    }


def set_model_color(engine: SlicerEngine, node_id: str, color: str) -> None:
    rgb = hex_to_color(color)
    _model_display(engine, node_id).SetColor(*rgb)


def set_model_opacity(engine: SlicerEngine, node_id: str, opacity: float) -> None:
    opacity = require_finite(opacity, "opacity", 0.0, 1.0)
    _model_display(engine, node_id).SetOpacity(opacity)


def set_model_visible(engine: SlicerEngine, node_id: str, on: bool) -> None:
    on = require_bool(on, "visibility")
    _model_display(engine, node_id).SetVisibility(on)


def set_model_slice_intersections(engine: SlicerEngine, node_id: str, on: bool) -> None:
    """The model's outline where it cuts the slice views (Slicer's "Visible in 2D")."""
    on = require_bool(on, "slice intersections")
    _model_display(engine, node_id).SetVisibility2D(on)
