"""Many users through trame-slicer-app-launcher: time from the page request to the first painted
frame with a ready pool (warm) and without one (cold), and memory per session as PSS (proportional
set size: a shared library's pages are split among the processes that map them).

    .venv/bin/python benchmarks/sessions_benchmark.py [--runs 3] [--sessions 4] [--json out.json]

Warm: the launcher keeps one ready app process; a new browser context opens its front page.
Cold: no pool; the browser's request starts the app process. First frame: the 3D view's first paint
(``window.__slicerStreamStats``, slicer-view.js), timed from the navigation's start in the page and
from the request in the driver. Memory: ``--sessions`` pooled app processes, idle (engine imported,
views made, empty scene), then the same number of sessions, each with the head CT opened and its four
views painted in a browser. Drags (``--only drags``): 1, 2 (and ``--drag-sessions 4``) sessions, each
with the head CT in One-Up Red (800x600) in a Chromium of its own (a driver process each), step together
through ``--steps`` pan steps; each session's step p50 against one session alone. The machine is shared:
figures drift between runs. ``--launcher-option=--no-fork-server`` (repeatable) passes options to the
launcher: the memory with and without the fork server. The fork server's own PSS is reported apart, and
each app process's share of it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))
import browser_measures as bm  # noqa: E402
from fetch_data import CT_PATH, ensure_test_data  # noqa: E402
from launcher.conftest import RunningLauncher, pids_working_in  # noqa: E402


def pss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def fork_server_pids(launcher) -> list[int]:
    """The launcher's fork server (trame_slicer_app/fork_server.py), if it runs one: a child of the
    launcher that runs in no session folder."""
    found = []
    for pid in Path(f"/proc/{launcher.process.pid}/task/{launcher.process.pid}/children").read_text().split():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            folder = Path(os.readlink(f"/proc/{pid}/cwd"))
        except OSError:
            continue
        if b"trame_slicer_app.fork_server" in command and launcher.root not in folder.parents:
            found.append(int(pid))
    return found


def app_pids(launcher) -> list[int]:
    """The app processes (not their sandboxed readers): the oldest process in each session folder."""
    pids = []
    for folder in launcher.session_folders():
        found = sorted(pids_working_in(folder))
        if found:
            pids.append(found[0])
    return pids


def time_to_first_frame(browser, launcher) -> dict:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    requested = time.monotonic()
    page.goto(launcher.url, wait_until="commit", timeout=300_000)
    bm.wait_all_painted(page, ["1"], timeout_s=300)
    driver_s = time.monotonic() - requested
    marks = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        const r = performance.getEntriesByType('resource');
        return {first_frame: window.__slicerStreamStats['1'].frameTimes[0], page: n.responseEnd,
                dom_ready: n.domContentLoadedEventEnd, loaded: n.loadEventEnd, resources: r.length,
                resources_end: Math.max(0, ...r.map(e => e.responseEnd))}; }""")
    context.close()
    return {"driver_s": round(driver_s, 2), "in_page_s": round(marks["first_frame"] / 1000, 2),
            "page_s": round(marks["page"] / 1000, 2), "dom_ready_s": round(marks["dom_ready"] / 1000, 2),
            "resources": marks["resources"], "resources_end_s": round(marks["resources_end"] / 1000, 2)}


def direct_first_frames(browser, runs: int) -> list[dict]:
    """The baseline: the app alone, already running, no launcher between."""
    from conftest import RunningApp

    app = RunningApp("--empty")
    try:
        results = []
        for _ in range(runs):
            results.append(time_to_first_frame(browser, app))
            print(f"  direct: {results[-1]}", flush=True)
        return results
    finally:
        app.stop()


def first_frames(browser, root: Path, pool_size: int, runs: int, options: tuple[str, ...] = ()) -> list[dict]:
    launcher = RunningLauncher(root, "--pool-size", str(pool_size), "--max-sessions", "2", "--idle-s", "5",
                               *options, wait_for_pool=pool_size > 0)
    try:
        results = []
        for _ in range(runs):
            if pool_size:
                launcher.wait_until(lambda: launcher.health().get("pooled", 0) >= 1, "the pool did not refill")
            else:
                launcher.wait_until(lambda: launcher.health() and not launcher.session_folders(),
                                    "sessions did not end")
            results.append(time_to_first_frame(browser, launcher))
            print(f"  pool {pool_size}: {results[-1]}", flush=True)
        return results
    finally:
        launcher.stop()


