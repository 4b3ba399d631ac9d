"""Streaming benchmark: the app on a real head CT, driven by a real Chromium, measuring what users see.

In one run (each part can be left out, see --only and --sizes):
- load, per data size (the small test CT, 256x256x108, and a real-size 512x512x432 CT the benchmark
  makes from it): command to first frame in all four views (Conventional layout, 1600x1000 page),
  server RSS after load and with volume rendering on; and (--only read) the app's open of the file
  against slicer-core's own read of it, each in a fresh process;
- one-up (small CT): Red alone (800x600): pan (middle-drag), window/level (left-drag) and wheel steps,
  continuous window/level and pan drags; 3D alone (800x600): rotate (left-drag) and wheel (zoom) steps,
  a continuous rotation; then, volume rendering on, 3D alone again: rotate steps and rotation;
- conventional (volume rendering on, CT-Bone): the same gestures in Red and rotation in 3D, with each
  linked view's step latency (DOM event to its first paint) and frames painted per second during the
  drag, and the settle of all views (mouse-up until every view has painted its still frame); on the
  large CT, Red wheel steps and the 3D rotation only;
- remote: one-up Red and 3D again through an emulated 50 ms one-way, 10 Mbit/s link;
- soak (not in the default run: 12 minutes by default): mixed drags and wheel in Red then 3D, with
  step latency before/after, queue depths and server RSS.
Then the ratios: Conventional / One-Up step p50 per gesture, large / small CT.

Step latency runs from the DOM event to the paint of the frame answering it; "srv" is that frame's
own render + read-back + encode time. Everything is printed as tables and written as JSON.

Usage: .venv/bin/python benchmarks/streaming_benchmark.py [--only one-up,conventional,read,remote]
       [--sizes small,large] [--steps 30] [--drag-s 3] [--soak-s 600] [--soak-3d-s 120]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))
import browser_measures as bm  # noqa: E402
import made_volumes  # noqa: E402
from benchmark_report import print_report  # noqa: E402
from conftest import RunningApp  # noqa: E402
from fetch_data import CT_PATH, ensure_test_data  # noqa: E402
from link_emulator import LinkEmulatorThread  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from soak_measures import machine_reference_ms, rss_mb, settled_rss_mb, soak  # noqa: E402

from trame_slicer_app.layouts import ALL_VIEWS  # noqa: E402

ONE_UP_VIEW_SIZE = (800, 600)
CONVENTIONAL_PAGE_SIZE = (1600, 1000)
ONE_UP_LAYOUT = {"Red": "one_up_red", "1": "one_up_3d"}
# The gestures measured per view: single steps, and continuous drags (the first is the one the
# emulated-link and soak figures have always used: a left-drag).
STEP_GESTURES = {"Red": ("pan", "window_level", "wheel"), "1": ("rotate", "wheel")}
DRAG_GESTURES = {"Red": ("window_level", "pan"), "1": ("rotate",)}
CONVENTIONAL_STEP_GESTURES = {"Red": STEP_GESTURES["Red"], "1": ("rotate",)}
LARGE_CT_STEP_GESTURES = {"Red": ("wheel",)}
LARGE_CT_DRAG_GESTURES = {"1": ("rotate",)}
REMOTE_DELAY_S, REMOTE_BANDWIDTH_BPS = 0.05, 10e6
GROUPS = ("one-up", "conventional", "read", "remote", "soak")
DEFAULT_GROUPS = ("one-up", "conventional", "read", "remote")
SIZES = ("small", "large")


# -- measures in one layout ----------------------------------------------------------------------------
def measure_gestures(page, step_gestures, drag_gestures, steps, drag_s) -> dict:
    """Steps and drags of each view's gestures, in the layout on screen."""
    result = {"steps": {}, "drags": {}}
    for name in dict.fromkeys([*step_gestures, *drag_gestures]):
        bm.warm_up(page, name)
        for gesture in step_gestures.get(name, ()):
            result["steps"].setdefault(name, {})[gesture] = bm.step_latency(page, name, steps, gesture)
        for gesture in drag_gestures.get(name, ()):
            result["drags"].setdefault(name, {})[gesture] = bm.continuous_drag(page, name, gesture, drag_s)
    return result


def measure_one_up(browser, url, name, steps, drag_s, step_gestures=None, drag_gestures=None) -> dict:
    """View ``name`` alone at 800x600, in a page of its own."""
    page = bm.open_app_page(browser, url, (1200, 900))
    bm.show_layout(page, ONE_UP_LAYOUT[name], one_view_size=ONE_UP_VIEW_SIZE)
    step_gestures = {name: STEP_GESTURES[name]} if step_gestures is None else step_gestures
    drag_gestures = {name: DRAG_GESTURES[name]} if drag_gestures is None else drag_gestures
    result = measure_gestures(page, step_gestures, drag_gestures, steps, drag_s)
    srv = bm.server_stats(page)[name]
    result["server_render_ms"], result["server_encode_ms"] = srv["render_ms"], srv["encode_ms"]
    result["view_size"] = bm.view_size(page, name)
    page.close()
    return result


