"""An app process asked to end by a signal ends as it ends on its own: exit status 0, its temporary
folders (uploads, downloads, the sandboxed readers' scratch) and its readers gone, also while it is
still loading its data; a process killed outright leaves folders that the next one removes
(docs/decisions/0026). Real processes, each with a TMPDIR of its own."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from conftest import ARTIFACTS, REPO, RunningApp
from process_checks import a_temp_dir, processes_using, wait_for  # noqa: F401 (a fixture)

EXIT_TIMEOUT_S = 30
APPEAR_TIMEOUT_S = 60


def start_loading(data: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "trame_slicer_app", "--server", "--host", "127.0.0.1", "--port", "0",
         "--data", str(data)],
        stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=REPO, env=dict(os.environ),
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_data_loads_ends_the_app_cleanly_with_nothing_left(
        signum, a_temp_dir, a_ct_path):  # noqa: F811 (the fixture imported above)
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"signal-while-loading-{signum.name}.log"
    app = start_loading(a_ct_path, log)
    try:
        # The sandboxed reader's scratch folder: the CT is being read (the server does not serve yet).
        wait_for(lambda: list(a_temp_dir.glob(f"slicer-reader-{app.pid}-*")), "no reader started", APPEAR_TIMEOUT_S)
        assert "App running at" not in log.read_text()
        app.send_signal(signum)
        assert app.wait(EXIT_TIMEOUT_S) == 0, log.read_text()
        assert list(a_temp_dir.iterdir()) == []
        wait_for(lambda: not processes_using(a_temp_dir), "a sandboxed reader outlived the app", EXIT_TIMEOUT_S)
    finally:
        if app.poll() is None:
            app.kill()


def test_the_folders_of_a_killed_app_are_removed_by_the_next_one(a_temp_dir):  # noqa: F811
    killed = RunningApp("--empty")
    try:
        pid = killed.process.pid
        left = wait_for(lambda: sorted(a_temp_dir.glob(f"slicer-*-{pid}-*")), "no folders made", APPEAR_TIMEOUT_S)
        assert {p.name.split("-")[1] for p in left} >= {"upload", "download"}
        killed.process.kill()  # SIGKILL: nothing of its own runs
        killed.process.wait(EXIT_TIMEOUT_S)
        assert all(p.is_dir() for p in left)
    finally:
        killed.stop()
    wait_for(lambda: not processes_using(a_temp_dir), "its spare reader outlived it", EXIT_TIMEOUT_S)
    after = RunningApp("--empty")
    try:
        assert not any(p.exists() for p in left)
        assert list(a_temp_dir.glob(f"slicer-upload-{after.process.pid}-*"))  # its own are there
    finally:
        after.process.send_signal(signal.SIGTERM)
        assert after.process.wait(EXIT_TIMEOUT_S) == 0
        after.stop()
    assert list(a_temp_dir.iterdir()) == []


def test_a_signal_the_app_was_started_ignoring_stays_ignored(a_temp_dir):  # noqa: F811
    # nohup: the starter wants the server to outlive its terminal.
    def ignore_hangups() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "signal-ignored.log"
    app = subprocess.Popen(
        [sys.executable, "-m", "trame_slicer_app", "--server", "--host", "127.0.0.1", "--port", "0", "--empty"],
        stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=REPO, env=dict(os.environ), preexec_fn=ignore_hangups,
    )
    try:
        wait_for(lambda: "App running at" in log.read_text(), "the app did not start", APPEAR_TIMEOUT_S)
        port = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text()).group(1)
        app.send_signal(signal.SIGHUP)
        # Its main thread serves the page: a signal it were to act on would have been acted on first.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=EXIT_TIMEOUT_S) as answer:
            assert answer.status == 200
        assert app.poll() is None
        app.send_signal(signal.SIGTERM)
        assert app.wait(EXIT_TIMEOUT_S) == 0
        assert list(a_temp_dir.iterdir()) == []
    finally:
        if app.poll() is None:
            app.kill()
