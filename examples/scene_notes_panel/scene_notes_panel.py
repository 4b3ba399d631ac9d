"""An example SlicerCAT panel: a note kept in the scene, as a text node a SlicerCAT module could own.

The panel's text field is bound to a vtkMRMLTextNode named "Scene notes": typing in the browser sets
the node's text (saved with the scene, seen by the desktop's modules); the node's text is what a new
page shows. Registered without editing trame_slicer_app, by either of:

- an entry point of the SlicerCAT's package (see setup.cfg here):
  ``trame_slicer_app.panels = scene_notes = scene_notes_panel:SceneNotesPanel``
- a call in its startup script, before the server starts:
  ``from trame_slicer_app.web.extension_panels import register_panel; register_panel(SceneNotesPanel)``
"""

from __future__ import annotations

from slicer import vtkMRMLTextNode
from trame.decorators import change
from trame.widgets import vuetify3 as v3

from trame_slicer_app.web.features.feature import Feature

NODE_NAME = "Scene notes"
MAX_NOTE_CHARS = 10_000


class SceneNotesPanel(Feature):
    name = "scene_notes"  # its data-feature hook and the prefix of its state keys
    title = "Scene notes"
    icon = "mdi-note-text-outline"

    def __init__(self, host) -> None:
        super().__init__(host)
        self.scene = self.session.engine.scene
        self.state.scene_notes_text = self._node().GetText() or ""

    def _node(self) -> vtkMRMLTextNode:
        node = self.scene.GetFirstNodeByName(NODE_NAME)
        if node is None or not node.IsA("vtkMRMLTextNode"):
            node = self.scene.AddNewNodeByClass("vtkMRMLTextNode", NODE_NAME)
        return node

    @change("scene_notes_text")
    def _on_text(self, scene_notes_text, **_) -> None:
        node = self._node()
        if not isinstance(scene_notes_text, str) or len(scene_notes_text) > MAX_NOTE_CHARS:
            self.state.scene_notes_text = node.GetText() or ""  # refused: the browser gets the node's text back
            return
        if scene_notes_text != (node.GetText() or ""):
            node.SetText(scene_notes_text)

    def build_panel(self) -> None:
        v3.VTextarea(v_model=("scene_notes_text",), label="Note kept in the scene", rows=3, auto_grow=True,
                     counter=MAX_NOTE_CHARS, classes="scene-notes-text")
