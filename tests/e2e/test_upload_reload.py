"""In Chromium: a reload (or a closed tab) in the middle of an upload cancels it on the server. It stayed
open for good: its partial file on disk, a file descriptor, and its declared size and a place among the
16 uploads a session may have open, so that a few interrupted uploads refused every later one."""

from __future__ import annotations

import pytest
from conftest import RunningApp
from process_checks import a_temp_dir, wait_for  # noqa: F401 (a fixture)

from e2e.views import wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1200, "height": 800}
UPLOAD_MB = 150  # big enough to be caught in the middle
TIMEOUT_S = 30


def partial_uploads(temp) -> list:
    return [p for p in temp.glob("slicer-upload-*/upload-*") if p.is_file()]


def test_a_reload_in_the_middle_of_an_upload_cancels_it_on_the_server(
        a_browser, a_temp_dir, tmp_path):  # noqa: F811 (the fixture imported above)
    big = tmp_path / "big.nrrd"
    with big.open("wb") as out:
        out.truncate(UPLOAD_MB * 1024 * 1024)
    app = RunningApp("--empty")
    page = a_browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(app.url)
        wait_for_views(page, names=("1",))
        with page.expect_file_chooser() as chooser:
            page.locator(".data-io-open").click()
        chooser.value.set_files(str(big))
        [partial] = wait_for(lambda: [p for p in partial_uploads(a_temp_dir) if p.stat().st_size > 0],
                             "the upload did not start", TIMEOUT_S)
        page.reload()
        wait_for(lambda: not partial.exists(), "the interrupted upload is still on the server", TIMEOUT_S)
        wait_for_views(page, names=("1",))  # and the reloaded page works
        assert partial_uploads(a_temp_dir) == []
    finally:
        page.close()
        app.stop()
