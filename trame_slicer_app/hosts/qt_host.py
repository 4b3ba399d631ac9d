"""The Qt test host: a desktop window (PySide6) whose Qt widgets own slicer-core's views on the main
thread, as Slicer's layout manager owns its views, served to the web through the live host code.

3D Slicer cannot be installed here; this window stands in for it so that everything but Slicer's own
application objects runs for real: VTK's Qt render window interactor draws each view on the desktop
and takes the desktop's mouse, Slicer's interactor styles answer both the desktop and the browser,
and the web server's asyncio loop runs on the Qt main thread (qt_asyncio.py).

    xvfb-run -a python -m trame_slicer_app.hosts.qt_host --data head.nrrd --port 8080

Commands on standard input, one a line (what the tests and the benchmark use to act on the desktop):
``wheel VIEW STEPS`` (Qt wheel events on a view), ``drag VIEW DX DY`` (a left-button drag),
``look VIEW RRGGBB [LABEL]`` (a view node's layout colour and label, set after its layout made it),
``layout NAME`` (the desktop's layout: ``four-up``, ``conventional``, one view alone, ``1``, ``Red``...,
``custom``, a layout of its own with a second 3D view ``2`` and a fourth slice view ``Slice4``, made the
first time it is shown, as Slicer makes a layout's views, or ``custom-spans``, whose views span rows and
columns: view 1 over the left 60%, view 2 above Red and Slice4 on the right), ``state`` (prints one JSON line of the
desktop's MRML readouts, the views it shows, its layout number and each 3D view's camera position and
background), ``jitter`` (prints the Qt
timer jitter figures and the renders of each view, count and ms, since the last ``jitter``, then starts
again), ``quit``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time

import vtkmodules.qt

vtkmodules.qt.PyQtImpl = "PySide6"
# The views are on-screen windows inside Qt widgets: an off-screen kind asked for by the environment (a
# headless parent process sets EGL for itself, engine/views/offscreen.py) would give windows Qt cannot show
# (volume rendering then drew nothing).
if os.environ.get("VTK_DEFAULT_OPENGL_WINDOW") in ("vtkEGLRenderWindow", "vtkOSOpenGLRenderWindow"):
    del os.environ["VTK_DEFAULT_OPENGL_WINDOW"]

from PySide6 import QtCore  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QSocketNotifier, Qt, QTimer, Signal  # noqa: E402
from PySide6.QtGui import QMouseEvent, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget  # noqa: E402
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor  # noqa: E402

from ..engine.scene.slicer_engine import SlicerEngine  # noqa: E402
from ..engine.views.slice_view import SliceView  # noqa: E402
from ..engine.views.threed_view import ThreeDView  # noqa: E402
from ..engine.views.view import MIN_VIEW_SIZE_PX  # noqa: E402
from ..scene_session import SceneSession  # noqa: E402
from ..view_names import RED  # noqa: E402
from .live_engine import LiveEngine  # noqa: E402
from .live_host import LiveSlicerHost  # noqa: E402
from .qt_serving import QtServedApp  # noqa: E402

log = logging.getLogger("trame_slicer_app")
VIEW_SIZE_PX = (480, 400)
# Slicer's views redraw at most this often (ctkVTKAbstractView's maximum update rate); the
# desktop's repaints of views a browser's drag changes then leave the main thread room.
DESKTOP_MAX_FPS = 30
JITTER_INTERVAL_MS = 10  # a desktop animation's timer: how late it fires is how stuck the UI is
# Slicer's numbers for these layouts (vtkMRMLLayoutNode::SlicerLayout*View) and their views as rows of a
# grid; 501: a SlicerCAT's own layout (custom layouts are registered from 500 up), with views the others lack.
CUSTOM_LAYOUT = 501
EXTRA_VIEWS = {"2": ThreeDView, "Slice4": SliceView}
# Their labels and colours (0-255), as a Slicer layout description's ``viewlabel`` and ``viewcolor`` properties
# set them on the view nodes; the second 3D view keeps the 3D views' default colour, as in Slicer's Dual 3D.
EXTRA_VIEW_LOOKS = {"2": ("2", None), "Slice4": ("S4", (140, 76, 176))}
# 502: a SlicerCAT's layout whose views span rows and columns, with split sizes: view 1 on the left over 60% of
# the width and the whole height, view 2 above Red and Slice4 on the right.
SPANNING_LAYOUT = 502
DESKTOP_LAYOUTS = {
    2: (("1", "1", "1"), ("Red", "Yellow", "Green")),
    3: (("1", "Red"), ("Yellow", "Green")),
    4: (("1",),), 6: (("Red",),), 7: (("Yellow",),), 8: (("Green",),),
    CUSTOM_LAYOUT: (("1", "1", "2", "2"), ("Red", "Yellow", "Green", "Slice4")),
    SPANNING_LAYOUT: (("1", "2", "2"), ("1", "Red", "Slice4")),
}
# The desktop's column widths where they are not equal (its grid's stretch factors).
COLUMN_STRETCH = {SPANNING_LAYOUT: (3, 1, 1)}
LAYOUT_NUMBERS = {"conventional": 2, "four-up": 3, "1": 4, "Red": 6, "Yellow": 7, "Green": 8, "custom": CUSTOM_LAYOUT,
                  "custom-spans": SPANNING_LAYOUT}


def _view_xml(name: str, kind: str) -> str:
    node_class = "vtkMRMLViewNode" if kind == "3d" else "vtkMRMLSliceNode"
    return f'<view class="{node_class}" singletontag="{name}"/>'


# The custom layouts' descriptions, as a SlicerCAT registers them with Slicer's layout node (the layout XML:
# nested layouts, items with split sizes, views by their singleton tag); the other layouts' are Slicer's own.
CUSTOM_DESCRIPTIONS = {
    CUSTOM_LAYOUT: (
        '<layout type="vertical" split="true">'
        f'<item splitSize="500"><layout type="horizontal"><item>{_view_xml("1", "3d")}</item>'
        f'<item>{_view_xml("2", "3d")}</item></layout></item>'
        '<item splitSize="500"><layout type="horizontal">'
        + "".join(f"<item>{_view_xml(name, 'slice')}</item>" for name in ("Red", "Yellow", "Green", "Slice4"))
        + "</layout></item></layout>"
    ),
    SPANNING_LAYOUT: (
        '<layout type="horizontal" split="true">'
        f'<item splitSize="600">{_view_xml("1", "3d")}</item>'
        '<item splitSize="400"><layout type="vertical">'
        f'<item>{_view_xml("2", "3d")}</item>'
        f'<item><layout type="horizontal"><item>{_view_xml("Red", "slice")}</item>'
        f'<item>{_view_xml("Slice4", "slice")}</item></layout></item>'
        "</layout></item></layout>"
    ),
}
FIRST_LAYOUT = 3


class _ViewWidget(QVTKRenderWindowInteractor):
    """VTK's Qt widget; tells its view when Qt resizes it, as qMRMLSliceView does."""

    def __init__(self, parent) -> None:
        super().__init__(parent)
        self.on_resize = None
        self.setMinimumSize(*VIEW_SIZE_PX)
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.timeout.connect(self._on_repaint_due)
        self._requested_at: float | None = None  # the first render request not rendered yet
        self.max_fps = float(DESKTOP_MAX_FPS)

    def schedule_render(self) -> None:
        """Slicer's scheduleRender, as ctkVTKAbstractView's: the first request waits one period of the maximum
        update rate (the requests of that period make one render); a request made when that period is over
        (its timer not served yet: a busy main thread) renders now."""
        now = time.perf_counter()
        period_s = 1 / self.max_fps
        if self._requested_at is None:
            self._requested_at = now
            self._repaint.start(int(period_s * 1000))
        elif now - self._requested_at > period_s:
            self.force_render()

    def _on_repaint_due(self) -> None:
        self._requested_at = None
        self.update()  # Qt's paint renders the view

    def force_render(self) -> None:
        """Slicer's forceRender: the render it had scheduled is cancelled, the view renders now."""
        self._repaint.stop()
        self._requested_at = None
        if self.isVisible():
            self.GetRenderWindow().Render()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.on_resize is not None:
            self.on_resize()


