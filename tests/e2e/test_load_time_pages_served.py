"""The served app and its spare sandboxed reader give back their load-time library pages once the views are
quiet (docs/decisions/0027), and the views keep working: a drag in Red paints after it."""

from __future__ import annotations

import time

import pytest
from conftest import spare_reader_pid

from e2e.views import drag, frames_painted, wait_for_still_frame
from trame_slicer_app.load_time_pages import REGROWTH_MIB, load_time_resident_mib

pytestmark = pytest.mark.browser

# The app looks every 10 s and waits for 5 s without input: two looks, and a loaded machine's slack.
GIVE_BACK_TIMEOUT_S = 60
# What renders draw back in is a few MiB, below what makes the app give back again; loading drew in ~100.
LEFT_RESIDENT_MIB = REGROWTH_MIB + 2


def _wait_until_given_back(pid: int) -> float:
    deadline = time.monotonic() + GIVE_BACK_TIMEOUT_S
    while True:
        resident = load_time_resident_mib(f"/proc/{pid}/smaps")
        if resident < LEFT_RESIDENT_MIB or time.monotonic() > deadline:
            return resident
        time.sleep(1)


def test_the_server_and_its_spare_reader_give_back_load_time_pages(a_page, the_app_on_the_ct):
    server = the_app_on_the_ct.process.pid
    assert _wait_until_given_back(server) < LEFT_RESIDENT_MIB
    spare = spare_reader_pid(server)
    assert spare is not None, "the app keeps a spare sandboxed reader"
    assert _wait_until_given_back(spare) < LEFT_RESIDENT_MIB

    before = frames_painted(a_page, "Red")
    drag(a_page, "Red", 40, 25)
    wait_for_still_frame(a_page, "Red", before)
    assert frames_painted(a_page, "Red") > before
