"""Data Probe: RAS and each layer's value under the pointer in a slice view, over that view.

The pointer position comes from the streamed input events (SceneSession.pointer_positions);
the probe runs at the binding's poll rate, never per mouse move.
"""

from __future__ import annotations

from trame.widgets import html

from ...engine.data_probe import probe
from ...layouts import GREEN, RED, YELLOW

SLICE_VIEWS = (RED, YELLOW, GREEN)
RAS_DECIMALS = 1
VALUE_DECIMALS = 2
OVERLAY_STYLE = ("position: absolute; left: 4px; bottom: 18px; font: 11px monospace; color: #eee;"
                 "background: rgba(0,0,0,.55); padding: 1px 4px; pointer-events: none; white-space: pre;")


def _shown(value):
    return round(value, VALUE_DECIMALS) if isinstance(value, float) else value


class ReadoutsPanel:
    title = "Data Probe"
    icon = "mdi-crosshairs-question"

    def __init__(self, app) -> None:
        self.session = app.session
        app.state.readouts_probe = None
        app.binding.add_poll_hook(self.poll)

    def poll(self) -> dict:
        for view_name in list(self.session.pointer_positions):
            position = self.session.pointer_position(view_name) if view_name in SLICE_VIEWS else None
            if position is not None:
                return {"readouts_probe": self.probe(view_name, *position)}
        return {"readouts_probe": None}

    def probe(self, view_name: str, x: int, y: int) -> dict:
        found = probe(self.session.engine, view_name, x, y)
        return {
            "view": view_name,
            "ras": [round(c, RAS_DECIMALS) for c in found["ras"]],
            "layers": [{**layer, "value": _shown(layer["value"]), "text": str(layer.get("text", layer["value"]))}
                       for layer in found["layers"]],
        }

    def build_view_overlay(self, view_name: str) -> None:
        if view_name not in SLICE_VIEWS:
            return
        with html.Div(v_if=f"readouts_probe && readouts_probe.view === '{view_name}'",
                      classes=f"readouts-probe readouts-probe-{view_name}", style=OVERLAY_STYLE):
            html.Div("RAS ({{ readouts_probe.ras.join(', ') }})")
            html.Div("{{ l.layer[0].toUpperCase() }} {{ l.volume }} ({{ l.ijk.join(', ') }}) {{ l.text }}",
                     v_for="l in readouts_probe.layers", key="l.layer")


FEATURE = ReadoutsPanel