class _RenderView:
    """What Slicer's ctkVTKAbstractView (qMRMLThreeDView, qMRMLSliceView) offers, over an engine view."""

    def __init__(self, view, widget: _ViewWidget) -> None:
        self._view, self._widget = view, widget

    def renderWindow(self):
        return self._view.render_window

    def interactor(self):
        return self._view.interactor

    def isVisible(self) -> bool:
        return self._widget.isVisible()

    def scheduleRender(self) -> None:
        self._widget.schedule_render()

    def forceRender(self) -> None:
        self._widget.force_render()

    @property
    def maximumUpdateRate(self) -> float:  # a property in Slicer's Python, as ctkVTKAbstractView's Q_PROPERTY
        return self._widget.max_fps

    def setMaximumUpdateRate(self, fps: float) -> None:
        self._widget.max_fps = max(0.1, float(fps))

    def displayableManagerByClassName(self, name: str):
        return self._view.displayable_managers.GetDisplayableManagerByClassName(name)


class _ThreeDWidget:
    def __init__(self, view, widget) -> None:
        self._view, self._render_view = view, _RenderView(view, widget)

    def threeDView(self):
        return self._render_view

    def mrmlViewNode(self):
        return self._view.view_node


class _SliceWidget:
    def __init__(self, view, widget) -> None:
        self._view, self._render_view = view, _RenderView(view, widget)

    def sliceView(self):
        return self._render_view

    def sliceLogic(self):
        return self._view.logic

    def mrmlSliceNode(self):
        return self._view.slice_node


