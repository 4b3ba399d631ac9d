"""One app process on a loopback port: started, watched until ready, measured, stopped.

Its secret reaches it through a file only it and we can read (never its command line, which
every local user can list), and its temporary files (uploads, downloads, unpacked archives)
go into its own folder through TMPDIR, removed with it."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import shutil
import signal
import sys
import time
from pathlib import Path

from .fork_client import ForkedProcess, ForkServer

log = logging.getLogger(__name__)

READY_LINE = b"App running at"  # trame's banner once the websocket listens
STOP_GRACE_S = 5.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _end_with_the_launcher() -> None:
    """In the child before it runs: Linux sends it SIGTERM when the launcher dies, however it dies
    (an app process left behind would hold its memory and files with nobody to end it)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class AppProcess:
    def __init__(self, name: str, port: int, secret: str, folder: Path, app_args: tuple[str, ...],
                 fork_server: ForkServer | None = None, slicer_command: tuple[str, ...] = ()) -> None:
        self.name = name
        self.fork_server = fork_server
        self.port = port
        self.secret = secret
        self.folder = folder
        self.app_args = app_args
        self.slicer_command = slicer_command
        self.process: asyncio.subprocess.Process | ForkedProcess | None = None
        self.forked = False  # from the fork server (sharing its imported pages) or started on its own
        self.ready = asyncio.Event()
        self.ended = asyncio.Event()
        self.started_at = time.monotonic()
        self.ready_at: float | None = None
        self._output_task: asyncio.Task | None = None

    async def start(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True)
        temp = self.folder / "tmp"
        temp.mkdir(mode=0o700)
        secret_file = self.folder / "secret"
        secret_file.touch(mode=0o600)
        secret_file.write_text(self.secret, encoding="utf-8")
        env = dict(os.environ, TMPDIR=str(temp), TRAME_SERVER="1")
        if self.fork_server is not None and not self.slicer_command:  # a SlicerCAT is never forked
            self.process = await self.fork_server.spawn(self._app_argv(secret_file), str(self.folder), env)
            self.forked = self.process is not None
        if self.process is None:
            self.process = await asyncio.create_subprocess_exec(
                *self.command(secret_file), stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, cwd=str(self.folder), env=env,
                start_new_session=True,  # its own process group: its sandboxed readers end with it
                preexec_fn=_end_with_the_launcher,
            )
        self._output_task = asyncio.ensure_future(self._follow_output())

    def command(self, secret_file: Path) -> list[str]:
        """This package's app, or a Slicer (SlicerCAT) without a main window serving its own scene and views
        (hosts/slicer_start.py's ``serve_session``, which prints the same ready line)."""
        if self.slicer_command:
            code = ("import trame_slicer_app.hosts.slicer_start as web; "
                    f"web.serve_session({self.port}, {str(secret_file)!r})")
            return [*self.slicer_command, "--no-main-window", "--no-splash", *self.app_args, "--python-code", code]
        return [sys.executable, "-m", "trame_slicer_app", *self._app_argv(secret_file)]

    def _app_argv(self, secret_file: Path) -> list[str]:
        """This package's app's arguments, started on its own or forked from the fork server."""
        return ["--server", "--host", "127.0.0.1", "--port", str(self.port), "--authKeyFile", str(secret_file),
                "--timeout", "0", *self.app_args]

    async def _follow_output(self) -> None:
        # The app's output stays in its own folder (it may name the user's files) and goes with it.
        assert self.process is not None and self.process.stdout is not None
        with open(self.folder / "app.log", "ab") as out:
            async for line in self.process.stdout:
                out.write(line)
                out.flush()
                if not self.ready.is_set() and READY_LINE in line:
                    self.ready_at = time.monotonic()
                    self.ready.set()
        await self.process.wait()
        self.ended.set()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None and not self.ended.is_set()

    async def wait_ready(self, timeout_s: float) -> bool:
        """True once it serves; False if it ended or timed out first."""
        ready = asyncio.ensure_future(self.ready.wait())
        ended = asyncio.ensure_future(self.ended.wait())
        _done, pending = await asyncio.wait({ready, ended}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return self.ready.is_set() and self.running

    def resident_mb(self) -> float:
        """Its resident set (the process itself; its sandboxed readers have limits of their own)."""
        if self.process is None:
            return 0.0
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            pass
        return 0.0

    def _signal_group(self, signal_number: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal_number)

    def kill(self) -> None:
        if self.running:
            self._signal_group(signal.SIGKILL)

    async def stop(self) -> None:
        """Ends it (politely, then not) and removes its folder: uploads, downloads, temporary files."""
        if self.running:
            self._signal_group(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.ended.wait(), STOP_GRACE_S)
            except asyncio.TimeoutError:
                self.kill()
        if self.process is not None and self._output_task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._output_task, STOP_GRACE_S)
        shutil.rmtree(self.folder, ignore_errors=True)
