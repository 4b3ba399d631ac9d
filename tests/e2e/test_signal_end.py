"""In Chromium: a user uploads the head CT and downloads the scene, then the server is asked to end by
SIGTERM (the launcher, ``docker stop``), SIGINT (Ctrl+C) or SIGHUP (a closed terminal): it exits with
status 0, and its upload and download folders, with the CT and the saved scene in them, are gone, as
are its sandboxed readers (docs/decisions/0026)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from conftest import RunningApp
from process_checks import a_temp_dir, processes_using, wait_for  # noqa: F401 (a fixture)

from e2e.views import wait_for_state, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1200, "height": 800}
LOAD_TIMEOUT_S = 60
EXIT_TIMEOUT_S = 30


def upload_and_download(page, a_ct_path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator(".data-io-open").click()
    chooser.value.set_files(str(a_ct_path))
    wait_for_state(page, "data_io_notice", lambda v: bool(v) and v.startswith("Loaded"), LOAD_TIMEOUT_S)
    page.locator(".data-io-save").click()
    with page.expect_download(timeout=LOAD_TIMEOUT_S * 1000) as info:
        page.locator(".data-io-save-scene").click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signalled_server_exits_cleanly_and_leaves_no_file_of_its_session(
        signum, a_browser, a_ct_path, a_temp_dir):  # noqa: F811 (the fixture imported above)
    app = RunningApp("--empty")
    page = a_browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    try:
        page.goto(app.url)
        wait_for_views(page, names=("1",))  # an empty scene: the 3D view's background shows
        upload_and_download(page, a_ct_path)
        kept = [p for p in a_temp_dir.rglob("*") if p.is_file()]
        assert any(p.stat().st_size == a_ct_path.stat().st_size for p in kept), "the upload is not on disk"
        assert any(p.suffix == ".mrb" for p in kept), "the saved scene is not on disk"
        assert processes_using(a_temp_dir)
        app.process.send_signal(signum)
        assert app.process.wait(EXIT_TIMEOUT_S) == 0, app.log_path.read_text()[-3000:]
        assert list(a_temp_dir.iterdir()) == []
        wait_for(lambda: not processes_using(a_temp_dir), "a sandboxed reader outlived the server", EXIT_TIMEOUT_S)
    finally:
        page.close()
        app.stop()
