"""What the streaming and web layers need of whoever serves the scene: the host.

Two hosts fit it: ``SceneSession`` over its own slicer-core engine (headless, scene_session.py) and
``LiveSlicerHost`` over a running Slicer's application and layout views (live_host.py). Neither VTK
nor Qt is imported here; the web layer may import this module and nothing else of hosts/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..streaming.view_streamer import StreamableView


@runtime_checkable
class HostView(StreamableView, Protocol):
    """A view as the streamer and the input path see it: sized by the client, rendered on request,
    captured as RGB, and answering the client's pixels (from the top left) as display pixels."""

    def client_to_display(self, x: float, y: float) -> tuple[int, int]: ...
    def add_render_listener(self, listener: Callable[[Any], None]) -> None: ...


@dataclass(frozen=True)
class DesktopLayout:
    """The layout a host's own desktop shows, which the browser follows: Slicer's number for it and its
    views as rows of a grid (a name repeated in neighbouring cells spans them, as in layouts.py; "" is an empty
    cell), with each column's relative width and each row's relative height when the desktop's layout gives
    them (empty: equal)."""

    arrangement: int
    rows: tuple[tuple[str, ...], ...]
    column_sizes: tuple[float, ...] = ()
    row_sizes: tuple[float, ...] = ()

    @property
    def views(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for row in self.rows for name in row if name))


@dataclass(frozen=True)
class ViewLook:
    """How the page names and marks one view, as its host's desktop does: ``color`` ("#rrggbb", Slicer keeps
    it on the view node: its layout colour, the bar above the view), ``label`` (Slicer's short one: R, 1, ...)
    and ``title`` (as a user reads it in menus and panels). ``kind``: "slice" or "3d"."""

    name: str
    kind: str
    title: str
    label: str
    color: str

    def as_state(self) -> dict:
        return {"name": self.name, "kind": self.kind, "title": self.title, "label": self.label, "color": self.color}


@runtime_checkable
class SceneHost(Protocol):
    """One scene and the views that show it."""

    # The engine object the panels hand to the engine's functions (engine/...): its scene, logics and
    # views. Opaque to the web layer, which never reads VTK or MRML from it itself.
    engine: Any
    undo: Any  # engine/undo/scene_undo.py's SceneUndo
    scene_changes: Any  # engine/scene/scene_changes.py's SceneChangeTracker
    gesture_listeners: list[Callable[[str, str], None]]

    @property
    def view_names(self) -> tuple[str, ...]: ...
    def view(self, name: str) -> HostView: ...
    def view_kind(self, name: str) -> str | None: ...  # "slice", "3d", or None for a name it has not
    def set_layout_views(self, names: Iterable[str], slicer_arrangement: int | None = None) -> None: ...
    def stored_layout(self) -> int: ...
    def render_window(self, view_name: str) -> Any: ...
    def apply_input(self, view: HostView, event: dict) -> None: ...
    def probe(self, view_name: str, x: float, y: float) -> dict: ...
    def on_render_request(self, callback: Callable[[str], None]) -> None: ...
    def open_paths(self, paths: Iterable[str | Path]) -> list[dict]: ...
    def readouts(self) -> dict: ...
    # A host with a desktop of its own (a running Slicer): the layout it shows, which the browser
    # follows, and word of each change of its views, its layout or a view's look (colour, label).
    # None / never for the headless host, whose layout the browser chooses.
    def desktop_layout(self) -> DesktopLayout | None: ...
    def on_views_changed(self, callback: Callable[[], None]) -> None: ...
    # Each served view's colour, label and title, in view_names' order (a live desktop's extra views
    # included): the web layer shows every view with these, never with a list of its own.
    def view_looks(self) -> tuple[ViewLook, ...]: ...
