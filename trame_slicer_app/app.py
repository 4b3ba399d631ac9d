"""The trame application: a toolbar, Slicer's layouts and the streamed views."""

from __future__ import annotations

import asyncio
import logging

from trame.app import TrameApp
from trame.decorators import change
from trame.ui.vuetify3 import SinglePageLayout
from trame.widgets import html
from trame.widgets import vtk as vtk_widgets
from trame.widgets import vuetify3 as v3

from .layouts import ALL_VIEWS, DEFAULT_LAYOUT, LAYOUTS, THREED, grid_area
from .scene_session import SceneSession

log = logging.getLogger(__name__)

VIEW_TITLES = {THREED: "3D", "Red": "Red", "Yellow": "Yellow", "Green": "Green"}
VIEW_COLORS = {THREED: "#6a75b5", "Red": "#f34a33", "Yellow": "#edd54c", "Green": "#6eb04b"}


class SlicerWebApp(TrameApp):
    """Binds a SceneSession's views to the browser."""

    def __init__(self, server=None, session: SceneSession | None = None) -> None:
        super().__init__(server, client_type="vue3")
        self.session = session or SceneSession()
        self.state.trame__title = "Slicer"
        self.state.layout_name = DEFAULT_LAYOUT
        self.state.status_message = ""
        self._view_widgets: dict[str, object] = {}
        self._push_pending = False
        self.session.on_render_request(self._on_render_request)
        self._apply_layout(DEFAULT_LAYOUT)
        self._build_ui()

    # -- layout -------------------------------------------------------------
    @change("layout_name")
    def _on_layout_change(self, layout_name, **_):
        if layout_name not in LAYOUTS:
            log.warning("unknown layout %r, keeping the current one", layout_name)
            self.state.layout_name = DEFAULT_LAYOUT
            return
        self._apply_layout(layout_name)

    def _apply_layout(self, layout_name: str) -> None:
        layout = LAYOUTS[layout_name]
        self.state.visible_views = list(layout.views)
        self.state.layout_grid = layout.css_grid()

    # -- rendering ------------------------------------------------------------
    def _on_render_request(self, _view_name: str) -> None:
        # Displayable managers ask for renders many times per scene change;
        # push once per event-loop turn.
        if self._push_pending or not self.server.running:
            return
        self._push_pending = True
        asyncio.get_event_loop().call_soon(self._push_dirty_views)

    def _push_dirty_views(self) -> None:
        self._push_pending = False
        for name in self.state.visible_views or ():
            view = self.session.view(name)
            widget = self._view_widgets.get(name)
            if widget is not None and view.dirty:
                widget.update()

    # -- UI -------------------------------------------------------------------
    def _build_ui(self) -> None:
        with SinglePageLayout(self.server, full_height=True) as layout:
            layout.title.set_text("Slicer")
            with layout.toolbar:
                v3.VSpacer()
                with v3.VBtnToggle(v_model=("layout_name",), mandatory=True, density="compact"):
                    for item in LAYOUTS.values():
                        v3.VBtn(icon=item.icon, value=item.name, title=item.title, classes=f"layout-{item.name}")
            with layout.content, html.Div(
                classes="slicer-layout",
                style=("{display: 'grid', height: '100%', gap: '2px', background: '#222', ...layout_grid}",),
            ):
                for name in ALL_VIEWS:
                    self._build_view(name)

    def _build_view(self, name: str) -> None:
        with html.Div(
            v_if=f"visible_views.includes('{name}')",
            classes=f"slicer-view slicer-view-{name}",
            style=f"grid-area: {grid_area(name)}; position: relative; min-height: 0; min-width: 0;"
            f"border-top: 3px solid {VIEW_COLORS[name]};",
        ):
            widget = vtk_widgets.VtkRemoteView(
                self.session.render_window(name),
                ref=f"view_{name}",
                interactive_ratio=1,
                style="position: absolute; inset: 0;",
            )
            self._view_widgets[name] = widget
