"""asyncio stepped by Qt's event loop (trame_slicer_app/hosts/qt_asyncio.py): sockets, timers and work
finished on other threads all reach their callbacks, on the Qt main thread, with either driver.
A QCoreApplication (PySide6, the qt-host extra) needs no display."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

QtCore = pytest.importorskip("PySide6.QtCore", reason="the qt-host extra (PySide6) is not installed")

from trame_slicer_app.hosts.qt_asyncio import DRIVERS, make_driver, run_until_complete  # noqa: E402

RUN_TIMEOUT_S = 20


@pytest.fixture(scope="module")
def qt_app():
    return QtCore.QCoreApplication.instance() or QtCore.QCoreApplication(["qt-asyncio-test"])


def run_in_qt(qt_app, driver, coroutine_function):
    """Qt's own event loop runs (app.exec) until the coroutine is done; its result."""
    outcome = {}

    async def main():
        try:
            outcome["value"] = await coroutine_function()
        except Exception as error:  # handed to the test below
            outcome["error"] = error
        finally:
            qt_app.quit()

    driver.start()
    driver.loop.create_task(main())
    guard = QtCore.QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(qt_app.quit)
    guard.start(RUN_TIMEOUT_S * 1000)
    qt_app.exec()
    guard.stop()
    driver.close()
    if "error" in outcome:
        raise outcome["error"]
    assert "value" in outcome, "the coroutine did not finish while Qt ran"
    return outcome["value"]


@pytest.mark.parametrize("kind", sorted(DRIVERS))
def test_a_socket_echo_timers_and_executor_work_run_on_the_qt_thread(qt_app, kind):
    driver = make_driver(QtCore, kind)
    main_thread = threading.get_ident()
    seen_threads = set()

    async def handle(reader, writer):
        seen_threads.add(threading.get_ident())
        writer.write(await reader.readline())
        await writer.drain()
        writer.close()

    async def scenario():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"ping\n")
        await writer.drain()
        echoed = await reader.readline()
        writer.close()
        started = time.monotonic()
        await asyncio.sleep(0.05)
        slept = time.monotonic() - started
        # Work finished on another thread wakes the loop through its self-pipe (a socket Qt watches).
        computed = await asyncio.get_running_loop().run_in_executor(None, sum, range(1000))
        seen_threads.add(threading.get_ident())
        server.close()
        await server.wait_closed()
        return echoed, slept, computed

    echoed, slept, computed = run_in_qt(qt_app, driver, scenario)
    assert echoed == b"ping\n"
    assert slept >= 0.05
    assert computed == sum(range(1000))
    assert seen_threads == {main_thread}


def test_an_unknown_driver_is_refused():
    with pytest.raises(ValueError, match="notifier"):
        make_driver(QtCore, "threads")


def test_run_until_complete_returns_the_result_while_qt_processes_events(qt_app):
    driver = make_driver(QtCore, "notifier")
    driver.start()

    async def answer():
        await asyncio.sleep(0.01)
        return 42

    try:
        assert run_until_complete(driver, answer(), qt_app) == 42
    finally:
        driver.close()
