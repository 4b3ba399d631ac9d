"""The server's memory over open / volume rendering / close cycles, as a user makes them in Chromium.

    python benchmarks/open_close_cycles_benchmark.py [FILE] [--cycles 3]

FILE defaults to the 512x512x432 CT made from the test CT (benchmarks/made_volumes.py). Each cycle opens
the file with the toolbar's Open button, turns volume rendering on (the 3D panel's switch) and closes the
scene (the toolbar's Close); the server's RSS (and its anonymous and shared parts) is printed after each
step. A closed volume must give its memory back: the figures after each close stay where the first was.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

import browser_measures as bm  # noqa: E402
import made_volumes  # noqa: E402
from conftest import RunningApp  # noqa: E402
from e2e.views import wait_for_state  # noqa: E402
from fetch_data import CT_PATH  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

LOAD_TIMEOUT_S = 300


def memory_mib(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    return {key: int(fields[key].split()[0]) // 1024 for key in ("VmRSS", "RssAnon", "RssShmem")}


def open_file(page, path: Path) -> float:
    started = time.monotonic()
    with page.expect_file_chooser() as chooser:
        page.locator(".data-io-open").click()
    chooser.value.set_files(str(path))
    wait_for_state(page, "data_io_notice", lambda notice: bool(notice) and notice.startswith("Loaded"),
                   LOAD_TIMEOUT_S)
    return time.monotonic() - started


def close_scene(page) -> None:
    page.locator(".data-io-close").click()
    page.locator(".data-io-close-confirm").click()
    wait_for_state(page, "data_io_notice", lambda notice: notice == "Scene closed", 60)
    time.sleep(2.0)  # the views' renders after the close


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, nargs="?")
    parser.add_argument("--cycles", type=int, default=3)
    args = parser.parse_args()
    path = args.path or made_volumes.large_ct(CT_PATH, REPO / "benchmarks" / "results")
    app = RunningApp("--data", str(CT_PATH))
    steps = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=bm.CHROMIUM_ARGS)
            page = bm.open_app_page(browser, app.url, (1600, 1000))
            bm.show_layout(page, "conventional")
            close_scene(page)
            steps.append({"step": "empty", **memory_mib(app.process.pid)})
            for cycle in range(args.cycles):
                seconds = open_file(page, path)
                steps.append({"step": f"{cycle} open ({seconds:.1f} s with the upload)", **memory_mib(app.process.pid)})
                bm.turn_on_volume_rendering(page)
                time.sleep(2.0)  # the ray caster's gradients are made at its first full render
                steps.append({"step": f"{cycle} volume rendering", **memory_mib(app.process.pid)})
                close_scene(page)
                steps.append({"step": f"{cycle} closed", **memory_mib(app.process.pid)})
                print(json.dumps(steps[-3:]), flush=True)
            browser.close()
    finally:
        app.stop()
    print(f"{'step':<40} {'RSS':>6} {'anon':>6} {'shared':>6}  (MiB)")
    for step in steps:
        print(f"{step['step']:<40} {step['VmRSS']:>6} {step['RssAnon']:>6} {step['RssShmem']:>6}")


if __name__ == "__main__":
    main()
