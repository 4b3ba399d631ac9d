"""The launcher's side of the fork server (trame_slicer_app/fork_server.py): starts it, asks it for
app processes, watches them, and notices when it dies.

The fork server is started by its command line, never imported here (the launcher imports no engine).
Its app processes become the launcher's children (the launcher is a child subreaper), so the launcher
reaps them through a pidfd and reads their exit status as it would a process it started itself; a
crash of the fork server leaves them running. While it is down (starting, crashed, restarting),
app processes are started the ordinary way."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import signal
import socket
import sys

log = logging.getLogger(__name__)

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
ANSWER_BYTES = 4096
READY_TIMEOUT_S = 120.0
ANSWER_TIMEOUT_S = 30.0
RESTART_DELAY_S = 5.0


def become_subreaper() -> bool:
    """Orphans below the launcher (the fork server's app processes) become its children."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(known: set[int]) -> int:
    """Reaps the launcher's exited children that nobody waits for: as a subreaper it also adopts the
    orphans below it (the sandboxed readers of an app process that was killed with them), which would
    otherwise stay zombies for the launcher's lifetime. ``known``: the pids that are waited for
    elsewhere (asyncio's own children, the forked app processes). How many were reaped."""
    me = os.getpid()
    reaped = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in known:
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if fields[0] == b"Z" and int(fields[1]) == me:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(int(entry.name), os.WNOHANG)[0]:
                    reaped += 1
    return reaped


class ForkedProcess:
    """An app process from the fork server, with what AppProcess uses of asyncio's Process:
    ``pid``, ``returncode``, ``stdout`` (its output) and ``wait()``."""

    def __init__(self, pid: int, stdout: asyncio.StreamReader) -> None:
        self.pid = pid
        self.stdout = stdout
        self.returncode: int | None = None
        self._exited = asyncio.Event()
        self._pidfd = os.pidfd_open(pid)
        asyncio.get_running_loop().add_reader(self._pidfd, self._on_exit)

    def _on_exit(self) -> None:
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._pidfd)
        try:
            status = os.waitid(os.P_PIDFD, self._pidfd, os.WEXITED)
            if status is not None:
                self.returncode = status.si_status if status.si_code == os.CLD_EXITED else -status.si_status
        except ChildProcessError:  # not ours to reap (the launcher could not become a subreaper)
            self.returncode = -1
        finally:
            os.close(self._pidfd)
            self._exited.set()

    async def wait(self) -> int | None:
        await self._exited.wait()
        return self.returncode


class ForkServer:
    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._channel: socket.socket | None = None
        self._ready = asyncio.Event()
        self._lock = asyncio.Lock()  # one request at a time on the socket
        self._watch: asyncio.Task | None = None
        self._closing = False
        self.restarts = 0
        self.subreaper = False

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def wait_ready(self, timeout_s: float) -> bool:
        """While it is starting, until it is ready (its forks share its pages; a process started
        meanwhile would not); at once when it is down or not used."""
        if self._process is None or self._process.returncode is not None or self._closing:
            return self.ready
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout_s)
        return self.ready

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        self.subreaper = become_subreaper()
        if not self.subreaper:
            log.warning("the launcher could not become a child subreaper; app processes are started without "
                        "the fork server")
            return
        await self._start_process()

    async def _start_process(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ours.setblocking(False)
        self._channel = ours
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "trame_slicer_app.fork_server", str(theirs.fileno()),
            pass_fds=(theirs.fileno(),), stdin=asyncio.subprocess.DEVNULL,
            env=dict(os.environ, TRAME_SERVER="1"),
        )
        theirs.close()
        self._watch = asyncio.ensure_future(self._follow())

    async def _follow(self) -> None:
        """Ready when it says so; when it exits, the launcher says so and starts another a little later."""
        process, channel = self._process, self._channel
        try:
            first = await asyncio.wait_for(asyncio.get_running_loop().sock_recv(channel, ANSWER_BYTES),
                                           READY_TIMEOUT_S)
            if json.loads(first or b"{}").get("ready"):
                self._ready.set()
                log.info("fork server ready (pid %d)", process.pid)
        except (asyncio.TimeoutError, OSError, ValueError):
            log.warning("the fork server did not get ready")
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        code = await process.wait()
        self._ready.clear()
        channel.close()
        if self._closing:
            return
        self.restarts += 1
        log.warning("the fork server stopped (exit status %s); app processes start without it until "
                    "another is ready", code)
        await asyncio.sleep(RESTART_DELAY_S)
        if not self._closing:
            await self._start_process()

    async def spawn(self, argv: list[str], cwd: str, env: dict[str, str]) -> ForkedProcess | None:
        """An app process forked with these arguments, folder and environment; None if the fork
        server cannot give one now (the caller starts it the ordinary way)."""
        if not self.ready:
            return None
        read_end, write_end = os.pipe()
        try:
            async with self._lock:
                if not self.ready:
                    return None
                request = json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode()
                socket.send_fds(self._channel, [request], [write_end])
                answer = json.loads(await asyncio.wait_for(
                    asyncio.get_running_loop().sock_recv(self._channel, ANSWER_BYTES), ANSWER_TIMEOUT_S) or b"{}")
        except (OSError, ValueError, asyncio.TimeoutError) as error:
            # Its answers may now be out of step with the requests: another one starts instead.
            log.warning("the fork server did not answer (%s); it is restarted", type(error).__name__)
            self._ready.clear()
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            os.close(read_end)
            return None
        finally:
            os.close(write_end)
        if "pid" not in answer:
            log.warning("the fork server could not fork an app process")
            os.close(read_end)
            return None
        reader = asyncio.StreamReader()
        await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_end, "rb", buffering=0))
        return ForkedProcess(int(answer["pid"]), reader)

    async def close(self) -> None:
        self._closing = True
        if self._watch is not None:
            self._watch.cancel()
        if self._channel is not None:
            self._channel.close()  # it ends when its socket closes
        if self._process is not None and self._process.returncode is None:
            try:
                await asyncio.wait_for(self._process.wait(), 5)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self._process.send_signal(signal.SIGKILL)
                await self._process.wait()
