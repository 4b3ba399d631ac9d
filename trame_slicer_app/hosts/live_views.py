"""The views of a Qt layout manager (Slicer's qMRMLLayoutManager, or the Qt test host's stand-in),
as the streaming, input and engine code see a view.

Only Slicer's Python-visible API is used (checked against Slicer's Libs/MRML/Widgets sources):
``layoutManager.threeDViewCount`` (a property), ``threeDWidget(i)``, ``sliceViewNames()``,
``sliceWidget(name)``, the ``layout`` property and ``setLayout``, the ``layoutChanged`` signal; a 3D
widget's ``threeDView()`` and ``mrmlViewNode()``; a slice widget's ``sliceView()``, ``sliceLogic()`` and
``mrmlSliceNode()``; a render view's ``renderWindow()``, ``interactor()``, ``scheduleRender()``,
``forceRender()``, ``isVisible()`` and ``displayableManagerByClassName()``; a view node's
``IsMappedInLayout()``, ``GetLayoutColor()``, ``GetLayoutLabel()`` and its ModifiedEvent.

The desktop owns each view: its size, its multisampling and when it renders. A browser frame is the
desktop's own last render, read back: every render of the view's window (the desktop's, after
Slicer's displayable managers asked for one) marks it dirty for the browser, so one render serves
both. A browser's size and render scale change nothing on the desktop; its frames come at the
desktop view's size and the client scales them.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable

import numpy as np
from vtkmodules.vtkCommonCore import vtkCommand

from ..engine.views.offscreen import read_rgb
from ..engine.views.slice_view import SliceView
from ..engine.views.threed_view import ThreeDView
from ..engine.views.view import MIN_VIEW_SIZE_PX, SlicerView
from ..layouts import OTHER_VIEW_COLOR, VIEW_TITLES
from .host import ViewLook
from .layout_description import LayoutDescriptionError, LayoutGrid, grid_of_description

log = logging.getLogger(__name__)
# The names the page may show: a name goes into the page's template and its CSS grid areas, so one that
# Slicer allows but these do not (spaces, quotes) is listed in ``unserved``, not streamed.
SERVABLE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
THREED_NAME_PREFIX = "View"  # Slicer's 3D view nodes are View1, View2... named "1", "2" in layouts


class LiveView:
    """A view the desktop shows, bound to the layout manager's current widget of its name."""

    kind = "abstract"

    def __init__(self, name: str) -> None:
        self.name = name
        self.dirty = True
        self.client_size: tuple[int, int] = (MIN_VIEW_SIZE_PX, MIN_VIEW_SIZE_PX)
        self.render_scale = 1.0
        self.frame_budget_s: float | None = None
        self.still_frame = True
        self.shift_held = False  # engine/views/view_input.py's own bookkeeping, as on an engine view
        self._listeners: list[Callable] = []
        self._render_view = None
        self._window = None
        self._end_observer = None
        self._capturing = False
        self._fresh = False  # the window holds a render newer than the last frame read
        self._buttons_down: set = set()
        self._kept_rate: float | None = None  # the desktop's own maximum update rate while it is held lower
        self._look_node = None  # the view node whose changes of look are watched, and its observer
        self._look_observer = None
        self._look_seen: tuple | None = None

    # -- binding to the layout manager's widget ------------------------------------------------
    def bind(self, widget) -> None:
        render_view = self._render_view_of(widget)
        if render_view is self._render_view:
            return
        if self._window is not None and self._end_observer is not None:
            self._window.RemoveObserver(self._end_observer)
        self._render_view = render_view
        self._window = render_view.renderWindow()
        self._end_observer = self._window.AddObserver(vtkCommand.EndEvent, self._on_rendered)
        self._bind_widget(widget)
        self.request_render()

    def unbind(self) -> None:
        """Stop listening to the window and the view node (its widget is gone from the layout manager)."""
        if self._window is not None and self._end_observer is not None:
            self._window.RemoveObserver(self._end_observer)
        self._render_view = self._window = self._end_observer = None
        self._stop_watching_look()

    def watch_look(self, on_change: Callable[[], None]) -> None:
        """``on_change()`` whenever the view node's layout colour or label changes (a module setting them after
        the layout made the view): Slicer's view controllers read both again at each of the node's Modified
        events, so the page hears of it then too. Cheap: a slice node is modified at every slice step, and
        only a changed look calls back."""
        node = getattr(self, "view_node", None)
        if node is self._look_node:
            return
        self._stop_watching_look()
        if node is None:
            return
        self._look_node, self._look_seen = node, _look_key(node)

        def on_modified(*_args) -> None:
            seen = _look_key(node)
            if seen != self._look_seen:
                self._look_seen = seen
                on_change()

        self._look_observer = node.AddObserver(vtkCommand.ModifiedEvent, on_modified)

    def _stop_watching_look(self) -> None:
        if self._look_node is not None and self._look_observer is not None:
            self._look_node.RemoveObserver(self._look_observer)
        self._look_node = self._look_observer = self._look_seen = None

    def mapped_in_layout(self) -> bool:
        """Whether the desktop's current layout shows the view: its view node says so."""
        node = getattr(self, "view_node", None)
        return bool(node is not None and node.IsMappedInLayout())

    def look(self) -> ViewLook:
        """The view as the desktop marks it: its view node's layout colour and label (which a layout's
        ``viewcolor`` and ``viewlabel`` properties set in Slicer), and a title from its name."""
        node = getattr(self, "view_node", None)
        label = str(node.GetLayoutLabel() or "") if node is not None else ""
        color = css_color(node.GetLayoutColor()) if node is not None else None
        return ViewLook(self.name, self.kind, self._title(), label or self.name, color or OTHER_VIEW_COLOR)

    def _title(self) -> str:
        return VIEW_TITLES.get(self.name, self.name)

    def _render_view_of(self, widget):
        raise NotImplementedError

    def _bind_widget(self, widget) -> None:
        """The MRML side of the widget (view node, logic)."""

    @property
    def render_window(self):
        return self._window

    @property
    def interactor(self):
        return self._render_view.interactor()

    @property
    def renderer(self):
        return self._window.GetRenderers().GetFirstRenderer()

    # -- render requests ---------------------------------------------------------------------
    def add_render_listener(self, listener: Callable) -> None:
        self._listeners.append(listener)

    def _tell_listeners(self) -> None:
        self.dirty = True
        for listener in self._listeners:
            listener(self)

    def _on_rendered(self, *_args) -> None:
        if self._capturing:
            return
        self._fresh = True
        self._tell_listeners()

    def request_render(self) -> None:
        """What the engine's functions call after a change: the desktop redraws (and the browser
        hears of it when it has); told now too, for a view the desktop does not draw."""
        self._fresh = False  # the desktop's last render predates this change
        self._render_view.scheduleRender()
        self._tell_listeners()

    @property
    def buttons_down(self) -> bool:
        return bool(self._buttons_down)

    def after_input(self, event: dict) -> None:
        """A browser's input that may have changed the view (a button held, a wheel, a key): the
        streamer renders it now rather than after the desktop's next paint, which draws every view the
        change touched before the browser would hear of any."""
        kind = event.get("type")
        if kind == "press":
            self._buttons_down.add(event.get("button", 0))
        elif kind == "release":
            self._buttons_down.discard(event.get("button", 0))
        if kind in ("press", "release", "wheel", "key") or (kind == "move" and self._buttons_down):
            self._fresh = False
            self._tell_listeners()

    def hold_desktop_rate(self, fps: float | None) -> None:
        """While a browser drags: the desktop redraws this view of its own accord at most ``fps`` times a
        second (ctkVTKAbstractView's maximum update rate), leaving the main thread to the browser's frames
        (each a desktop render too) and to the desktop's own events; None gives the desktop its rate back."""
        view = self._render_view
        if view is None or not hasattr(view, "setMaximumUpdateRate"):
            return
        if fps is None:
            if self._kept_rate is not None:
                view.setMaximumUpdateRate(self._kept_rate)
                self._kept_rate = None
            return
        if self._kept_rate is None:
            self._kept_rate = float(view.maximumUpdateRate)
        view.setMaximumUpdateRate(min(float(fps), self._kept_rate))

    def shown_on_desktop(self) -> bool:
        """Whether the desktop's layout shows the view (a hidden view is not repainted by Qt)."""
        return bool(self._render_view.isVisible())

    def changed_elsewhere(self) -> None:
        """Input to another view may have changed this one, which the desktop does not draw (its layout
        hides it): the streamer renders it itself, as nothing else will tell it."""
        self._fresh = False
        self._tell_listeners()

    # -- what the streamer asks ---------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        width, height = self._window.GetSize()
        return max(1, int(width)), max(1, int(height))

    def resize(self, width: int, height: int) -> None:
        self.client_size = (max(MIN_VIEW_SIZE_PX, int(width)), max(MIN_VIEW_SIZE_PX, int(height)))

    def set_render_scale(self, scale: float) -> None:
        """The desktop draws at its own size: a smaller render for the browser would be a second render."""

    def set_still(self, still: bool) -> None:
        self.still_frame = bool(still)

    def set_frame_budget(self, seconds: float | None) -> None:
        self.frame_budget_s = None if seconds is None else max(0.0, float(seconds))

    def capture(self) -> np.ndarray:
        if not self._fresh:
            self._capturing = True
            try:
                if self.shown_on_desktop():
                    # The desktop's own render, now: ctkVTKAbstractView's forceRender also stops the render it
                    # had scheduled, so one render serves the browser and the desktop (not one each).
                    self._render_view.forceRender()
                else:
                    self._window.Render()  # forceRender does nothing for a hidden view
            finally:
                self._capturing = False
        self._fresh = False
        self.dirty = False
        return read_rgb(self._window)

    # The client-to-display mapping is the engine view's own (it reads only client_size and size).
    client_to_render = SlicerView.client_to_render
    client_to_display = SlicerView.client_to_display


