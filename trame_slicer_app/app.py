"""The trame application: a toolbar, Slicer's layouts and the streamed views."""

from __future__ import annotations

import asyncio
import logging
import time

from trame.app import TrameApp
from trame.decorators import change
from trame.ui.html import DivLayout
from trame.ui.vuetify3 import SinglePageLayout
from trame.widgets import client, html
from trame.widgets import vtk as vtk_widgets
from trame.widgets import vuetify3 as v3

from .hosts.host import SceneHost
from .layouts import (
    DEFAULT_LAYOUT,
    DESKTOP_LAYOUT,
    LAYOUTS,
    OTHER_VIEW_COLOR,
    VIEW_COLORS,  # noqa: F401 (once defined here)
    Layout,
    grid_area,
    layout_of_arrangement,
    layout_of_desktop,
)
from .load_time_pages import PageGiveBackPolicy, give_back_load_time_pages, resident_file_mib
from .scene_session import SceneSession
from .streaming.view_streamer import ViewStreamer
from .web.app_config import STREAM_MODES, STREAM_PACED, STREAM_VTK_REMOTE, AppConfig
from .web.client_state import ClientState
from .web.features import feature_classes
from .web.mrml_binding import MrmlBinding
from .web.stream_protocol import SlicerStreamView, StreamProtocol

log = logging.getLogger(__name__)

__all__ = ["STREAM_MODES", "STREAM_PACED", "STREAM_VTK_REMOTE", "AppConfig", "SlicerWebApp"]

VIEWS_TEMPLATE = "slicer_views"  # the views' part of the page, rebuilt alone when a host's views change
READOUT_INTERVAL_S = 0.25
# How often the app looks whether to give back library pages only loading read (load_time_pages.py).
PAGE_GIVE_BACK_CHECK_S = 10.0
PANELS_WIDTH_PX = 340
# Narrower windows get the drawer over the views, closed until asked for (Vuetify's
# temporary drawer): beside them, 340 px would leave three slice views of ~200 px or less.
PANELS_BESIDE_VIEWS_FROM = "md"  # Vuetify's breakpoint: 960 px
# The toolbar's buttons need about 700 px, more while a chip shows what a left drag does (placing, an
# effect): what does not fit scrolls sideways instead of being cut off, and on a phone the title makes
# room (Vuetify's "xs" is below 600 px).
NARROW_TOOLBAR_CSS = """
.v-app-bar .v-toolbar__content { overflow-x: auto; overflow-y: hidden; scrollbar-width: thin; }
.v-app-bar .v-toolbar__content > * { flex-shrink: 0; }
@media (max-width: 599.98px) { .v-app-bar .v-toolbar-title { display: none; } }
"""


