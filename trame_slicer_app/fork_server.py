"""Pooled app processes forked from one process that has already imported the engine.

The launcher (trame_slicer_app/launcher/fork_client.py) starts this once with one end of a Unix
socket; it imports the app (Python, trame, VTK, MRML: ~100 MB of heap, docs/decisions/0022) and
then forks an app process for each request. The forks share those pages copy-on-write instead of
each holding a copy of its own, and skip the imports (seconds of CPU).

What must not happen before the fork, and does not: no thread of ours or the engine's runs (the
imports start only OpenBLAS's pool, which OpenBLAS itself stops around a fork), no EGL or GL
display is opened (each app process makes its views after the fork), no ITK or VTK thread pool
exists yet (they start on first use, in the app process), no event loop runs.

Each app process is forked twice (this process, then a short-lived middle one that exits at once),
so that it becomes the launcher's child (the launcher is a child subreaper): it outlives a crash of
this process, the launcher reaps it and reads its exit status, and Linux sends it SIGTERM when the
launcher dies (``PR_SET_PDEATHSIG``, set once it has been adopted).

Requests: one datagram each (``SOCK_SEQPACKET``), JSON ``{"argv", "cwd", "env"}`` with one file
descriptor (where its output goes); answer ``{"pid": n}`` or ``{"error": "..."}``. The first
datagram this process sends is ``{"ready": true}``, once the imports are done."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import json
import os
import signal
import socket
import sys
import tempfile
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
MAX_REQUEST_BYTES = 256 * 1024
ADOPTION_WAIT_S = 5.0


def _prctl_death_signal() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _import_the_app():
    """What every app process imports; nothing here starts a thread of its own or opens a display."""
    from trame_slicer_app.__main__ import main
    from trame_slicer_app.native_heap import keep_heap_compact

    keep_heap_compact()  # the heap's settings, inherited by every fork
    # Modules the app imports later, as it starts: loaded once here, shared by every fork.
    import PIL.Image
    import trame_client.module.vue3  # noqa: F401
    import trame_server.utils.server  # noqa: F401
    import wslink.backends.aiohttp  # noqa: F401

    from trame_slicer_app.load_time_pages import give_back_load_time_pages
    from trame_slicer_app.web.features import feature_classes

    PIL.Image.init()  # its image plugins (the JPEG encoder, screenshots)
    feature_classes()  # the web features' modules
    give_back_load_time_pages(code=True)  # the tables only loading read: no fork needs them mapped either
    return main


def _run_app(main, request: dict, output_fd: int, launcher_pid: int, middle_pid: int) -> None:
    """In the app process: its own session, output, folder and environment, then the app itself."""
    os.setsid()  # its own process group: the launcher signals it and its sandboxed readers together
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(null)
    os.close(output_fd)
    for stream in (sys.stdout, sys.stderr):  # fds 1 and 2 are its output now: each line as it comes
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None  # its TMPDIR (the session's folder), not the one seen before the fork
    # Wait to be adopted by the launcher (the middle process exits at once), then end with it.
    deadline = time.monotonic() + ADOPTION_WAIT_S
    while os.getppid() == middle_pid and time.monotonic() < deadline:
        time.sleep(0.001)
    _prctl_death_signal()
    if os.getppid() != launcher_pid:  # the launcher is gone already, or did not adopt us
        os._exit(1)
    sys.argv = [sys.argv[0], *request["argv"]]
    code = 1
    try:
        code = main(request["argv"]) or 0
    except SystemExit as stop:
        code = 0 if stop.code is None else stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # its traceback goes to its own log, as an exec'd app's would
        import traceback

        traceback.print_exc()
    finally:
        # What an interpreter's exit would run; then out at once (never back up the forks' stack).
        with contextlib.suppress(Exception):
            atexit._run_exitfuncs()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
    os._exit(code)


def _fork_app(main, channel: socket.socket, request: dict, output_fd: int, launcher_pid: int) -> int:
    """Forks the app process (through a middle process, see the module's docstring); its pid."""
    pid_read, pid_write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    middle = os.fork()
    if middle == 0:
        try:
            os.close(pid_read)
            app = os.fork()
            if app == 0:
                os.close(pid_write)
                channel.close()
                _run_app(main, request, output_fd, launcher_pid, os.getppid())
            os.write(pid_write, str(app).encode())
        finally:
            os._exit(0)
    os.close(pid_write)
    os.close(output_fd)
    with os.fdopen(pid_read, "rb") as answer:
        text = answer.read()
    os.waitpid(middle, 0)
    if not text:
        raise OSError("the app process could not be forked")
    return int(text)


def _valid_request(request) -> bool:
    return (isinstance(request, dict) and isinstance(request.get("cwd"), str)
            and isinstance(request.get("argv"), list) and all(isinstance(a, str) for a in request["argv"])
            and isinstance(request.get("env"), dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in request["env"].items()))


def serve(channel: socket.socket, launcher_pid: int) -> int:
    main = _import_the_app()
    # Objects made so far are never collected: the collector would otherwise write to every one of
    # them in each app process and so copy the pages they share.
    gc.collect()
    gc.freeze()
    channel.send(json.dumps({"ready": True}).encode())
    while True:
        try:
            data, fds, _flags, _address = socket.recv_fds(channel, MAX_REQUEST_BYTES, 1)
        except OSError:
            return 1
        if not data:  # the launcher closed its end: it is stopping
            return 0
        try:
            request = json.loads(data)
            if not _valid_request(request) or len(fds) != 1:
                raise ValueError("a malformed request")
            answer = {"pid": _fork_app(main, channel, request, fds[0], launcher_pid)}
        except (OSError, ValueError) as error:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            answer = {"error": str(error)}
        channel.send(json.dumps(answer).encode())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _prctl_death_signal()  # it ends with the launcher
    launcher_pid = os.getppid()
    channel = socket.socket(fileno=int(argv[0]))
    return serve(channel, launcher_pid)


if __name__ == "__main__":
    sys.exit(main())
