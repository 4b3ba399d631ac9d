"""The web app served from inside a running Qt application, on its main thread.

Shared by the Qt test host and Slicer: builds the trame server and the web app over a host, and runs
the server's asyncio loop through a Qt driver (qt_asyncio.py). ``start`` returns at once; the
server then runs as long as Qt's event loop does, until ``stop``.
"""

from __future__ import annotations

import logging
import os
import sys
from itertools import count

from .qt_asyncio import make_driver, run_until_complete

log = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"
_server_names = count(1)


class QtServedApp:
    """The web app over ``host``, its server listening on loopback ``port`` (0: any free one)."""

    def __init__(self, host, qt_core, qt_app, port: int = 0, driver: str = "notifier",
                 secret: str | None = None) -> None:
        from trame.app import get_server

        from ..app import SlicerWebApp

        os.environ.setdefault("WSLINK_WS_COMPRESS", "0")  # JPEG frames do not deflate (decision 0005)
        self.qt_app = qt_app
        self.driver = make_driver(qt_core, driver)
        self.driver.start()  # the app's constructor looks the loop up
        self.server = get_server(f"slicer-host-{next(_server_names)}", client_type="vue3")
        self.web_app = SlicerWebApp(self.server, host)
        self._port = port
        self._secret = secret

    def start(self) -> int:
        """Listen; returns the port."""
        # trame reads its options from the command line, which is Slicer's own here: give it none.
        argv, sys.argv = sys.argv, [sys.argv[0] if sys.argv else "slicer"]
        if self._secret:
            sys.argv += ["--authKey", self._secret]
        try:
            task = self.server.start(port=self._port, host=LOOPBACK, exec_mode="task", open_browser=False,
                                     show_connection_info=False, timeout=0, disable_logging=True)
        finally:
            sys.argv = argv
        async def ready():
            await self.server.ready

        run_until_complete(self.driver, ready(), self.qt_app)
        if task.done() and task.exception() is not None:
            raise task.exception()
        log.info("serving the views at http://%s:%d/", LOOPBACK, self.server.port)
        return self.server.port

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server.port}/"

    def stop(self) -> None:
        if self.web_app.streamer is not None:
            run_until_complete(self.driver, self.web_app.streamer.stop(), self.qt_app)
        run_until_complete(self.driver, self.server.stop(), self.qt_app)
        self.driver.close()