def measure_conventional(browser, url, steps, drag_s, step_gestures=CONVENTIONAL_STEP_GESTURES,
                         drag_gestures=DRAG_GESTURES) -> dict:
    """The default layout on a 1600x1000 page, in a page of its own."""
    page = bm.open_app_page(browser, url, CONVENTIONAL_PAGE_SIZE)
    views = bm.show_layout(page, "conventional", page_size=CONVENTIONAL_PAGE_SIZE)
    result = measure_gestures(page, step_gestures, drag_gestures, steps, drag_s)
    result["view_sizes"] = {name: bm.view_size(page, name) for name in views}
    page.close()
    return result


# -- one data set, one app -----------------------------------------------------------------------------
# Each layout is measured in a fresh page (one page open at a time, so one client gets frames): a view
# re-created by a layout switch numbers its inputs from 1 again, while the server answers that client
# with the highest number it has seen from it, so the re-created view's latency split (and which frame
# answers which input) would be wrong until the page is reloaded.
def measure_load(browser, url, pid, started) -> dict:
    """Command to first frame in all four views, then the server's RSS once they are still, and once it has
    settled too (its load-time library pages given back, docs/decisions/0027)."""
    page = bm.open_app_page(browser, url, CONVENTIONAL_PAGE_SIZE)
    bm.wait_all_painted(page, ALL_VIEWS)
    first_frame_s = time.monotonic() - started
    bm.wait_quiet(page, ALL_VIEWS, still=True, timeout_s=30)
    page.close()
    settled, at_still, _ = settled_rss_mb(pid)
    return {"first_frame_s": first_frame_s, "rss_loaded_mb": at_still, "rss_loaded_settled_mb": settled}


def switch_volume_rendering_on(browser, url, pid) -> dict:
    page = bm.open_app_page(browser, url, CONVENTIONAL_PAGE_SIZE)
    bm.show_layout(page, "conventional", page_size=CONVENTIONAL_PAGE_SIZE)
    preset = bm.turn_on_volume_rendering(page)
    bm.wait_quiet(page, ALL_VIEWS, still=True, timeout_s=30)
    page.close()
    settled, at_still, _ = settled_rss_mb(pid)
    return {"vr_preset": preset, "rss_volume_rendering_mb": at_still, "rss_volume_rendering_settled_mb": settled}


def progress(what: str) -> None:
    """A run takes minutes: say what it is doing (on stderr, so the figures stay clean)."""
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


def measure_data_set(browser, size, ct_path, groups, args) -> dict:
    """Start the app on ``ct_path``; its load figures, then the layouts' measures (all of them on the
    small CT; on the large one, the few that tell how size matters)."""
    report = {"path": str(ct_path)}
    started = time.monotonic()
    app = RunningApp("--data", str(ct_path))
    pid = app.process.pid
    try:
        progress(f"{size} CT: loading")
        report.update(measure_load(browser, app.url, pid, started))
        if size == "small" and "one-up" in groups:
            progress(f"{size} CT: One-Up Red and 3D")
            report["one_up"] = {name: measure_one_up(browser, app.url, name, args.steps, args.drag_s)
                                for name in ("Red", "1")}
        progress(f"{size} CT: volume rendering on")
        report.update(switch_volume_rendering_on(browser, app.url, pid))
        if "conventional" in groups:
            progress(f"{size} CT: Conventional with volume rendering")
            if size == "small":
                report["conventional"] = measure_conventional(browser, app.url, args.steps, args.drag_s)
            else:
                report["conventional"] = measure_conventional(browser, app.url, args.steps, args.drag_s,
                                                              LARGE_CT_STEP_GESTURES, LARGE_CT_DRAG_GESTURES)
        if size == "small" and "one-up" in groups:
            # The 3D ratio compares like with like: the same volume rendering, alone or beside the slices.
            progress(f"{size} CT: One-Up 3D with volume rendering")
            report["one_up_3d_volume_rendering"] = measure_one_up(
                browser, app.url, "1", args.steps, args.drag_s, {"1": ("rotate",)}, {"1": ("rotate",)})
        report["rss_end_mb"] = rss_mb(pid)
    finally:
        app.stop()
    return report


READ_PAIRS = 3


def measure_read_times(ct_path) -> dict:
    """The app's open of the file against slicer-core's own read, each in a fresh process; once
    before, untimed, so that both read from the page cache. Pairs taken one after the other, the
    ratio of their medians: one pair moved by 0.2 s either way on this machine (0.87-1.5 s reads)."""
    made_volumes.read_time_s("core", ct_path)
    pairs = [(made_volumes.read_time_s("app", ct_path), made_volumes.read_time_s("core", ct_path))
             for _ in range(READ_PAIRS)]
    app_s, core_s = (statistics.median(times) for times in zip(*pairs, strict=True))
    return {"app_open_s": app_s, "core_read_s": core_s, "ratio": app_s / core_s,
            "pairs": [[round(a, 3), round(c, 3)] for a, c in pairs]}