def memory(browser, root: Path, sessions: int, options: tuple[str, ...] = ()) -> dict:
    launcher = RunningLauncher(root, "--pool-size", str(sessions), "--max-sessions", str(sessions),
                               "--idle-s", "600", *options, app_args=("--empty",))
    contexts = []
    try:
        launcher.wait_until(lambda: launcher.health().get("pooled", 0) >= sessions, "the pool did not fill")
        time.sleep(3)
        idle = [(pss_mb(pid), rss_mb(pid)) for pid in app_pids(launcher)]
        # Its pages are the apps' too; its own share counts against them (per app process, below).
        forker = sum(pss_mb(pid) for pid in fork_server_pids(launcher))
        for _ in range(sessions):
            context = browser.new_context(viewport={"width": 1200, "height": 800})
            page = context.new_page()
            page.goto(launcher.url, timeout=300_000)
            bm.wait_all_painted(page, ["1"], timeout_s=300)
            with page.expect_file_chooser() as chooser:
                page.locator(".data-io-open").click()
            chooser.value.set_files(str(CT_PATH))
            page.wait_for_function("() => (window.trame.state.get('data_io_notice') || '').startsWith('Loaded')",
                                   timeout=300_000)
            bm.wait_all_painted(page, ["1", "Red", "Yellow", "Green"], timeout_s=300)
            contexts.append(context)
        time.sleep(3)
        loaded = [(pss_mb(pid), rss_mb(pid)) for pid in app_pids(launcher)]
        return {
            "sessions": sessions,
            "idle_pss_mb": [round(p) for p, _ in idle], "idle_rss_mb": [round(r) for _, r in idle],
            "fork_server_pss_mb": round(forker),
            "idle_pss_with_fork_server_share_mb": round((sum(p for p, _ in idle) + forker) / max(1, len(idle))),
            "ct_pss_mb": [round(p) for p, _ in loaded], "ct_rss_mb": [round(r) for _, r in loaded],
        }
    finally:
        for context in contexts:
            context.close()
        launcher.stop()


def drive(url: str, steps: int) -> None:
    """One user (``--drive``): a session with the CT in One-Up Red; says "ready", waits for "go" on stdin,
    then steps and prints its figures as JSON."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = bm.open_app_page(browser, url, (1200, 800))
        bm.wait_all_painted(page, ["1", "Red", "Yellow", "Green"], timeout_s=300)
        bm.show_layout(page, "one_up_red", one_view_size=(800, 600))
        bm.warm_up(page, "Red")
        print("ready", flush=True)
        sys.stdin.readline()
        result = bm.step_latency(page, "Red", steps, "pan")
        print(json.dumps({"p50_ms": bm.pct(result["ms"], 50), "p95_ms": bm.pct(result["ms"], 95),
                          "server_ms": bm.pct(result["server_ms"], 50), "steps": len(result["ms"])}), flush=True)
        browser.close()


def concurrent_drags(root: Path, counts: list[int], steps: int) -> dict:
    import subprocess

    results = {}
    for count in counts:
        launcher = RunningLauncher(root / f"drag{count}", "--pool-size", str(count), "--max-sessions", str(count),
                                   app_args=("--data", str(CT_PATH)))
        drivers = []
        try:
            launcher.wait_until(lambda: launcher.health().get("pooled", 0) >= count, "the pool did not fill")  # noqa: B023
            drivers = [subprocess.Popen([sys.executable, __file__, "--drive", launcher.url, "--steps", str(steps)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                       for _ in range(count)]
            for driver in drivers:
                assert driver.stdout.readline().strip() == "ready"
            for driver in drivers:
                driver.stdin.write("go\n")
                driver.stdin.flush()
            results[count] = [json.loads(driver.stdout.readline()) for driver in drivers]
            print(f"  {count} session(s) dragging Red: {results[count]}", flush=True)
        finally:
            for driver in drivers:
                driver.wait(60)
            launcher.stop()
    alone = statistics.median(r["p50_ms"] for r in results[counts[0]])
    return {"per_count": results,
            "p50_ratio_to_alone": {c: round(statistics.median(r["p50_ms"] for r in rs) / alone, 2)
                                   for c, rs in results.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--only", default="first-frame,memory")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--drag-sessions", default="1,2", help="how many sessions drag at once, in turn")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--drive", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--launcher-option", action="append", default=[], metavar="OPTION",
                        help="passed to the launcher (e.g. --launcher-option=--no-fork-server)")
    args = parser.parse_args()
    launcher_options = tuple(args.launcher_option)
    if args.drive:
        drive(args.drive, args.steps)
        return
    ensure_test_data()
    from playwright.sync_api import sync_playwright

    report: dict = {}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as scratch:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        if "first-frame" in args.only:
            for label, pool in (("direct", None), ("warm", 1), ("cold", 0)):
                runs = (direct_first_frames(browser, args.runs) if pool is None
                        else first_frames(browser, Path(scratch) / label, pool, args.runs, launcher_options))
                report[label] = {"runs": runs,
                                 "median_in_page_s": statistics.median(r["in_page_s"] for r in runs),
                                 "median_driver_s": statistics.median(r["driver_s"] for r in runs)}
        if "drags" in args.only:
            counts = [int(c) for c in args.drag_sessions.split(",")]
            report["drags"] = concurrent_drags(Path(scratch), counts, args.steps)
        if "memory" in args.only:
            report["memory"] = memory(browser, Path(scratch) / "memory", args.sessions, launcher_options)
        browser.close()
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