class _LayoutLogic:
    """The part of Slicer's vtkMRMLLayoutLogic the live host reads: its layout node (slicer-core's own), holding
    each layout's description, Slicer's for its layouts (from a layout logic over a scratch scene, so that it
    makes no view nodes in the engine's scene) and the custom layouts' as a SlicerCAT adds them."""

    def __init__(self) -> None:
        from slicer import vtkMRMLLayoutLogic, vtkMRMLLayoutNode, vtkMRMLScene

        scratch, logic = vtkMRMLScene(), vtkMRMLLayoutLogic()
        logic.SetMRMLScene(scratch)
        self.node = vtkMRMLLayoutNode()
        for number in DESKTOP_LAYOUTS:
            description = CUSTOM_DESCRIPTIONS.get(number) or logic.GetLayoutNode().GetLayoutDescription(number)
            self.node.AddLayoutDescription(number, description)
        logic.SetMRMLScene(None)

    def GetLayoutNode(self):
        return self.node


class QtLayoutManager(QObject):
    """The part of Slicer's qMRMLLayoutManager that the live host reads, over this window's views: its
    layout (a number, ``setLayout``), its 3D and slice widgets, ``layoutChanged``. As Slicer's, a layout
    makes the views it needs the first time, hides the others and marks its own mapped in the layout."""

    layoutChanged = Signal(int)

    def __init__(self, engine: SlicerEngine, window: QtHostWindow, widgets: dict[str, _ViewWidget]) -> None:
        super().__init__()
        self._engine, self._window, self._widgets = engine, window, widgets
        self._views = dict(engine.views)
        self._three_d = [_ThreeDWidget(engine.threed_view, widgets[engine.threed_view.name])]
        self._slices = {name: _SliceWidget(view, widgets[name]) for name, view in engine.slice_views.items()}
        self._layout = 0
        self._layout_logic = _LayoutLogic()

    @property
    def layout(self) -> int:
        return self._layout

    def setLayout(self, number: int) -> None:  # Slicer's names
        rows = DESKTOP_LAYOUTS.get(int(number))
        if rows is None or number == self._layout:
            return
        names = {name for row in rows for name in row}
        for name in sorted(names - set(self._views)):
            self._make_view(name)
        for item in range(self._window.grid.count() - 1, -1, -1):
            self._window.grid.takeAt(item)
        stretch = COLUMN_STRETCH.get(int(number), ())
        for column in range(max(len(row) for rows_ in DESKTOP_LAYOUTS.values() for row in rows_)):
            self._window.grid.setColumnStretch(column, stretch[column] if column < len(stretch) else 1)
        self._layout_logic.node.SetViewArrangement(int(number))
        for name, view in self._views.items():
            shown = name in names
            self._widgets[name].setVisible(shown)
            view.view_node.SetMappedInLayout(shown)
            if shown:
                cells = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell == name]
                (top, left), (bottom, right) = min(cells), max(cells)
                self._window.grid.addWidget(self._widgets[name], top, left, bottom - top + 1, right - left + 1)
        self._layout = int(number)
        self.layoutChanged.emit(self._layout)

    def _make_view(self, name: str) -> None:
        view = EXTRA_VIEWS[name](name, self._engine.scene, self._engine.app_logic, self._window.make_window)
        label, color = EXTRA_VIEW_LOOKS[name]
        view.view_node.SetLayoutLabel(label)
        if color is not None:
            view.view_node.SetLayoutColor(*(channel / 255 for channel in color))
        widget = attach_to_desktop(view, self._window)
        self._views[name], self._widgets[name] = view, widget
        if view.kind == "slice":
            # A new slice view shows what the others show (Slicer propagates the selected volume).
            red = self._engine.slice_views[RED].logic.GetSliceCompositeNode()
            view.logic.GetSliceCompositeNode().SetBackgroundVolumeID(red.GetBackgroundVolumeID())
            self._slices[name] = _SliceWidget(view, widget)
        else:
            self._three_d.append(_ThreeDWidget(view, widget))
        QTimer.singleShot(0, view.reset_view)  # fitted once Qt has given it its size

    def layoutLogic(self):  # Slicer's qMRMLLayoutManager::layoutLogic()
        return self._layout_logic

    @property
    def threeDViewCount(self) -> int:
        return len(self._three_d)

    def threeDWidget(self, index: int):
        return self._three_d[index]

    def sliceViewNames(self) -> list[str]:
        return list(self._slices)

    def sliceWidget(self, name: str):
        return self._slices.get(name)


