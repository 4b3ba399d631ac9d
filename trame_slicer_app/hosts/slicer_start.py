"""Serve the running Slicer (or SlicerCAT) to browsers, from Slicer's own Python.

    import trame_slicer_app.hosts.slicer_start as web
    url = web.start(port=8080, secret="a-long-random-word")   # http://127.0.0.1:8080/?secret=...
    web.stop()

Everything runs on Slicer's main thread, stepped by Qt (qt_asyncio.py); ``start`` returns at once.
Only this module and live_views.py read Slicer's application objects (``slicer.app``,
``slicer.mrmlScene``, ``slicer.app.layoutManager()``); it is imported only inside Slicer.
Not run inside a real Slicer here (see README): the same host code runs in the Qt test host.
"""

from __future__ import annotations

import secrets

# Slicer's layout number for its conventional four-up layout (vtkMRMLLayoutNode::SlicerLayoutFourUpView).
FOUR_UP_LAYOUT = 3

_served = None
_own_layout_widget = None  # kept alive: with --no-main-window Slicer has no layout manager of its own


class SlicerHostError(RuntimeError):
    pass


def _layout_manager():
    """The application's layout manager; without a main window (``--no-main-window``, one SlicerCAT
    process per web session), a layout widget of our own over the application's scene."""
    global _own_layout_widget
    import slicer

    manager = slicer.app.layoutManager()
    if manager is not None:
        return manager
    if _own_layout_widget is None:
        widget = slicer.qMRMLLayoutWidget()
        widget.setMRMLScene(slicer.mrmlScene)
        widget.setLayout(FOUR_UP_LAYOUT)
        widget.resize(1200, 900)
        widget.show()  # views render only while shown (a virtual X display serves on a server)
        _own_layout_widget = widget
    return _own_layout_widget.layoutManager()


def start(port: int = 8080, secret: str | None = None, driver: str = "notifier") -> str:
    """Serve the scene and the layout's 3D and slice views on loopback ``port``; returns the page's
    address (with the secret the page must present; one is made when none is given)."""
    global _served
    import qt
    import slicer

    from .live_engine import LiveEngine
    from .live_host import LiveSlicerHost
    from .qt_serving import QtServedApp

    if _served is not None:
        raise SlicerHostError(f"already serving at {_served.url}")
    secret = secret or secrets.token_urlsafe(16)
    engine = LiveEngine(slicer.mrmlScene, slicer.app.applicationLogic(), _layout_manager())
    served = QtServedApp(LiveSlicerHost(engine), qt, slicer.app, port=port, driver=driver, secret=secret)
    served.start()
    _served = served
    return f"{served.url}?secret={secret}"


def serve_session(port: int, secret_file: str) -> str:
    """One web session's SlicerCAT, started by the many-users launcher (``--slicer-command``) as
    ``SlicerCAT --no-main-window --no-splash --python-code "...serve_session(PORT, 'SECRET_FILE')"``: the
    secret comes from a file only this user reads (never the command line); the launcher's ready line
    goes to the process's own standard output (Slicer's Python console takes ``print``)."""
    import os
    from pathlib import Path

    secret = Path(secret_file).read_text(encoding="utf-8").strip()
    if not secret:
        raise SlicerHostError(f"no secret in {secret_file}")
    start(port=port, secret=secret)
    url = f"http://127.0.0.1:{_served.server.port}/"
    os.write(1, f"App running at {url}\n".encode())
    return url


def stop() -> None:
    global _served
    if _served is not None:
        served, _served = _served, None
        served.stop()


def is_serving() -> bool:
    return _served is not None
