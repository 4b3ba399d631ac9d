"""The container's install steps without a container engine (none runs here): the wheel built and
installed into a fresh venv, its ``trame-slicer-app-launcher`` console script started from another
folder, a session handed out and its page served by the wheel's own app process."""

from __future__ import annotations

import http.cookiejar
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ARTIFACTS, free_port
from wheel_venv import build_wheel, clean_environment, fresh_venv_with

from .conftest import pids_working_in

START_TIMEOUT_S = 180


def test_the_wheels_launcher_hands_out_a_session(tmp_path):
    python = fresh_venv_with(build_wheel(tmp_path), tmp_path)
    launcher_script = python.parent / "trame-slicer-app-launcher"
    assert launcher_script.exists(), "the wheel installs no trame-slicer-app-launcher"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port, first = free_port(), free_port()
    log_path = ARTIFACTS / f"wheel-launcher-{port}.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        launcher = subprocess.Popen(
            [str(launcher_script), "--port", str(port), "--ports", f"{first}-{first + 10}", "--pool-size", "1",
             "--max-sessions", "1", "--sessions-root", str(tmp_path / "sessions"), "--", "--empty"],
            stdout=log, stderr=subprocess.STDOUT, cwd=elsewhere, env=clean_environment())
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=5) as health:
                    if b'"pooled": 1' in health.read():
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert launcher.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.5)
        with opener.open(f"http://127.0.0.1:{port}/", timeout=60) as page:
            assert page.status == 200 and "/s/" in page.geturl()
            assert b"trame" in page.read().lower()
        # The session's process is the wheel's: it runs the venv's interpreter.
        (session,) = (tmp_path / "sessions").iterdir()
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in pids_working_in(session)]
        assert commands and all(command[0].decode() == str(python) for command in commands), commands
    finally:
        launcher.terminate()
        launcher.wait(30)
