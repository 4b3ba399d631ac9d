"""The live host: a running application's scene and layout views served to the web.

Inside Slicer (slicer_start.py) the application is Slicer's; in the Qt test host (qt_host.py) it is
a slicer-core engine whose views sit in Qt widgets. Both reach the web through this class, which
fits hosts/host.py's SceneHost as the headless SceneSession does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable

from ..scene_session import SceneSession
from .host import DesktopLayout, ViewLook
from .live_engine import LiveEngine

log = logging.getLogger(__name__)
# While a browser drags, the desktop's own redraws come at most this often (docs/decisions/0023: every desktop
# render is main-thread time, and the desktop's timer waits for it); the dragged view is still drawn for each
# browser frame (LiveView.capture's forceRender), at the pace the browser takes frames.
HELD_DESKTOP_FPS = 5.0
# A drag whose release never came (a browser gone mid-drag) gives the desktop its rates back after this.
HOLD_QUIET_S = 2.0


class LiveSlicerHost(SceneSession):
    """A SceneSession over an application's engine. Unlike the headless one it leaves the desktop's
    settings alone (crosshair, layout) and starts no spare file reader of its own."""

    def __init__(self, engine: LiveEngine) -> None:
        super().__init__(engine, own_settings=False)
        self._render_callbacks: list[Callable[[str], None]] = []
        self._heard = set(engine.views.values())  # the views the render callbacks listen to
        engine.live_views.listeners.append(self._listen_to_new_views)
        self._holding = False  # the desktop's rates of the views a browser's drag does not touch are held lower
        self._last_input_at = 0.0

    def on_render_request(self, callback: Callable[[str], None]) -> None:
        """As the headless host's, and for the views a later layout brings too."""
        self._render_callbacks.append(callback)
        for view in self.engine.views.values():
            view.add_render_listener(lambda v, callback=callback: callback(v.name))

    def _listen_to_new_views(self) -> None:
        for view in self.engine.views.values():
            if view not in self._heard:
                self._heard.add(view)
                for callback in self._render_callbacks:
                    view.add_render_listener(lambda v, callback=callback: callback(v.name))

    def on_views_changed(self, callback: Callable[[], None]) -> None:
        """``callback()`` after the desktop's layout changed (views may have come or gone) or a view's colour or
        label changed on its view node."""
        self.engine.live_views.listeners.append(callback)

    def desktop_layout(self) -> DesktopLayout:
        views = self.engine.live_views
        grid = views.layout_grid()
        return DesktopLayout(views.arrangement, grid.rows, grid.column_sizes, grid.row_sizes)

    def view_looks(self) -> tuple[ViewLook, ...]:
        """Each view as the desktop marks it (its view node's layout colour and label), extra views included."""
        return tuple(self.engine.views[name].look() for name in self.view_names)

    def apply_input(self, view, event: dict) -> None:
        super().apply_input(view, event)
        view.after_input(event)
        self._hold_desktop_rates(view, event)
        if event.get("type") != "move" or view.buttons_down:
            for other in self.engine.views.values():
                if other is not view and not other.shown_on_desktop():
                    other.changed_elsewhere()

    def _hold_desktop_rates(self, view, event: dict) -> None:
        """A browser's drag: the desktop's own redraws come at a lower rate until release (the dragged view is
        drawn for each browser frame, which the desktop shows too)."""
        kind = event.get("type")
        self._last_input_at = time.monotonic()
        if kind == "press" and not self._holding:
            self._holding = True
            for each in self.engine.views.values():
                each.hold_desktop_rate(HELD_DESKTOP_FPS)
            self._release_if_quiet()
        elif kind == "release" and not view.buttons_down:
            self._release_rates()

    def _release_rates(self) -> None:
        if self._holding:
            self._holding = False
            for other in self.engine.views.values():
                other.hold_desktop_rate(None)

    def _release_if_quiet(self) -> None:
        if not self._holding:
            return
        if time.monotonic() - self._last_input_at >= HOLD_QUIET_S:
            self._release_rates()
            return
        # Without a loop (a host driven by hand) the rates come back at the next release instead.
        with contextlib.suppress(RuntimeError):
            asyncio.get_event_loop().call_later(HOLD_QUIET_S, self._release_if_quiet)

    def set_layout_views(self, names: Iterable[str], slicer_arrangement: int | None = None) -> None:
        """The browser's layout choice is the desktop's: Slicer's layout manager shows ``slicer_arrangement``
        (its layoutChanged then tells the browser which views it shows)."""
        views = self.engine.live_views
        if slicer_arrangement is None or int(slicer_arrangement) == views.arrangement:
            return
        log.info("the browser sets the desktop's layout to %d", slicer_arrangement)
        views.set_arrangement(slicer_arrangement)

    def stored_layout(self) -> int:
        return self.engine.live_views.arrangement
