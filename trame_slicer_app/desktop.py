"""Desktop mode (``--app``): trame opens the page in a native window through pywebview.

On Linux the window is Qt WebEngine (PyQt6 wheels, the ``desktop`` extra): pywebview's other
backend, GTK, needs Debian's python3-gi and WebKitGTK, which a venv's Python cannot import.
Everything here is checked before the engine starts, so a missing piece is a message and exit 2,
not a server left running with no window.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import logging
import multiprocessing
import multiprocessing.util  # registers its at-exit join of child processes before ours (atexit is LIFO)
import os
import sys

log = logging.getLogger(__name__)

DESKTOP_EXTRA = "trame-slicer-app[desktop]"
WINDOW_SIZE = (1400, 900)
LINUX = sys.platform.startswith("linux")
WINDOW_CLOSE_WAIT_S = 5.0
WINDOW_WATCH_INTERVAL_S = 1.0
INSTALL_HINT = (
    f"install them with: pip install '{DESKTOP_EXTRA}' (in a checkout, scripts/run-app.sh --app installs it, "
    "and on Debian/Ubuntu the system libraries Qt needs: scripts/setup-system.sh --desktop); "
    "or run without --app and open the printed address in a browser"
)


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or set to None in sys.modules
        return False


def desktop_problem() -> str | None:
    """Why ``--app`` cannot open a window here, or None."""
    missing = [name for name in ("webview",) if not _importable(name)]
    if LINUX and not os.environ.get("PYWEBVIEW_GUI"):
        missing += [name for name in ("qtpy", "PyQt6.QtWebEngineWidgets") if not _importable(name)]
    if missing:
        names = {"webview": "pywebview", "qtpy": "QtPy", "PyQt6.QtWebEngineWidgets": "PyQt6-WebEngine"}
        return f"--app (desktop mode) needs {', '.join(names[m] for m in missing)}; {INSTALL_HINT}"
    if LINUX and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("--app (desktop mode) needs a display (DISPLAY or WAYLAND_DISPLAY is not set); "
                "on a machine without one, run without --app and open the printed address in a browser")
    return None


def prepare_desktop_rendering() -> None:
    """Before the engine makes its views: render them through X11, not EGL. The window is a process
    forked from the server, and Qt cannot make its GL contexts in a process forked after EGL was set
    up (Mesa's llvmpipe: "Failed to make context current", and no window ever shows). Desktop mode has
    a display, so X11 off-screen windows are there to use."""
    if os.environ.get("VTK_DEFAULT_OPENGL_WINDOW") == "vtkEGLRenderWindow":
        log.warning("desktop mode renders through X11: VTK_DEFAULT_OPENGL_WINDOW=vtkEGLRenderWindow ignored")
        del os.environ["VTK_DEFAULT_OPENGL_WINDOW"]


def desktop_start_options() -> dict:
    """What ``server.start`` passes on to pywebview's window, and the environment Qt reads."""
    if LINUX and hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium (inside Qt WebEngine) refuses to run as root with its sandbox on; the window
        # only shows this app's own page from the local server.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    width, height = WINDOW_SIZE
    options = {"width": width, "height": height}
    if LINUX and not os.environ.get("PYWEBVIEW_GUI"):
        options["gui"] = "qt"  # pywebview would try GTK first, which a venv does not have
    return options


def tie_window_to_server(server) -> None:
    """trame stops the server when the window is closed; this does the other half. When the server
    stops (Ctrl+C, SIGTERM) the window is closed: without it, Python's exit would wait for the window's
    process forever, and that process, busy in Qt's loop, does not answer SIGTERM. When the window's
    process ends without closing (it crashed), the server stops instead of serving no one."""
    ctrl = server.controller
    watchers: set[asyncio.Task] = set()  # the loop keeps only weak references to its tasks

    def watch(**_) -> None:
        task = asyncio.get_running_loop().create_task(_stop_when_the_window_dies(server))
        watchers.add(task)
        task.add_done_callback(watchers.discard)

    ctrl.on_server_ready.add(watch)
    ctrl.on_server_exited.add(lambda **_: close_windows(ctrl))
    atexit.register(close_windows, ctrl)


async def _stop_when_the_window_dies(server) -> None:
    # trame starts the window's process in its own on_server_ready callback, which runs in the same
    # call as the one that made this task, so the first look (after a pause) finds it, or finds it dead.
    while True:
        await asyncio.sleep(WINDOW_WATCH_INTERVAL_S)
        if not multiprocessing.active_children():
            break
    log.warning("the desktop window's process ended; stopping the server")
    await server.stop()


def close_windows(ctrl) -> None:
    children = multiprocessing.active_children()
    if not children:
        return
    if ctrl.pywebview_window_call.exists():
        ctrl.pywebview_window_call("destroy")  # the window process reads it within 0.5 s and closes
    for child in children:
        child.join(WINDOW_CLOSE_WAIT_S)
        if child.is_alive():
            log.warning("the desktop window did not close; killing its process")
            child.kill()
            child.join(WINDOW_CLOSE_WAIT_S)