class QtHostWindow(QWidget):
    """Four view widgets in Slicer's conventional four-up layout."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Slicer (Qt test host)")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(2)
        self.widgets: list[_ViewWidget] = []

    def make_window(self, renderer, layers: int):
        """The engine's WindowMaker: a view draws into a new widget of this window."""
        widget = _ViewWidget(self)
        self.widgets.append(widget)
        widget.resize(*VIEW_SIZE_PX)
        window = widget.GetRenderWindow()
        # The engine's views size their MRML state from the window at once (a slice node sized 0 gets a
        # NaN field of view for good): give it the size it will be shown at.
        window.SetSize(*VIEW_SIZE_PX)
        window.SetNumberOfLayers(layers)
        window.AddRenderer(renderer)
        return window, window.GetInteractor()


class TimerJitter:
    """How late a periodic Qt timer on the main thread fires: the desktop's responsiveness."""

    def __init__(self, interval_ms: int = JITTER_INTERVAL_MS) -> None:
        self.interval_s = interval_ms / 1000
        self.lateness_ms: list[float] = []
        self._last = None
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start(interval_ms)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.lateness_ms.append(max(0.0, (now - self._last - self.interval_s) * 1000))
        self._last = now

    def take(self) -> dict:
        values, self.lateness_ms = sorted(self.lateness_ms), []
        if not values:
            return {"ticks": 0}
        return {"ticks": len(values), "p50_ms": round(statistics.median(values), 2),
                "p95_ms": round(values[min(len(values) - 1, round(0.95 * (len(values) - 1)))], 2),
                "max_ms": round(values[-1], 2)}


