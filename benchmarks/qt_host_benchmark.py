"""The web app served from inside a Qt desktop application against the headless app, in Chromium.

For each Qt loop driver (trame_slicer_app/hosts/qt_asyncio.py: ``notifier``, ``timer``) the Qt test
host (hosts/qt_host.py, under Xvfb) serves the small head CT; the headless app serves it too. On each:
- the desktop's responsiveness: how late a 10 ms Qt timer on the main thread fires (p50/p95/max),
  idle and while the browser drags window/level in Red continuously (Qt host only);
- a browser drag's step latency in Red (window/level) and in 3D (rotate): DOM event to the paint of
  the answering frame, as benchmarks/browser_measures.py measures it, p50/p95.
Then each Qt driver's step p50 over the headless app's. The page is 1400x900 in the Conventional
layout (the page follows the desktop's layout: the Qt host is put in it first, ``--layout``); the Qt host's
frames are its desktop views' size, the headless app's the page's own.

Usage: .venv/bin/python benchmarks/qt_host_benchmark.py [--steps 20] [--drag-s 4] [--drivers notifier,timer]
       [--layout conventional] [--skip-headless]
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
from conftest import RunningApp  # noqa: E402
from fetch_data import CT_PATH, ensure_test_data  # noqa: E402
from hosts.qt_host_process import QtHostProcess  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from trame_slicer_app.layouts import ALL_VIEWS  # noqa: E402

PAGE_SIZE = (1400, 900)
IDLE_S = 3.0
GESTURES = (("Red", "window_level"), ("1", "rotate"))


def measure(browser, url: str, qt_host: QtHostProcess | None, steps: int, drag_s: float,
            layout: str | None = None) -> dict:
    if qt_host is not None and layout:
        qt_host.command(f"layout {layout}")
    page = bm.open_app_page(browser, url, PAGE_SIZE)
    bm.wait_all_painted(page, ALL_VIEWS)
    result = {"view_sizes": {name: bm.view_size(page, name) for name in ALL_VIEWS}}
    for name, _gesture in GESTURES:
        bm.warm_up(page, name)
    if qt_host is not None:
        qt_host.command("jitter")
        time.sleep(IDLE_S)
        result["jitter_idle"] = qt_host.command("jitter")["jitter"]
    drag = bm.continuous_drag(page, "Red", "window_level", seconds=drag_s)
    if qt_host is not None:
        reply = qt_host.command("jitter")
        result["jitter_drag"], result["renders_drag"] = reply["jitter"], reply.get("renders")  # older hosts: none
    result["drag_red_fps"] = drag.get("fps", drag)
    for name, gesture in GESTURES:
        figures = bm.step_latency(page, name, steps, gesture)
        result[f"steps_{name}_{gesture}"] = {"p50_ms": bm.pct(figures["ms"], 50), "p95_ms": bm.pct(figures["ms"], 95),
                                             "server_p50_ms": bm.pct(figures["server_ms"], 50),
                                             "unanswered": figures["unanswered"], "n": len(figures["ms"])}
    if qt_host is not None:
        result["jitter_steps"] = qt_host.command("jitter")["jitter"]
    page.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--drag-s", type=float, default=4.0)
    parser.add_argument("--drivers", default="notifier,timer")
    parser.add_argument("--layout", default="conventional", help="the Qt host's desktop layout (the page follows)")
    parser.add_argument("--skip-headless", action="store_true", help="the Qt host's figures only")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "qt_host.json"))
    args = parser.parse_args()
    ensure_test_data()
    report = {"steps": args.steps, "drag_s": args.drag_s, "runs": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=bm.CHROMIUM_ARGS)
        if not args.skip_headless:
            app = RunningApp("--data", str(CT_PATH))
            try:
                report["runs"]["headless"] = measure(browser, app.url, None, args.steps, args.drag_s)
            finally:
                app.stop()
        for driver in [d for d in args.drivers.split(",") if d]:
            host = QtHostProcess("--data", str(CT_PATH), "--qt-loop", driver)
            try:
                report["runs"][f"qt-{driver}"] = measure(browser, host.url(), host, args.steps, args.drag_s,
                                                         args.layout)
            finally:
                host.stop()
        browser.close()
    headless = report["runs"].get("headless")
    for run_name, run in report["runs"].items():
        print(f"\n== {run_name}")
        for key in ("jitter_idle", "jitter_drag", "jitter_steps"):
            if key in run:
                print(f"  Qt timer lateness {key[7:]:>6}: {run[key]}")
        if run.get("renders_drag"):
            print(f"  desktop renders during the drag: {run['renders_drag']}")
        print(f"  Red drag fps: {run['drag_red_fps']}")
        for name, gesture in GESTURES:
            figures = run[f"steps_{name}_{gesture}"]
            ratio = figures["p50_ms"] / headless[f"steps_{name}_{gesture}"]["p50_ms"] if headless else float("nan")
            print(f"  {name:>3} {gesture:<12} step p50 {figures['p50_ms']:6.1f} ms  p95 {figures['p95_ms']:6.1f} ms  "
                  f"srv p50 {figures['server_p50_ms']:5.1f} ms  x headless {ratio:4.2f}  (n={figures['n']}, "
                  f"unanswered {figures['unanswered']})")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, default=str))
    print(f"\nfigures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
