"""What the web layer may do with the Slicer engine, in the user's words.

The web layer imports this module, never VTK or MRML: views are handed out
as opaque render windows for the view widgets to stream.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from .engine.display.data_probe import probe
from .engine.display.slice_controls import crosshair_ras, set_crosshair_visible
from .engine.io.sample_data import add_sample_head
from .engine.io.untrusted.sandboxed_reading import start_spare_reader
from .engine.io.volumes import VolumeLoadError, check_volume_path, load_volume, show_volume
from .engine.scene.scene_changes import SceneChangeTracker
from .engine.scene.scene_layout import set_view_arrangement, view_arrangement
from .engine.scene.slicer_engine import SlicerEngine
from .engine.segment_editor.effect_interaction import EffectInteraction
from .engine.undo.scene_undo import SceneUndo
from .engine.views.view import SlicerView
from .engine.views.view_input import apply_input_event
from .hosts.host import ViewLook
from .layouts import standard_view_look
from .scene_data import DataError, open_paths
from .segment_editor_session import SegmentEditorSession

log = logging.getLogger(__name__)

GESTURE_STARTS = ("press", "wheel", "key")  # input events that may start an edit of the scene

__all__ = ["DataError", "SceneSession", "VolumeLoadError", "check_volume_path"]


class SceneSession:
    """One Slicer scene and its four views: the headless host (hosts/host.py names what a host offers).

    ``engine``: whose scene and views to serve; by default an engine of its own over slicer-core.
    A live Slicer gives its application's (hosts/live_engine.py)."""

    def __init__(self, engine=None, own_settings: bool = True) -> None:
        """``own_settings``: False leaves a live application's settings (crosshair) alone and starts no
        spare file reader (inside Slicer, ``sys.executable`` is not a plain Python)."""
        self.engine = engine if engine is not None else SlicerEngine()
        if own_settings:
            # A sandboxed reader waits, its libraries imported, for the first file to be opened.
            start_spare_reader()
            # The viewer draws the crosshair (Shift+move) from the start; the Slices panel turns it off.
            set_crosshair_visible(self.engine, True)
        self.undo = SceneUndo(self.engine)
        self.scene_changes = SceneChangeTracker(self.engine)
        self.segments = SegmentEditorSession(self.engine, self.undo)  # the Segment Editor's door
        # Told (view name, "press"|"wheel"|"key") BEFORE a gesture reaches the view, so that
        # undo can checkpoint the scene the gesture starts from.
        self.gesture_listeners: list[Callable[[str, str], None]] = []
        # Told (view name, key) of a key pressed over a view, before the view; one that returns True
        # has used the key (Escape ends placing, Delete removes the hovered markup point).
        self.key_listeners: list[Callable[[str, str], bool]] = []
        # Who owns the mouse (engine/views/interaction_mode.py): Slicer's interactor styles, or a tool.
        self.interaction = self.engine.interaction_modes
        # The Segment Editor's interactive effects (paint, draw, ...) take the left button through it.
        self.segment_effects = EffectInteraction(self.segments.editor, self.interaction)

    def close(self) -> None:
        """Take the session's Python observers off the scene and empty it, while the interpreter is whole:
        a scene torn down later (at exit, by the garbage collector) would call back into objects already
        half collected."""
        self.scene_changes.close()
        self.undo.close()
        self.engine.close()

    @property
    def view_names(self) -> tuple[str, ...]:
        return tuple(self.engine.views)

    def view(self, name: str) -> SlicerView:
        return self.engine.view(name)

    def view_kind(self, name) -> str | None:
        """"slice" or "3d" for a view of the host (a live desktop's extra views too); None for any other name."""
        view = self.engine.views.get(name) if isinstance(name, str) else None
        return view.kind if view is not None else None

    def set_layout_views(self, names: Iterable[str], slicer_arrangement: int | None = None) -> None:
        """The views the layout shows and, when given, Slicer's number for the layout (saved with the scene)."""
        self.engine.set_views_in_layout(set(names))
        if slicer_arrangement is not None:
            set_view_arrangement(self.engine, slicer_arrangement)

    def stored_layout(self) -> int:
        """Slicer's number for the layout the scene holds (a scene that was opened may bring one)."""
        return view_arrangement(self.engine)

    def desktop_layout(self) -> None:
        """No desktop of its own: the browser chooses the layout (a live host's desktop decides, hosts/)."""
        return None

    def on_views_changed(self, callback: Callable[[], None]) -> None:
        """Its four views never change."""

    def view_looks(self) -> tuple[ViewLook, ...]:
        """Its four views' colours, labels and titles, as the page has always shown them."""
        return tuple(standard_view_look(name, self.view_kind(name)) for name in self.view_names)

    def render_window(self, view_name: str):
        return self.engine.view(view_name).render_window

    def apply_input(self, view: SlicerView, event: dict) -> None:
        kind = event.get("type")
        if kind == "key" and any(listener(view.name, str(event.get("key", ""))) for listener in self.key_listeners):
            return
        if kind in GESTURE_STARTS:
            for listener in self.gesture_listeners:
                listener(view.name, kind)
        if self.interaction.route(view, event):
            return
        apply_input_event(view, event)

    def probe(self, view_name: str, x: float, y: float) -> dict:
        """Slicer's Data Probe at a point of a slice view given in the client's pixels (from the
        top left), mapped as the interactor maps that client's events (see engine/display/data_probe.py)."""
        return probe(self.engine, view_name, *self.engine.view(view_name).client_to_display(x, y))

    def on_render_request(self, callback: Callable[[str], None]) -> None:
        for view in self.engine.views.values():
            view.add_render_listener(lambda v: callback(v.name))

    def open_volumes(self, paths: Iterable[str | Path]) -> list[str]:
        """Load volumes (adding to the scene); show the last one. Returns node names."""
        names = []
        node = None
        for path in paths:
            node = load_volume(self.engine, path)
            names.append(node.GetName())
            log.debug("loaded %s as %s", path, node.GetName())  # names are patient data: not at INFO
        if node is not None:
            show_volume(self.engine, node)
        return names

    def open_paths(self, paths: Iterable[str | Path]) -> list[dict]:
        """Open any data this viewer reads (volumes, segmentations, models, scenes, DICOM), each file
        checked and first read in a sandbox; shows the last volume. Raises DataError on bad files."""
        loaded = open_paths(self.engine, [Path(p) for p in paths])
        for item in loaded:
            log.debug("loaded %s %s (%s)", item["kind"], item["name"], item["node_id"])  # not at INFO: names
        return loaded

    def readouts(self) -> dict:
        """What the views currently show, in MRML terms: the background volume's
        window/level, each slice view's offset (mm) and the 3D camera position."""
        engine = self.engine
        volume_id = engine.app_logic.GetSelectionNode().GetActiveVolumeID()
        volume = engine.scene.GetNodeByID(volume_id) if volume_id else None
        display = volume.GetDisplayNode() if volume is not None else None
        camera = engine.threed_view.camera_node
        return {
            "window": round(display.GetWindow(), 2) if display else None,
            "level": round(display.GetLevel(), 2) if display else None,
            "slice_offsets_mm": {n: round(v.slice_offset_mm, 2) for n, v in engine.slice_views.items()},
            "camera_position": [round(c, 2) for c in camera.GetPosition()] if camera else None,
            "crosshair_ras": [round(c, 2) for c in crosshair_ras(engine)],
        }

    def open_sample(self) -> str:
        node = add_sample_head(self.engine)
        show_volume(self.engine, node)
        return node.GetName()
