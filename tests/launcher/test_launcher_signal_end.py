"""Through the launcher, in Chromium: a session uploads the head CT and downloads its scene; its forked app
process, sent SIGTERM as the launcher sends it, exits with status 0 and nothing of the session is left (its
folder, its temporary files, its sandboxed readers); then the launcher itself, stopped as ``docker stop``
stops it, ends every process and folder it started (docs/decisions/0026)."""

from __future__ import annotations

import os
import signal

import pytest
from e2e.test_signal_end import upload_and_download
from e2e.views import wait_for_views
from process_checks import a_temp_dir, processes_using, wait_for  # noqa: F401 (a fixture)

from .conftest import RunningLauncher, pids_working_in

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1200, "height": 800}
EXIT_TIMEOUT_S = 30


def test_a_session_ended_by_sigterm_and_then_the_launcher_leave_nothing(
        a_browser, a_ct_path, sessions_root, a_temp_dir):  # noqa: F811 (the fixture imported above)
    launcher = RunningLauncher(sessions_root, "--pool-size", "1", "--max-sessions", "1")
    context = a_browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(launcher.url)
        wait_for_views(page, names=("1",))
        folder = sessions_root / page.url.split("/s/")[1].split("/")[0]
        upload_and_download(page, a_ct_path)
        assert any(p.suffix == ".mrb" for p in folder.rglob("*")), "the saved scene is not in the session's folder"
        [app_pid] = pids_working_in(folder)
        # The spare sandboxed reader, started again a few seconds after each read.
        wait_for(lambda: [pid for pid in processes_using(folder) if pid != app_pid], "no sandboxed reader waits",
                 EXIT_TIMEOUT_S)

        os.kill(app_pid, signal.SIGTERM)
        wait_for(lambda: "its server process stopped (exit status 0)" in launcher.log_path.read_text(),
                 "the session's process did not end with status 0", EXIT_TIMEOUT_S)
        wait_for(lambda: not folder.exists(), "the session's folder is still there", EXIT_TIMEOUT_S)
        wait_for(lambda: not processes_using(folder), "a process of the session outlived it", EXIT_TIMEOUT_S)

        context.close()
        launcher.process.send_signal(signal.SIGTERM)
        assert launcher.process.wait(EXIT_TIMEOUT_S) == 0, launcher.log_path.read_text()[-3000:]
        assert launcher.session_folders() == []
        wait_for(lambda: not processes_using(sessions_root) and not processes_using(a_temp_dir),
                 "a process the launcher started outlived it", EXIT_TIMEOUT_S)
        assert list(a_temp_dir.iterdir()) == []
    finally:
        launcher.stop()
