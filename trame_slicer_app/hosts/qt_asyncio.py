"""asyncio on the Qt main thread: the web server's loop stepped by Qt's own event loop.

VTK, MRML and rendering stay on Slicer's main thread, and so do the web server's callbacks (trame's
state handlers touch MRML): no callback ever runs on another thread. Qt never waits on asyncio and
asyncio never blocks Qt: each step runs the callbacks that are ready, its selector polled without
waiting, for at most ``STEP_BUDGET_S`` before Qt gets its turn back.

Two ways of knowing when to step (measured against each other in docs/decisions/0023-slicer-host.md):

- ``NotifierDriver``: a QSocketNotifier on each socket the loop watches (its selector mirrors them,
  as Slicer's WebServer module watches its sockets) and a single-shot QTimer for the loop's next
  timer. Idle costs nothing; a message is handled as soon as Qt sees its socket.
- ``TimerDriver``: a QTimer polls the loop every ``interval_ms``. Simplest; wakes the main thread
  for nothing when idle, and a message waits up to one interval.

``qt_core`` is the Qt module offering QTimer and QSocketNotifier: PySide6.QtCore in the Qt test
host, Slicer's ``qt`` (PythonQt) inside Slicer; both connect signals as ``signal.connect(callable)``.

Stepping a loop from outside uses ``BaseEventLoop._run_once``, asyncio's own one-iteration step
(private, unchanged since Python 3.4; the Qt-asyncio bridges do the same).
"""

from __future__ import annotations

import asyncio
import contextlib
import selectors
import time

STEP_BUDGET_S = 0.008  # the longest the loop runs before Qt gets its turn (a 120 Hz frame)
DEFAULT_POLL_MS = 2


def _notifier_type(qt_core, name: str):
    notifier = qt_core.QSocketNotifier
    # PythonQt spells Qt's enums flat (QSocketNotifier.Read, which is 0), PySide6 scoped (.Type.Read).
    flat = getattr(notifier, name, None)
    return flat if flat is not None else getattr(notifier.Type, name)


class _PollingSelector(selectors.DefaultSelector):
    """The loop's selector that never waits: Qt does the waiting. Records the timeout the loop asked
    for (its next timer) and tells ``on_change`` of every socket registered, changed or dropped."""

    def __init__(self) -> None:
        super().__init__()
        self.asked_timeout: float | None = None
        self.on_change = None

    def select(self, timeout=None):
        self.asked_timeout = timeout
        return super().select(0)

    def register(self, fileobj, events, data=None):
        key = super().register(fileobj, events, data)
        if self.on_change is not None:
            self.on_change(key.fd, events)
        return key

    def unregister(self, fileobj):
        key = super().unregister(fileobj)
        if self.on_change is not None:
            self.on_change(key.fd, 0)
        return key

    def modify(self, fileobj, events, data=None):
        key = super().modify(fileobj, events, data)
        if self.on_change is not None:
            self.on_change(key.fd, events)
        return key


class _Driver:
    """Steps ``loop`` from the Qt main thread."""

    def __init__(self, qt_core) -> None:
        self.qt_core = qt_core
        self.selector = _PollingSelector()
        self.loop = asyncio.SelectorEventLoop(self.selector)
        self.steps = 0
        self._closed = False

    def step(self) -> bool:
        """Run what is ready, for at most STEP_BUDGET_S. True when more is ready already."""
        if self._closed:
            return False
        started = time.perf_counter()
        previous = asyncio.events._get_running_loop()
        asyncio.events._set_running_loop(self.loop)
        try:
            while True:
                self.loop._run_once()
                self.steps += 1
                more = self.selector.asked_timeout == 0 or bool(self.loop._ready)
                if not more or time.perf_counter() - started > STEP_BUDGET_S:
                    return more
        finally:
            asyncio.events._set_running_loop(previous)

    def start(self) -> None:
        asyncio.set_event_loop(self.loop)

    def close(self) -> None:
        self._closed = True


class NotifierDriver(_Driver):
    def __init__(self, qt_core) -> None:
        super().__init__(qt_core)
        self._notifiers: dict[tuple[int, str], object] = {}
        self._timer = qt_core.QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_wake)
        self.selector.on_change = self._watch
        # The loop's own self-pipe (call_soon_threadsafe, finished executor jobs) was registered
        # before the callback was set.
        for key in self.selector.get_map().values():
            self._watch(key.fd, key.events)

    def _watch(self, fd: int, events: int) -> None:
        for kind, flag in (("Read", selectors.EVENT_READ), ("Write", selectors.EVENT_WRITE)):
            wanted = bool(events & flag)
            notifier = self._notifiers.get((fd, kind))
            if wanted and notifier is None:
                notifier = self.qt_core.QSocketNotifier(fd, _notifier_type(self.qt_core, kind))
                notifier.activated.connect(self._on_socket)
                self._notifiers[(fd, kind)] = notifier
            elif not wanted and notifier is not None:
                notifier.setEnabled(False)
                del self._notifiers[(fd, kind)]
                notifier.deleteLater()

    def _on_socket(self, *_args) -> None:
        self._on_wake()

    def _on_wake(self) -> None:
        more = self.step()
        timeout = 0 if more else self.selector.asked_timeout
        if self._closed:
            return
        if timeout is None:
            self._timer.stop()  # sockets alone wake it
        else:
            # Qt's timers count whole milliseconds: round up, or a timer due in 0.4 ms spins.
            self._timer.start(max(0, int(timeout * 1000 + 0.999)))

    def start(self) -> None:
        super().start()
        self._timer.start(0)

    def close(self) -> None:
        super().close()
        self._timer.stop()
        for notifier in self._notifiers.values():
            notifier.setEnabled(False)
        self._notifiers.clear()


class TimerDriver(_Driver):
    def __init__(self, qt_core, interval_ms: int = DEFAULT_POLL_MS) -> None:
        super().__init__(qt_core)
        self._timer = qt_core.QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.step)

    def start(self) -> None:
        super().start()
        self._timer.start()

    def close(self) -> None:
        super().close()
        self._timer.stop()


DRIVERS = {"notifier": NotifierDriver, "timer": TimerDriver}


def make_driver(qt_core, kind: str = "notifier") -> _Driver:
    if kind not in DRIVERS:
        raise ValueError(f"Qt loop driver must be one of {sorted(DRIVERS)}, not {kind!r}")
    return DRIVERS[kind](qt_core)


def run_until_complete(driver: _Driver, awaitable, qt_app, timeout_s: float = 10.0):
    """Run ``awaitable`` on the driven loop while Qt processes events (for start and stop)."""
    future = asyncio.ensure_future(awaitable, loop=driver.loop)
    deadline = time.monotonic() + timeout_s
    while not future.done():
        qt_app.processEvents()
        driver.step()
        if time.monotonic() > deadline:
            future.cancel()
            break
        time.sleep(0.001)
    with contextlib.suppress(asyncio.CancelledError):
        return future.result()
