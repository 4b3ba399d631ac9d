"""The launcher in a child process with real app processes behind it (pool and cap kept at 1-2:
the machine is shared), and a small wslink client for what a browser would not send."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import msgpack
import pytest
from conftest import ARTIFACTS, REPO, free_port
from wslink.chunking import UnChunker, generate_chunks

LAUNCHER_START_TIMEOUT_S = 180  # a pooled app process imports the engine and makes its views first


class RunningLauncher:
    """``python -m trame_slicer_app.launcher`` on loopback; its sessions' folders under ``root``."""

    def __init__(self, root: Path, *options: str, app_args: tuple[str, ...] = ("--empty",),
                 wait_for_pool: bool = True) -> None:
        self.port = free_port()
        self.root = root
        first = free_port()
        self.log_path = ARTIFACTS / f"launcher-{self.port}.log"
        ARTIFACTS.mkdir(exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "trame_slicer_app.launcher", "--host", "127.0.0.1", "--port", str(self.port),
             "--ports", f"{first}-{first + 20}", "--sessions-root", str(root), *options, "--", *app_args],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO, env=dict(os.environ),
        )
        if wait_for_pool:
            self.wait_until(lambda: self.health().get("pooled", 0) >= 1, "the pool never got a ready process")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def health(self) -> dict:
        try:
            with urllib.request.urlopen(self.url + "healthz", timeout=5) as answer:
                return __import__("json").loads(answer.read())
        except (urllib.error.URLError, OSError):  # OSError: also a read timed out on a busy machine
            return {}

    def wait_until(self, condition, what: str, timeout_s: float = LAUNCHER_START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{what}:\n{self.log_path.read_text()}")
            time.sleep(0.3)

    def session_folders(self) -> list[Path]:
        return sorted(p for p in self.root.iterdir() if p.is_dir()) if self.root.exists() else []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


def pids_working_in(folder: Path) -> list[int]:
    """The processes whose working folder is ``folder`` (an app process runs in its session's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wslink_message(method: str, args: list, rpc_id: str = "system:c0:0") -> list[bytes]:
    """A wslink request as the browser's client frames it (msgpack, chunked)."""
    body = msgpack.packb({"wslink": "1.0", "id": rpc_id, "method": method, "args": args, "kwargs": {}})
    return list(generate_chunks(body, 4 * 1024 * 1024))


async def wslink_answer(ws, timeout_s: float = 20) -> dict:
    """The next complete wslink message on ``ws`` (aiohttp client websocket)."""


    unchunker = UnChunker()
    unchunker.set_max_message_size(1 << 30)
    deadline = asyncio.get_event_loop().time() + timeout_s
    while True:
        message = await ws.receive(timeout=max(0.1, deadline - asyncio.get_event_loop().time()))
        if message.data is None or not isinstance(message.data, bytes):
            raise ConnectionError(f"socket closed: {message.type}")
        full = unchunker.process_chunk(message.data)
        if full is not None and "id" in full and not str(full["id"]).startswith("publish:"):
            return full


async def hello(ws, secret) -> dict:
    for chunk in wslink_message("wslink.hello", [{"secret": secret}]):
        await ws.send_bytes(chunk)
    return await wslink_answer(ws)


@pytest.fixture
def sessions_root(tmp_path) -> Path:
    return tmp_path / "sessions"


def run_async(coroutine_function):
    """Runs ``coroutine_function()`` to its end in a thread of its own: Playwright's sync API keeps an
    event loop running in this one once a browser test has run."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()
