"""Pooled app processes forked from the fork server (trame_slicer_app/fork_server.py): a forked
process serves a browser and draws, reads a CT through ITK after the fork, shares the fork server's
pages, and is the launcher's own child; a crash of the fork server is reported and leaves the
sessions running; the fork server refuses malformed requests and goes on serving."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from e2e.views import wait_for_state, wait_for_views

from .conftest import RunningLauncher, pids_working_in
from .test_launcher_browser import a_session_page, session_folder_of
from .test_launcher_caps import a_browser_like_client, fetch

LOAD_TIMEOUT_S = 60


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def children_of(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def shared_dirty_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Shared_Dirty:"):
            return int(line.split()[1]) / 1024
    return 0.0


def the_fork_server(launcher) -> int:
    """The launcher's child that runs the fork server (its forks run in their session folders)."""
    for pid in children_of(launcher.process.pid):
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        if "trame_slicer_app.fork_server" in command and not str(Path(os.readlink(f"/proc/{pid}/cwd"))).startswith(
                str(launcher.root)):
            return pid
    raise AssertionError("no fork server among the launcher's children")


def app_pid(folder: Path) -> int:
    return min(pids_working_in(folder))  # the app process; its sandboxed readers come later


@pytest.mark.browser
def test_a_forked_pooled_process_serves_a_browser_draws_and_reads_a_ct(a_browser, a_ct_path, tmp_path, artifacts):
    launcher = RunningLauncher(tmp_path / "sessions", "--pool-size", "1", "--max-sessions", "1", "--idle-s", "30")
    try:
        assert launcher.health()["fork_server"] is True
        context, page = a_session_page(a_browser, launcher)
        try:
            pid = app_pid(session_folder_of(launcher, page))
            # A fork of the fork server (its command line), adopted by the launcher, sharing pages.
            assert b"trame_slicer_app.fork_server" in Path(f"/proc/{pid}/cmdline").read_bytes()
            assert parent_of(pid) == launcher.process.pid
            assert shared_dirty_mb(pid) > 20, "the forked process shares no written pages with the fork server"
            # Its views were made after the fork (EGL/GL there), and ITK's readers work in it.
            with page.expect_file_chooser() as chooser:
                page.locator(".data-io-open").click()
            chooser.value.set_files(str(a_ct_path))
            wait_for_state(page, "data_io_notice", lambda v: bool(v) and v.startswith("Loaded"), LOAD_TIMEOUT_S)
            wait_for_views(page)
            page.screenshot(path=str(artifacts / "launcher-forked-session-ct.png"))
            assert "Traceback" not in (session_folder_of(launcher, page) / "app.log").read_text()
        finally:
            context.close()
    finally:
        launcher.stop()


def test_a_crash_of_the_fork_server_is_reported_and_its_sessions_go_on(tmp_path):
    launcher = RunningLauncher(tmp_path / "sessions", "--pool-size", "1", "--max-sessions", "2", "--idle-s", "60",
                               "--refill-delay-s", "0")
    try:
        client, _jar = a_browser_like_client()
        status, _body, session_url = fetch(client, launcher.url)
        assert status == 200
        session_pid = app_pid(launcher.root / session_url.split("/s/")[1].split("/")[0])
        fork_server = the_fork_server(launcher)
        os.kill(fork_server, signal.SIGKILL)

        launcher.wait_until(lambda: "the fork server stopped" in launcher.log_path.read_text(),
                            "the launcher did not report the fork server's crash")
        launcher.wait_until(lambda: launcher.health().get("fork_server_restarts") == 1, "no restart counted")
        # The session forked before the crash lives on, and still answers its browser.
        assert parent_of(session_pid) == launcher.process.pid
        status, body, _ = fetch(client, session_url)
        assert status == 200 and "<html" in body.lower()
        # New sessions still start (without it, or from its successor), and a new one gets ready.
        launcher.wait_until(lambda: launcher.health().get("pooled") == 1, "the pool did not refill")
        status, _body, second_url = fetch(a_browser_like_client()[0], launcher.url)
        assert status == 200 and second_url != session_url
        launcher.wait_until(lambda: launcher.health().get("fork_server") is True, "no new fork server got ready")
        assert the_fork_server(launcher) != fork_server
    finally:
        launcher.stop()
    assert not launcher.session_folders()


def test_the_fork_server_refuses_malformed_requests_and_goes_on(tmp_path):
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server = subprocess.Popen([sys.executable, "-m", "trame_slicer_app.fork_server", str(theirs.fileno())],
                              pass_fds=(theirs.fileno(),), cwd=REPO, stdin=subprocess.DEVNULL)
    theirs.close()
    try:
        ours.settimeout(120)
        assert json.loads(ours.recv(4096)) == {"ready": True}
        read_end, write_end = os.pipe()
        hostile = [
            b"not json",
            json.dumps({"argv": "--server", "cwd": str(tmp_path), "env": {}}).encode(),
            json.dumps({"argv": [], "cwd": str(tmp_path), "env": {"A": 1}}).encode(),
            json.dumps([1, 2, 3]).encode(),
        ]
        for request in hostile:
            socket.send_fds(ours, [request], [write_end])
            answer = json.loads(ours.recv(4096))
            assert "error" in answer and "pid" not in answer, (request, answer)
        # A well-formed request without the descriptor for its output is refused too.
        ours.send(json.dumps({"argv": [], "cwd": str(tmp_path), "env": {}}).encode())
        assert "error" in json.loads(ours.recv(4096))
        assert server.poll() is None
        os.close(read_end)
        os.close(write_end)
    finally:
        ours.close()  # it ends when the launcher's end closes
        assert server.wait(30) == 0


def zombie_children(pid: int) -> list[int]:
    zombies = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] == "Z" and int(fields[1]) == pid:
                zombies.append(int(entry.name))
    return zombies


def test_the_orphans_a_killed_session_leaves_are_reaped_by_the_launcher(tmp_path):
    """The launcher adopts orphans below it (a child subreaper, for the forked app processes): the
    sandboxed reader of a killed app process comes to it when it exits, and must not stay a zombie."""
    launcher = RunningLauncher(tmp_path / "sessions", "--pool-size", "1", "--max-sessions", "1", "--idle-s", "60")
    try:
        folder = launcher.session_folders()[0]
        app = app_pid(folder)
        launcher.wait_until(lambda: children_of(app), "the app process has no sandboxed reader")
        orphans = children_of(app)
        os.kill(app, signal.SIGKILL)  # the app alone: its reader (a session of its own) is orphaned
        launcher.wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in orphans),
                            "the orphaned reader was not reaped", timeout_s=60)
        assert not zombie_children(launcher.process.pid)
        assert launcher.process.poll() is None
    finally:
        launcher.stop()
