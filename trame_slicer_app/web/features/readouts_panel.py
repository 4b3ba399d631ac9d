"""Data Probe: RAS and each layer's value under the pointer in a slice view, over that view.

Each tab sees the probe under its own pointer (web/client_pointers.py), or none; the
probe runs at the binding's poll rate, never per mouse move.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from trame.widgets import html

from ..client_pointers import ClientPointers
from .feature import Feature, FeatureHost

log = logging.getLogger(__name__)

RAS_DECIMALS = 1
VALUE_DECIMALS = 2
OVERLAY_STYLE = ("position: absolute; left: 4px; bottom: 18px; font: 11px monospace; color: #eee;"
                 "background: rgba(0,0,0,.55); padding: 1px 4px; pointer-events: none; white-space: pre;")


def _shown(value):
    return round(value, VALUE_DECIMALS) if isinstance(value, float) else value


@dataclass(frozen=True)
class ReadoutsTabState:
    readouts_probe: dict | None = None  # the probe under this tab's pointer, or none


class ReadoutsPanel(Feature):
    name = "readouts"
    tab_state = ReadoutsTabState
    title = "Data Probe"
    icon = "mdi-crosshairs-question"

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.pointers = ClientPointers()
        self._shown: dict = {}  # tab -> the probe it shows (tabs showing none are left out)
        host.input_listeners.append(self.pointers.on_input)
        self.tabs.close_listeners.append(self._forget)
        self.binding.add_poll_hook(self.poll)

    def _forget(self, client) -> None:
        self.pointers.forget(client)
        self._shown.pop(client, None)

    def poll(self) -> dict:
        """Sends each tab whose probe changed its new one (per tab, so nothing to return)."""
        positions = self.pointers.positions()
        for client in set(self._shown) | set(positions):
            where = positions.get(client)
            try:
                in_a_slice_view = where is not None and self.session.view_kind(where[0]) == "slice"
                readout = self.probe(*where) if in_a_slice_view else None
            except (ValueError, TypeError, KeyError) as error:
                log.debug("no probe at %s: %s", where, error)
                readout = None
            if readout != self._shown.get(client):
                self.tabs.update(readouts_probe=readout, client=client)
            if readout is None:
                self._shown.pop(client, None)
            else:
                self._shown[client] = readout
        return {}

    def probe(self, view_name: str, x: int, y: int) -> dict:
        """The probe at (x, y), a tab's pixels in the view, as the overlay shows it."""
        found = self.session.probe(view_name, x, y)
        return {
            "view": view_name,
            "ras": [round(c, RAS_DECIMALS) for c in found["ras"]],
            "layers": [{**layer, "value": _shown(layer["value"]), "text": str(layer.get("text", layer["value"]))}
                       for layer in found["layers"]],
        }

    def build_view_overlay(self, view_name: str) -> None:
        if self.session.view_kind(view_name) != "slice":  # a live desktop's extra slice views too
            return
        with html.Div(v_if=f"readouts_probe && readouts_probe.view === '{view_name}'",
                      classes=f"readouts-probe readouts-probe-{view_name}", style=OVERLAY_STYLE):
            html.Div("RAS ({{ readouts_probe.ras.join(', ') }})")
            html.Div("{{ l.layer[0].toUpperCase() }} {{ l.volume }} ({{ l.ijk.join(', ') }}) {{ l.text }}",
                     v_for="l in readouts_probe.layers", key="l.layer")


FEATURE = ReadoutsPanel