class SlicerWebApp(TrameApp):
    """Binds a host's scene and views to the browser (hosts/host.py: by default a headless SceneSession);
    hosts the web features (``web/features``)."""

    def __init__(self, server=None, session: SceneHost | None = None, config: AppConfig | None = None) -> None:
        super().__init__(server, client_type="vue3")
        self.config = config or AppConfig()
        self.session = session or SceneSession()
        stream_mode = self.config.stream_mode
        self.state.trame__title = "Slicer"
        # A live host's desktop layout (hosts/host.py's DesktopLayout) when it has one, which the browser follows.
        self._desktop_layout: Layout | None = None
        self._served_views = tuple(self.session.view_names)
        self._served_looks = self.session.view_looks()  # the views' bars are built with these colours
        desktop = self.session.desktop_layout()
        self._followed_views = (self._served_views, self._served_looks,
                                desktop.views if desktop is not None else None)
        # Every served view's colour, label and title (hosts/host.py's ViewLook), for the menus and panels
        # that list views (a live desktop's extra views included).
        self.state.view_looks = [look.as_state() for look in self._served_looks]
        if desktop is not None:
            self.state.layout_name = self._know_desktop_layout(desktop).name
        else:
            # A scene opened from the command line may hold the layout it was saved in.
            self.state.layout_name = layout_of_arrangement(self.session.stored_layout()) or DEFAULT_LAYOUT
        # The scene and its layout are shared by every tab; these belong to each tab.
        self.client_state = ClientState(self.server)
        # None: the drawer opens or not by the window's width (see _build_drawer).
        self.client_state.declare(main_drawer=None, show_stream_stats=False)
        self.input_listeners: list = []  # told (tab, view name, events) of each streamed input message
        self._remote_views: dict[str, object] = {}
        self._push_pending = False
        self.streamer: ViewStreamer | None = None
        if stream_mode == STREAM_PACED:
            self._set_up_paced_streaming()
        else:
            self.session.on_render_request(self._on_render_request_stock)
        self.state.mrml_readout = self.session.readouts()
        self.ctrl.on_server_ready.add(self._start_readout_updates)
        self.page_give_back = PageGiveBackPolicy()
        # A browser's input, and any render (the desktop's own input, in a running Slicer; playback).
        self.input_listeners.append(lambda *_: self.page_give_back.on_activity(time.monotonic()))
        self.session.on_render_request(lambda _name: self.page_give_back.on_activity(time.monotonic()))
        self.ctrl.on_server_ready.add(self._start_page_give_back)
        self._apply_layout(self.state.layout_name)
        # Panels bind their state keys to MRML through this (see web/mrml_binding.py).
        self.binding = MrmlBinding(self.state, self.session.scene_changes.take_changes, self.session.undo)
        self.ctrl.on_server_ready.add(lambda **_: self.binding.start())
        self.features = [cls(self) for cls in feature_classes()]
        self._build_ui()
        self.session.on_views_changed(self._on_host_views_changed)

    def close(self) -> None:
        """Remove the files its features hold (uploads, downloads); for an app that ends before its
        process does (the in-process tests). A process's end removes them anyway (temp_folders.py)."""
        for feature in self.features:
            feature.close()

    # -- readouts ---------------------------------------------------------------
    def _start_readout_updates(self, **_) -> None:
        asyncio.get_event_loop().create_task(self._update_readouts())

    async def _update_readouts(self) -> None:
        # Polled at a fixed, low rate so a drag never floods the client with state.
        while True:
            await asyncio.sleep(READOUT_INTERVAL_S)
            readout = self.session.readouts()
            if readout != self.state.mrml_readout:
                with self.state:
                    self.state.mrml_readout = readout

    # -- memory ---------------------------------------------------------------
    def _start_page_give_back(self, **_) -> None:
        asyncio.get_event_loop().create_task(self._give_back_pages_when_due())

    async def _give_back_pages_when_due(self) -> None:
        # Start-up, the first frames and each newly loaded reader or module draw library pages in; once
        # the views are quiet, those only loading read go back (docs/decisions/0027).
        while not self.page_give_back.unsupported:
            await asyncio.sleep(PAGE_GIVE_BACK_CHECK_S)
            if not self.page_give_back.due(time.monotonic(), resident_file_mib()):
                continue
            started = time.perf_counter()
            try:
                given = give_back_load_time_pages(code=not self.page_give_back.code_given_back)
            except OSError:
                log.exception("giving back load-time library pages")
                given = None
            self.page_give_back.given_back(given, resident_file_mib())
            if given is not None:
                log.debug("gave back %.1f MiB of load-time library pages in %.0f ms", given,
                          1000 * (time.perf_counter() - started))

    # -- streaming ------------------------------------------------------------
    def _set_up_paced_streaming(self) -> None:
        protocol_holder: dict[str, StreamProtocol] = {}

        def publish(_view_name: str, meta: dict, data: bytes, clients):
            protocol = protocol_holder.get("protocol")
            return protocol.publish_frame(meta, data, clients) if protocol is not None else None

        views = {name: self.session.view(name) for name in self.session.view_names}
        self.streamer = ViewStreamer(views, self.session.apply_input, publish, wait_for_first_size=True)
        self.session.on_render_request(self.streamer.on_render_requested)

        def configure(root_protocol) -> None:
            protocol = StreamProtocol(self)
            protocol_holder["protocol"] = protocol
            root_protocol.registerLinkProtocol(protocol)

        self.server.add_protocol_to_configure(configure)
        self.ctrl.on_server_ready.add(lambda **_: self.streamer.start())

    def _on_render_request_stock(self, _view_name: str) -> None:
        # Displayable managers ask for renders many times per scene change;
        # push once per event-loop turn.
        if self._push_pending or not self.server.running:
            return
        self._push_pending = True
        asyncio.get_event_loop().call_soon(self._push_dirty_stock_views)

    def _push_dirty_stock_views(self) -> None:
        self._push_pending = False
        for name in self.state.visible_views or ():
            widget = self._remote_views.get(name)
            if widget is not None and self.session.view(name).dirty:
                widget.update()

    # -- layout -------------------------------------------------------------
    def _layout(self, layout_name) -> Layout | None:
        if layout_name == DESKTOP_LAYOUT:
            return self._desktop_layout
        return LAYOUTS.get(layout_name) if isinstance(layout_name, str) else None

    def layout_rows(self) -> tuple[tuple[str, ...], ...]:
        """The shown layout's grid of view names (web/features' screenshots compose it)."""
        layout = self._layout(self.state.layout_name)
        return layout.rows if layout is not None else LAYOUTS[DEFAULT_LAYOUT].rows

    @change("layout_name")
    def _on_layout_change(self, layout_name, **_):
        if self._layout(layout_name) is None:  # any value may come from a client
            log.warning("unknown layout %.40r, keeping the default", layout_name)
            # A live desktop's layout stays as it is: the page goes back to it.
            desktop = self.session.desktop_layout()
            self.state.layout_name = self._know_desktop_layout(desktop).name if desktop else DEFAULT_LAYOUT
            return
        self._apply_layout(layout_name)

    @change("view_looks")
    def _on_view_looks_change(self, view_looks, **_):
        # The host says how its views look: a client's own value (any may come) is put back.
        looks = [look.as_state() for look in self.session.view_looks()]
        if view_looks != looks:
            self.state.view_looks = looks

    def _know_desktop_layout(self, desktop) -> Layout:
        """This viewer's layout for what a live host's desktop shows (its own when none fits)."""
        layout = layout_of_desktop(desktop.rows, desktop.arrangement, desktop.column_sizes, desktop.row_sizes)
        # Only while the desktop shows a layout of its own may the page show it.
        self._desktop_layout = layout if layout.name == DESKTOP_LAYOUT else None
        return layout

    def _on_host_views_changed(self) -> None:
        # Told from the host's own code (Qt's layoutChanged signal, on this thread but outside the loop's
        # step): followed on the loop's next turn, which the thread-safe call also wakes.
        asyncio.get_event_loop().call_soon_threadsafe(self._follow_host_views)

    def _follow_host_views(self) -> None:
        """The host's views, its desktop's layout or a view's look changed: stream the views it has now, show its
        layout, and let the features with per-view parts follow."""
        with self.state:
            names = tuple(self.session.view_names)
            looks = self.session.view_looks()
            self.state.view_looks = [look.as_state() for look in looks]
            desktop = self.session.desktop_layout()
            if names != self._served_views or looks != self._served_looks:
                self._served_views, self._served_looks = names, looks
                if self.streamer is not None:
                    self.streamer.set_views({name: self.session.view(name) for name in names})
                self._build_views()  # each view's bar bears its look's colour
            if desktop is not None:
                layout = self._know_desktop_layout(desktop)
                if self.state.layout_name != layout.name:
                    self.state.layout_name = layout.name  # its change handler applies it
                else:
                    self._apply_layout(layout.name)
            # The features with per-view parts (web/features) follow the views served, those the desktop shows
            # (a layout change may keep every view and hide some) and their looks.
            followed = (names, looks, desktop.views if desktop is not None else None)
            if followed != self._followed_views:
                self._followed_views = followed
                for feature in self.features:
                    if hasattr(feature, "on_views_changed"):
                        feature.on_views_changed()

    def _apply_layout(self, layout_name: str) -> None:
        layout = self._layout(layout_name)
        self.state.visible_views = list(layout.views)
        self.state.layout_grid = layout.css_grid()
        self.session.set_layout_views(layout.views, layout.slicer_arrangement)
        if self.streamer is not None:
            self.streamer.set_visible(layout.views)

    # -- UI -------------------------------------------------------------------
    def _build_ui(self) -> None:
        with SinglePageLayout(self.server, full_height=True) as layout:
            self.ui = layout  # trame's TrameApp convention: the page's layout
            layout.title.set_text("Slicer")
            layout.icon.click = "main_drawer = !main_drawer"
            layout.footer.hide()  # the views get the height
            # ...from the start: a hidden footer that is still a layout item takes 32 px until it is
            # measured, so every view got a size, and a first frame, that was wrong (0022, addendum).
            layout.footer.app = False
            with layout.toolbar:
                client.Style(NARROW_TOOLBAR_CSS)
                for feature in self.features:
                    if hasattr(feature, "build_toolbar"):
                        feature.build_toolbar()
                v3.VSpacer()
                with v3.VBtnToggle(v_model=("layout_name",), mandatory=True, density="compact"):
                    for item in LAYOUTS.values():
                        v3.VBtn(icon=item.icon, value=item.name, title=item.title, classes=f"layout-{item.name}")
                if self.streamer is not None:
                    v3.VBtn(
                        icon="mdi-speedometer", title="Show streaming figures", classes="toggle-stream-stats",
                        click="show_stream_stats = !show_stream_stats",
                        active=("show_stream_stats",),
                    )
            panels = [f for f in self.features if hasattr(f, "build_panel")]
            if panels:
                with self._build_drawer(), \
                        v3.VExpansionPanels(multiple=True, variant="accordion", classes="slicer-panels"):
                    for feature in panels:
                        # Stable hooks for tests and styles: the feature's name, never its class name.
                        with v3.VExpansionPanel(classes=f"feature-{feature.name}",
                                                raw_attrs=[f'data-feature="{feature.name}"']):
                            v3.VExpansionPanelTitle(feature.title)
                            with v3.VExpansionPanelText():
                                feature.build_panel()
            with layout.content:
                client.ServerTemplate(name=VIEWS_TEMPLATE)
        self._build_views()

    def _build_views(self) -> None:
        """The host's views in the layout's grid; each is shown while the layout has it."""
        with DivLayout(self.server, template_name=VIEWS_TEMPLATE, connect_parent=False, classes="slicer-layout",
                       style=("{display: 'grid', height: '100%', gap: '2px', background: '#222', ...layout_grid}",)):
            for name in self._served_views:
                self._build_view(name)

    @staticmethod
    def _build_drawer():
        # Vuetify's responsive drawer: beside the views on a wide window, over them and closed
        # on a narrow one, following the window as it is resized.
        return v3.VNavigationDrawer(v_model=("main_drawer",), width=PANELS_WIDTH_PX, location="left",
                                    mobile_breakpoint=PANELS_BESIDE_VIEWS_FROM, disable_route_watcher=True,
                                    classes="slicer-drawer")

    def _view_color(self, name: str) -> str:
        # From the host, not from the state, which any client may write.
        return next((look.color for look in self.session.view_looks() if look.name == name), OTHER_VIEW_COLOR)

    def _build_view(self, name: str) -> None:
        with html.Div(
            v_if=f"visible_views.includes('{name}')",
            classes=f"slicer-view slicer-view-{name}",
            style=f"grid-area: {grid_area(name)}; position: relative; min-height: 0; min-width: 0;"
            f"border-top: 3px solid {self._view_color(name)};",
        ):
            if self.streamer is not None:
                SlicerStreamView(name=name, show_stats=("show_stream_stats",))
            else:
                self._remote_views[name] = vtk_widgets.VtkRemoteView(
                    self.session.render_window(name), ref=f"view_{name}", interactive_ratio=1,
                    style="position: absolute; inset: 0;",
                )
            for feature in self.features:
                if hasattr(feature, "build_view_overlay"):
                    feature.build_view_overlay(name)