# -- the emulated link and the soak (the small CT, their own app) -----------------------------------
def soak_view(browser, url, name, seconds, pid, steps) -> dict:
    page = bm.open_app_page(browser, url, (1200, 900))
    bm.show_layout(page, ONE_UP_LAYOUT[name], one_view_size=ONE_UP_VIEW_SIZE)
    bm.warm_up(page, name)
    gesture = DRAG_GESTURES[name][0]  # the left-drag
    bm.reset_view(page, name)
    before = bm.step_latency(page, name, steps, gesture)
    reference_before = machine_reference_ms()
    result = soak(page, name, seconds, pid)
    bm.reset_view(page, name)
    after = bm.step_latency(page, name, steps, gesture)
    page.close()
    # The soak leaves another slice, zoom and window on screen: the steps' own render
    # time tells a slower picture from a slower stream.
    result.update(seconds=seconds, drag_steps_before_ms=before["ms"], drag_steps_after_ms=after["ms"],
                  machine_reference_ms=(reference_before, machine_reference_ms()),
                  breakdown_before=before["breakdown"], breakdown_after=after["breakdown"])
    return result


def measure_link_and_soak(browser, groups, args) -> dict:
    report = {}
    app = RunningApp("--data", str(CT_PATH))
    link = LinkEmulatorThread("127.0.0.1", app.port, REMOTE_DELAY_S, REMOTE_BANDWIDTH_BPS)
    remote_url = f"http://127.0.0.1:{link.start()}/"
    try:
        for name in ("Red", "1"):
            if "soak" in groups:
                seconds = args.soak_s if name == "Red" else args.soak_3d_s
                report.setdefault("soak", {})[name] = soak_view(browser, app.url, name, seconds,
                                                                app.process.pid, args.steps)
            if "remote" in groups:
                left_drag = DRAG_GESTURES[name][0]
                report.setdefault("remote", {})[name] = measure_one_up(
                    browser, remote_url, name, args.steps, args.drag_s, {name: (left_drag, "wheel")},
                    {name: (left_drag,)})
    finally:
        link.stop()
        app.stop()
    return report


def parse_list(parser, text, allowed, flag):
    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        parser.error(f"{flag}: unknown {', '.join(unknown)}; choose from {', '.join(allowed)}")
    return items


def run_browser_measures(report, paths, groups, sizes, args) -> None:
    """Everything measured through Chromium: each data set's app, then the link and soak app."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=bm.CHROMIUM_ARGS)
        try:
            for size in sizes:
                part_started = time.monotonic()
                report["data"][size] = measure_data_set(browser, size, paths[size], groups, args)
                if "read" in groups:
                    report["data"][size]["read"] = measure_read_times(paths[size])
                report["data"][size]["elapsed_s"] = time.monotonic() - part_started
            if "remote" in groups or "soak" in groups:
                part_started = time.monotonic()
                report.update(measure_link_and_soak(browser, groups, args))
                report["link_and_soak_elapsed_s"] = time.monotonic() - part_started
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(DEFAULT_GROUPS),
                        help=f"measures to run, comma-separated, from {', '.join(GROUPS)} "
                             f"(default: {','.join(DEFAULT_GROUPS)}; 'all' for every one)")
    parser.add_argument("--sizes", default=",".join(SIZES),
                        help="data sizes, each with its load figures: small (the test CT; one-up is measured on it "
                             "only), large (512x512x432); '' for none")
    parser.add_argument("--steps", type=int, default=30,
                        help="single steps per measure (p95 needs a few dozen; 30 keeps the default run short)")
    parser.add_argument("--drag-s", type=float, default=bm.DRAG_S, help="seconds of each continuous drag")
    parser.add_argument("--soak-s", type=float, default=600.0, help="soak of the Red slice view (with --only soak)")
    parser.add_argument("--soak-3d-s", type=float, default=120.0, help="soak of the 3D view (with --only soak)")
    parser.add_argument("--large-dir", default=str(REPO / "benchmarks" / "results"),
                        help="where the large CT is made (and kept for the next run); '' for a temporary folder")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "streaming.json"))
    args = parser.parse_args()
    groups = GROUPS if args.only == "all" else parse_list(parser, args.only, GROUPS, "--only")
    sizes = parse_list(parser, args.sizes, SIZES, "--sizes")
    ensure_test_data()
    started = time.monotonic()
    report = {"groups": list(groups), "sizes": list(sizes), "steps": args.steps, "drag_s": args.drag_s,
              "data": {}}
    paths = {"small": CT_PATH}
    temporary = tempfile.TemporaryDirectory(prefix="bench-ct-") if not args.large_dir else None
    if "large" in sizes:
        made = time.monotonic()
        paths["large"] = made_volumes.large_ct(CT_PATH, Path(args.large_dir or temporary.name))
        report["large_ct_made_s"] = time.monotonic() - made
    try:
        run_browser_measures(report, paths, groups, sizes, args)
    finally:
        if temporary is not None:
            temporary.cleanup()
    report["run_s"] = time.monotonic() - started
    print_report(report)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, default=str))
    print(f"\n{report['run_s']:.0f} s in all; figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
