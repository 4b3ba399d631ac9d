"""The Qt test host (trame_slicer_app/hosts/qt_host.py) in a child process under its own Xvfb, with its
desktop commands (standard input) and replies (JSON lines on standard output)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

from conftest import ARTIFACTS, REPO, free_port

START_TIMEOUT_S = 120
REPLY_TIMEOUT_S = 30
SCREEN = "1600x1000x24"


class QtHostProcess:
    def __init__(self, *args: str) -> None:
        if shutil.which("xvfb-run") is None:
            raise RuntimeError("xvfb-run is missing: scripts/setup-system.sh --with-browser installs Xvfb")
        self.port = free_port()
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"qt-host-{self.port}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115
        self._lines: queue.Queue[str] = queue.Queue()
        # Its own session: xvfb-run, Xvfb and the host are stopped together, by this group's id.
        self.process = subprocess.Popen(
            ["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}", sys.executable, "-m", "trame_slicer_app.hosts.qt_host",
             "--port", str(self.port), *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, cwd=REPO, env=dict(os.environ),
            text=True, start_new_session=True,
        )
        threading.Thread(target=self._read_stdout, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            line = self._next_line(deadline)
            if line.startswith("App running at"):
                break

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            self._log.write(line)
            self._log.flush()
            self._lines.put(line.strip())

    def _next_line(self, deadline: float) -> str:
        while True:
            try:
                return self._lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the Qt host stopped or is silent:\n{self.log_path.read_text()}") from None

    def command(self, line: str) -> dict:
        """Send one desktop command; its JSON reply."""
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while True:
            reply = self._next_line(deadline)
            if reply.startswith("{"):
                return json.loads(reply)

    def desktop_readouts(self) -> dict:
        return self.command("state")["state"]

    def url(self, secret: str | None = None) -> str:
        return f"http://127.0.0.1:{self.port}/" + (f"?secret={secret}" if secret else "")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.write("quit\n")
                self.process.stdin.flush()
                self.process.wait(15)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(10)
        self._log.close()