class RenderTimes:
    """How many renders each view's window made, and their time: where the main thread's time goes."""

    def __init__(self, widgets: dict[str, _ViewWidget]) -> None:
        self._widgets = widgets
        self._watched: set[str] = set()
        self._started: dict[str, float] = {}
        self._figures: dict[str, list] = {}
        self._watch()

    def _watch(self) -> None:
        for name, widget in self._widgets.items():  # views a layout made later too
            if name not in self._watched:
                self._watched.add(name)
                window = widget.GetRenderWindow()
                window.AddObserver("StartEvent", lambda *_a, n=name: self._started.__setitem__(n, time.perf_counter()))
                window.AddObserver("EndEvent", lambda *_a, n=name: self._ended(n))

    def _ended(self, name: str) -> None:
        started = self._started.pop(name, None)
        if started is not None:
            figures = self._figures.setdefault(name, [0, 0.0])
            figures[0] += 1
            figures[1] += (time.perf_counter() - started) * 1000

    def take(self) -> dict:
        self._watch()
        figures, self._figures = self._figures, {}
        return {name: {"count": count, "ms": round(ms, 1)} for name, (count, ms) in sorted(figures.items())}


class DesktopCommands:
    """Reads commands from standard input through a QSocketNotifier (no thread, no blocking)."""

    def __init__(self, host: LiveSlicerHost, widgets: dict[str, _ViewWidget], jitter: TimerJitter, app,
                 layout_manager: QtLayoutManager) -> None:
        self.host, self.widgets, self.jitter, self.app = host, widgets, jitter, app
        self.layout_manager = layout_manager
        self.renders = RenderTimes(widgets)
        self._buffer = b""
        self._notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._on_input)

    def _on_input(self, *_args) -> None:
        data = os.read(sys.stdin.fileno(), 4096)
        if not data:
            self._notifier.setEnabled(False)
            return
        self._buffer += data
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            try:
                self._run(line.decode().split())
            except (ValueError, KeyError, IndexError) as error:
                self._reply({"error": f"{line!r}: {error}"})

    @staticmethod
    def _reply(value: dict) -> None:
        print(json.dumps(value), flush=True)

    def _run(self, words: list[str]) -> None:
        if not words:
            return
        command, args = words[0], words[1:]
        if command == "wheel":
            self._wheel(self.widgets[args[0]], int(args[1]))
        elif command == "drag":
            self._drag(self.widgets[args[0]], int(args[1]), int(args[2]))
        elif command == "layout":
            self._layout(args[0])
        elif command == "look":
            self._look(args[0], args[1], args[2] if len(args) > 2 else None)
        elif command == "state":
            shown = [name for name, widget in self.widgets.items() if widget.isVisible()]
            self._reply({"state": self.host.readouts(), "shown": shown, "layout": self.layout_manager.layout,
                         "threed": self._threed_views()})
            return
        elif command == "jitter":
            self._reply({"jitter": self.jitter.take(), "renders": self.renders.take()})
            return
        elif command == "quit":
            self.app.quit()
        else:
            raise ValueError("unknown command")
        self._reply({"done": command})

    def _look(self, name: str, color: str, label: str | None) -> None:
        """A view's layout colour (``rrggbb``) and label set on its view node after its layout made it, as a
        module of a SlicerCAT may."""
        node = self.host.engine.views[name].view_node
        channels = [int(color[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        node.SetLayoutColor(*channels)
        if label is not None:
            node.SetLayoutLabel(label)

    def _threed_views(self) -> dict:
        """Each 3D view's camera position and background colours (what the 3D panel changes)."""
        views = {}
        for name, view in self.host.engine.views.items():
            if view.kind == "3d":
                camera = view.camera_node
                views[name] = {"position": [round(c, 3) for c in camera.GetPosition()] if camera else None,
                               "background": [round(c, 3) for c in view.view_node.GetBackgroundColor()]}
        return views

    def _layout(self, name: str) -> None:
        """The desktop's layout, as a user picks it from Slicer's layout menu."""
        self.layout_manager.setLayout(LAYOUT_NUMBERS[name])

    @staticmethod
    def _centre(widget) -> QPointF:
        return QPointF(widget.width() / 2, widget.height() / 2)

    def _wheel(self, widget, steps: int) -> None:
        centre = self._centre(widget)
        for _ in range(abs(steps)):
            event = QWheelEvent(centre, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120 if steps > 0 else -120),
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                                False)
            QApplication.sendEvent(widget, event)

    def _drag(self, widget, dx: int, dy: int) -> None:
        start = self._centre(widget)
        left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
        modifiers = Qt.KeyboardModifier.NoModifier

        def send(kind, point, button, buttons):
            QApplication.sendEvent(widget, QMouseEvent(kind, point, widget.mapToGlobal(point), button, buttons,
                                                       modifiers))

        send(QEvent.Type.MouseMove, start, none, none)
        send(QEvent.Type.MouseButtonPress, start, left, left)
        steps = 10
        for i in range(1, steps + 1):
            send(QEvent.Type.MouseMove, start + QPointF(dx * i / steps, dy * i / steps), none, left)
            QApplication.processEvents()
        send(QEvent.Type.MouseButtonRelease, start + QPointF(dx, dy), left, none)


def _resize_slice_node(view, width: int, height: int) -> None:
    # Qt lays a widget out at 0 px first: a slice node sized 0 gets a NaN field of view for good.
    if width >= MIN_VIEW_SIZE_PX and height >= MIN_VIEW_SIZE_PX:
        view.logic.ResizeSliceNode(width, height)
        view.request_render()


def attach_to_desktop(view, window: QtHostWindow) -> _ViewWidget:
    """The widget a view of the engine draws in, set up as a desktop view: no multisampling, redrawn when
    asked, its slice node sized with it."""
    # A software GL (Xvfb's) pays 4x for multisampling at every desktop render; the engine's still
    # frames ask for it, this desktop declines (in Slicer, Slicer's own setting decides).
    view.still_multisamples = 0
    view.render_window.SetMultiSamples(0)
    widget = next(w for w in window.widgets if w.GetRenderWindow() is view.render_window)
    # The desktop redraws when a displayable manager or the slice logic asks (Slicer's render timer).
    view.add_render_listener(lambda _view, w=widget: w.schedule_render())
    if view.kind == "slice":
        widget.on_resize = lambda v=view, w=widget: _resize_slice_node(v, w.width(), w.height())
    return widget


def build(data: list[str]):
    """The window, its engine (views in the window's widgets) and the live host over them."""
    window = QtHostWindow()
    engine = SlicerEngine(window_maker=window.make_window)
    widgets = {name: attach_to_desktop(view, window) for name, view in engine.views.items()}
    # The files are opened by the engine's own loading, as the headless app opens them.
    loader = SceneSession(engine)
    if data:
        loader.open_paths(data)
    else:
        loader.open_sample()
    layout_manager = QtLayoutManager(engine, window, widgets)
    layout_manager.setLayout(FIRST_LAYOUT)
    live = LiveEngine(engine.scene, engine.app_logic, layout_manager)
    return window, engine, widgets, LiveSlicerHost(live), layout_manager


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="*", default=[])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--qt-loop", choices=("notifier", "timer"), default="notifier")
    parser.add_argument("--secret", default=None, help="the page must present it (?secret=...)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log.setLevel(logging.INFO)
    if not os.environ.get("DISPLAY"):
        print("qt_host: needs an X display (run it under xvfb-run)", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(["slicer-qt-host"])
    window, engine, widgets, host, layout_manager = build(args.data)
    window.show()
    app.processEvents()
    engine.reset_views()  # fitted to the views' desktop sizes, known once shown
    served = QtServedApp(host, QtCore, app, port=args.port, driver=args.qt_loop, secret=args.secret)
    port = served.start()
    jitter = TimerJitter()
    _commands = DesktopCommands(host, widgets, jitter, app, layout_manager)
    print(f"App running at http://127.0.0.1:{port}/", flush=True)
    app.exec()
    served.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