class _DisplayableManagers:
    """The part of a vtkMRMLDisplayableManagerGroup the engine's functions read."""

    def __init__(self, render_view) -> None:
        self._render_view = render_view

    def GetDisplayableManagerByClassName(self, name: str):
        return self._render_view.displayableManagerByClassName(name)


def _look_key(node) -> tuple:
    """What of a view node the page shows: its layout label and colour."""
    return str(node.GetLayoutLabel() or ""), tuple(node.GetLayoutColor())


def css_color(rgb) -> str | None:
    """A view node's colour (three numbers from 0 to 1) as "#rrggbb"; None for anything else."""
    try:
        channels = [float(c) for c in rgb]
    except (TypeError, ValueError):
        return None
    if len(channels) != 3 or not all(math.isfinite(c) for c in channels):
        return None
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in channels)


class LiveThreeDView(LiveView):
    kind = "3d"

    def _title(self) -> str:
        # Slicer names its 3D views by number ("1", "2"): the page says which kind of view it is.
        return VIEW_TITLES.get(self.name) or f"3D {self.name}"

    def _render_view_of(self, widget):
        return widget.threeDView()

    def _bind_widget(self, widget) -> None:
        self.view_node_3d = self.view_node = widget.mrmlViewNode()
        self.displayable_managers = _DisplayableManagers(self._render_view)

    @property
    def camera_node(self):
        manager = self._render_view.displayableManagerByClassName("vtkMRMLCameraDisplayableManager")
        return manager.GetCameraNode() if manager is not None else None

    # Camera fitting works on the renderer, view node and camera node alone: the engine's own.
    reset_view = ThreeDView.reset_view
    fit_box_to_content = ThreeDView.fit_box_to_content


