"""Real browsers through the launcher: two browsers get two sessions with scenes of their own
(a file opened in one is not in the other, its upload lands in its own folder only), and a
session whose process dies tells its page so."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from e2e.views import state, wait_for_state, wait_for_views

from .conftest import RunningLauncher, pids_working_in

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1200, "height": 800}
LOAD_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def a_launcher_for_two(tmp_path_factory):
    launcher = RunningLauncher(tmp_path_factory.mktemp("sessions"), "--pool-size", "2", "--max-sessions", "2",
                               "--idle-s", "5")  # a closed browser frees its room soon
    yield launcher
    launcher.stop()


def a_session_page(a_browser, launcher):
    """A new browser (its own cookies, as another user's) on the launcher's front page."""
    context = a_browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.goto(launcher.url)
    wait_for_views(page, names=("1",))  # the sessions start empty: the 3D view's background is what shows
    return context, page


def session_folder_of(launcher, page):
    session_id = page.url.split("/s/")[1].split("/")[0]
    return launcher.root / session_id


def test_two_browsers_get_two_sessions_with_their_own_scenes_and_files(a_browser, a_launcher_for_two,
                                                                       a_ct_path, artifacts):
    launcher = a_launcher_for_two
    first_context, first = a_session_page(a_browser, launcher)
    second_context, second = a_session_page(a_browser, launcher)
    try:
        assert first.url != second.url
        first_folder, second_folder = session_folder_of(launcher, first), session_folder_of(launcher, second)
        assert first_folder.is_dir() and second_folder.is_dir()

        # A file opened in the first session (uploaded, as a user would) is in its scene only.
        with first.expect_file_chooser() as chooser:
            first.locator(".data-io-open").click()
        chooser.value.set_files(str(a_ct_path))
        wait_for_state(first, "data_io_notice", lambda v: bool(v) and v.startswith("Loaded"), LOAD_TIMEOUT_S)
        wait_for_views(first)  # all four views show the CT
        first.screenshot(path=str(artifacts / "launcher-first-session.png"))
        second.screenshot(path=str(artifacts / "launcher-second-session.png"))
        wait_for_state(first, "data_nodes", lambda nodes: "cranium_ct" in repr(nodes))
        assert "cranium_ct" not in repr(state(second, "data_nodes"))
        assert not state(second, "data_io_notice")
        # The uploaded bytes went to the first session's own folder, nowhere else.
        uploaded = [p for p in first_folder.rglob("*") if p.is_file() and p.stat().st_size == a_ct_path.stat().st_size]
        assert uploaded, "the upload is not in its session's folder"
        assert not [p for p in second_folder.rglob("*") if p.is_file() and p.stat().st_size == a_ct_path.stat().st_size]

        # A saved scene comes down through the launcher, from the session's own folder.
        first.locator(".data-io-save").click()
        with first.expect_download(timeout=LOAD_TIMEOUT_S * 1000) as info:
            first.locator(".data-io-save-scene").click()
        saved = Path(info.value.path())
        assert saved.stat().st_size > 100_000 and saved.read_bytes()[:2] == b"PK"  # an .mrb: a zip with the CT
        assert not list(second_folder.rglob("*.mrb"))
        first.locator(".data-io-save").click()
        with first.expect_download(timeout=LOAD_TIMEOUT_S * 1000) as info:
            first.locator(".data-io-screenshot-Red").click()
        assert info.value.suggested_filename == "Slicer Red.png"  # a name with a space, through the relay
        assert Path(info.value.path()).read_bytes()[:4] == b"\x89PNG"

        # A layout chosen in one is not the other's.
        first.locator(".layout-four_up").click()
        wait_for_state(first, "layout_name", "four_up")
        time.sleep(1.0)
        assert state(second, "layout_name") == "conventional"
        # The launcher's log names no file a user opened.
        assert "cranium" not in launcher.log_path.read_text()
    finally:
        first_context.close()
        second_context.close()


def test_a_killed_session_tells_its_page_and_its_address_says_why(a_browser, a_launcher_for_two, artifacts):
    launcher = a_launcher_for_two
    launcher.wait_until(lambda: launcher.health().get("pooled", 0) >= 1, "no pooled process")
    context, page = a_session_page(a_browser, launcher)
    try:
        folder = session_folder_of(launcher, page)
        pids = pids_working_in(folder)
        assert pids, "no process runs in the session's folder"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        page.wait_for_selector(".slicer-session-ended", timeout=30_000)
        text = page.locator(".slicer-session-ended").inner_text()
        page.screenshot(path=str(artifacts / "launcher-session-killed.png"))
        assert "This session has ended" in text
        launcher.wait_until(lambda: not folder.exists(), "the dead session's folder stayed", timeout_s=30)
        page.reload()
        assert "This session has ended" in page.content()
        assert "its server process stopped" in page.content()
    finally:
        context.close()


def test_a_reload_and_a_second_tab_keep_the_session_and_a_browser_beyond_the_cap_is_told(
        a_browser, a_launcher_for_two, artifacts):
    launcher = a_launcher_for_two
    launcher.wait_until(lambda: launcher.health().get("pooled", 0) >= 2, "the pool did not refill")
    context, page = a_session_page(a_browser, launcher)
    other_context, _other = a_session_page(a_browser, launcher)
    try:
        session_url = page.url
        page.reload()
        wait_for_views(page, names=("1",))
        assert page.url.split("?")[0] == session_url.split("?")[0]
        # A second tab of the same browser on the session's address joins the same scene.
        tab = context.new_page()
        tab.goto(session_url)
        wait_for_views(tab, names=("1",))
        tab.locator(".layout-one_up_red").click()
        wait_for_state(page, "layout_name", "one_up_red")
        # Both sessions taken: a third browser gets the full page, not a hang.
        third = a_browser.new_context()
        full = third.new_page()
        answer = full.goto(launcher.url)
        assert answer.status == 503
        assert "The server is full" in full.content()
        full.screenshot(path=str(artifacts / "launcher-full.png"))
        third.close()
    finally:
        context.close()
        other_context.close()
