"""The live host: a running application's scene and layout views served to the web.

Inside Slicer (slicer_start.py) the application is Slicer's; in the Qt test host (qt_host.py) it is
a slicer-core engine whose views sit in Qt widgets. Both reach the web through this class, which
fits hosts/host.py's SceneHost as the headless SceneSession does.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..scene_session import SceneSession
from .live_engine import LiveEngine


class LiveSlicerHost(SceneSession):
    """A SceneSession over an application's engine. Unlike the headless one it leaves the desktop's
    settings alone (crosshair, layout) and starts no spare file reader of its own."""

    def __init__(self, engine: LiveEngine) -> None:
        super().__init__(engine, own_settings=False)

    def apply_input(self, view, event: dict) -> None:
        super().apply_input(view, event)
        view.after_input(event)
        if event.get("type") != "move" or view.buttons_down:
            for other in self.engine.views.values():
                if other is not view and not other.shown_on_desktop():
                    other.changed_elsewhere()

    def set_layout_views(self, names: Iterable[str], slicer_arrangement: int | None = None) -> None:
        """The browser's layout picks the views it shows; the desktop keeps its own layout."""
