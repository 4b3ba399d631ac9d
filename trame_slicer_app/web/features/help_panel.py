"""Help: a dialog listing the mouse and keyboard bindings of the slice and 3D views."""

from __future__ import annotations

from dataclasses import dataclass

from trame.widgets import html
from trame.widgets import vuetify3 as v3

from .feature import Feature

# As in README's "Mouse and keys" (Slicer's own bindings) plus the app's shortcuts.
BINDINGS: dict[str, list[tuple[str, str]]] = {
    "Slice views (Red, Yellow, Green)": [
        ("Left drag", "Window/level (left/right: window, up/down: level)"),
        ("Wheel, Up/Down arrows", "Scroll through slices"),
        ("Right drag", "Zoom"),
        ("Middle drag, Shift+left drag", "Pan"),
        ("Shift+move", "Move the crosshair"),
        ("r", "Reset the view (fit)"),
    ],
    "3D view": [
        ("Left drag", "Rotate"),
        ("Middle drag, Shift+left drag", "Pan"),
        ("Right drag, wheel", "Zoom"),
    ],
    "Everywhere": [
        ("Ctrl+Z", "Undo"),
        ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
        ("Keys over a view", "Go to the view under the pointer"),
    ],
}


@dataclass(frozen=True)
class HelpTabState:
    help_open: bool = False


class HelpPanel(Feature):
    name = "help"
    title = "Help"
    icon = "mdi-help-circle-outline"
    tab_state = HelpTabState

    def build_toolbar(self) -> None:
        v3.VBtn(icon="mdi-help-circle-outline", title="Mouse and keyboard", classes="help-open",
                click="help_open = true")
        with v3.VDialog(v_model=("help_open",), max_width=520), \
                v3.VCard(title="Mouse and keyboard", classes="help-dialog"):
            with v3.VCardText():
                for section, rows in BINDINGS.items():
                    html.Div(section, classes="text-subtitle-2 mt-2")
                    with v3.VTable(density="compact"), html.Tbody():
                        for gesture, action in rows:
                            with html.Tr():
                                html.Td(gesture, style="width: 45%")
                                html.Td(action)
            with v3.VCardActions():
                v3.VSpacer()
                v3.VBtn("Close", click="help_open = false")


FEATURE = HelpPanel