class LiveSliceView(LiveView):
    kind = "slice"

    def _render_view_of(self, widget):
        return widget.sliceView()

    def _bind_widget(self, widget) -> None:
        self.logic = widget.sliceLogic()
        self.slice_node = self.view_node = widget.mrmlSliceNode()
        self.displayable_managers = _DisplayableManagers(self._render_view)

    def reset_view(self) -> None:
        self.logic.FitSliceToBackground()
        self.logic.SnapSliceOffsetToIJK()
        self.request_render()

    xy_to_ras = SliceView.xy_to_ras
    slice_offset_mm = SliceView.slice_offset_mm


class LiveViews:
    """The layout manager's 3D and slice views by name, rebound whenever its layout changes (Slicer
    creates a view's widget the first time a layout shows it, and may hand a name a new widget).

    Every view the layout manager has is served; ``shown`` lists those its current layout shows (the
    view nodes it marks mapped in the layout, as Slicer's layout view factory does), 3D views first.
    ``names``: serve only these (None: all of them). ``listeners`` are told after each rebind and when a view's
    colour or label changes on its view node."""

    def __init__(self, layout_manager, names: tuple[str, ...] | None = None) -> None:
        self.layout_manager = layout_manager
        self.views: dict[str, LiveView] = {}
        self.unserved: list[str] = []
        self.shown: tuple[str, ...] = ()
        self.listeners: list[Callable[[], None]] = []
        self._names = names
        self.rebind()
        layout_manager.layoutChanged.connect(self._on_layout_changed)

    def _widgets(self) -> dict[str, tuple[type, object]]:
        manager = self.layout_manager
        widgets = {}
        for index in range(int(manager.threeDViewCount)):
            widget = manager.threeDWidget(index)
            node = widget.mrmlViewNode() if widget is not None else None
            if node is not None:
                widgets[node.GetLayoutName()] = (LiveThreeDView, widget)
        for name in manager.sliceViewNames():
            widget = manager.sliceWidget(name)
            if widget is not None:
                widgets[str(name)] = (LiveSliceView, widget)
        return widgets

    def rebind(self) -> None:
        widgets = self._widgets()
        served = [name for name in widgets if (self._names is None or name in self._names)
                  and SERVABLE_NAME.fullmatch(name)]
        for name in served:
            view_class, widget = widgets[name]
            view = self.views.get(name)
            if view is not None and not isinstance(view, view_class):
                view.unbind()
                view = None
            if view is None:
                view = self.views[name] = view_class(name)
            view.bind(widget)
            view.watch_look(self._on_look_changed)
        for name in set(self.views) - set(served):  # a view whose widget the layout manager no longer has
            self.views.pop(name).unbind()
        self.unserved = sorted(set(widgets) - set(served))
        self.shown = tuple(name for name in served if self.views[name].mapped_in_layout())

    @property
    def arrangement(self) -> int:
        """Slicer's number for the layout the desktop shows."""
        return int(self.layout_manager.layout)

    def set_arrangement(self, arrangement: int) -> None:
        """Show Slicer's layout ``arrangement`` on the desktop (its layoutChanged then rebinds)."""
        self.layout_manager.setLayout(int(arrangement))

    def layout_grid(self) -> LayoutGrid:
        """The shown views where the desktop's layout puts them: its layout description's geometry (spans and
        split sizes, layout_description.py) when the layout manager gives one that places every shown view;
        else the simpler rows of ``layout_rows``."""
        description = self._layout_description()
        if description:
            try:
                grid = grid_of_description(description, set(self.shown))
            except LayoutDescriptionError as error:
                log.warning("the desktop's layout %d is shown as rows: %s", self.arrangement, error)
            else:
                if set(grid.views) == set(self.shown):
                    return grid
        rows = self.layout_rows()
        return LayoutGrid(rows, (), ())

    def _layout_description(self) -> str | None:
        """The XML Slicer's layout node holds for the layout shown (``layoutLogic().GetLayoutNode()``)."""
        try:
            node = self.layout_manager.layoutLogic().GetLayoutNode()
            return str(node.GetCurrentLayoutDescription() or "") if node is not None else None
        except (AttributeError, TypeError):  # a layout manager without a layout logic
            return None

    def layout_rows(self) -> tuple[tuple[str, ...], ...]:
        """The shown views as rows of a grid: the 3D views side by side above the slice views side by side
        (for a layout whose description cannot be read: ``layout_grid`` keeps the layout's own geometry)."""
        three_d = tuple(n for n in self.shown if self.views[n].kind == "3d")
        slices = tuple(n for n in self.shown if self.views[n].kind == "slice")
        rows = [row for row in (three_d, slices) if row]
        if len(rows) < 2:
            return tuple(rows)
        columns = math.lcm(len(three_d), len(slices))  # each view spans whole columns of a common grid
        return tuple(tuple(name for name in row for _ in range(columns // len(row))) for row in rows)

    def _on_layout_changed(self, *_args) -> None:
        self.rebind()
        self._tell_listeners()

    def _on_look_changed(self) -> None:
        """A view's colour or label changed on its node: the listeners hear of it as of a layout change."""
        self._tell_listeners()

    def _tell_listeners(self) -> None:
        for listener in list(self.listeners):
            listener()
