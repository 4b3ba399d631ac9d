"""Streaming benchmark: the app on the real head CT, driven by a real Chromium.

Prints a table of: time from command to first frame; per view (Red slice at
800x600, 3D at 800x600) the server's render+read-back+encode time, step
latency p50/p95 for drag steps and wheel notches, a continuous 60 events/s
drag (frames/s, p95 gap, bytes/s), settle (mouse-up to still frame); a soak
of mixed drags and wheel with step latency before/after, queue depths and
server RSS; and (a)-(c) again through an emulated 50 ms one-way, 10 Mbit/s link.

Usage: .venv/bin/python benchmarks/streaming_benchmark.py [--soak-s 600] [--steps 40]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))
import numpy as np  # noqa: E402
from conftest import RunningApp  # noqa: E402
from fetch_data import CT_PATH, ensure_test_data  # noqa: E402
from link_emulator import LinkEmulatorThread  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from trame_slicer_app.streaming.jpeg_encoder import encode_jpeg  # noqa: E402

VIEW_SIZE = (800, 600)
ONE_UP = {"Red": "one_up_red", "1": "one_up_3d"}
STEP_GAP_S = 0.35
DRAG_EVENTS_PER_S = 60
DRAG_S = 3.0
SOAK_DRAG_MOVES = 30
REMOTE_DELAY_S, REMOTE_BANDWIDTH_BPS = 0.05, 10e6
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def stats(page, name):
    return page.evaluate(f"window.__slicerStreamStats['{name}']")


def reset(page, name):
    page.evaluate(f"window.__slicerStreamReset('{name}')")


def server_stats(page):
    return page.evaluate("window.trame.client.getConnection().getSession().call('slicer.stream.stats', [])")


def centre(page, name):
    box = page.locator(f".slicer-view-{name}").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def wait_frames(page, name, more_than, still=False, timeout_s=10.0):
    condition = f"s.frames > {more_than}" + (" && s.lastMeta && s.lastMeta.still" if still else "")
    page.wait_for_function(f"() => {{ const s = window.__slicerStreamStats['{name}']; return s && {condition}; }}",
                           timeout=timeout_s * 1000)


def open_one_up(browser, url, name):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(url)
    page.wait_for_selector(".slicer-stream-view", timeout=60000)
    page.locator(f".layout-{ONE_UP[name]}").click()
    page.wait_for_function("document.querySelectorAll('.slicer-view').length === 1")
    box = page.locator(f".slicer-view-{name}").bounding_box()
    page.set_viewport_size({"width": round(1200 - box["width"] + VIEW_SIZE[0]),
                            "height": round(900 - box["height"] + VIEW_SIZE[1])})
    time.sleep(1.0)
    wait_frames(page, name, 0, still=True, timeout_s=30)
    warm_up(page, name)
    return page


def warm_up(page, name):
    """One short drag, as a user's first: until then the view knows its render cost only from
    still frames (dearer: JPEG quality 90, multisampled in 3D), and its first drag renders smaller."""
    x, y = centre(page, name)
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(20):
        page.mouse.move(x + 20 * math.sin(i / 3), y)
        time.sleep(1 / DRAG_EVENTS_PER_S)
    page.mouse.up()
    time.sleep(0.5)


def step_latency(page, name, steps, kind):
    x, y = centre(page, name)
    page.mouse.move(x, y)
    time.sleep(STEP_GAP_S)
    if kind == "drag":
        page.mouse.down()
        time.sleep(STEP_GAP_S)
    samples, server_ms = [], []
    for i in range(steps):
        reset(page, name)
        if kind == "drag":
            page.mouse.move(x + 4 * (i + 1), y + (2 if i % 2 else -2))
        else:
            page.mouse.wheel(0, -100 if i % 2 else 100)
        time.sleep(STEP_GAP_S)
        # The step's own input is the newest one a frame answered: the smallest
        # latency (older inputs that changed nothing are answered by it too).
        s = stats(page, name)
        if s["latenciesMs"]:
            samples.append(min(s["latenciesMs"]))
        if s["breakdowns"]:
            # The first frame after the reset answered the step's own input.
            split = s["breakdowns"][0]
            server_ms.append(split["render"] + split["encode"])
            STEP_BREAKDOWNS.setdefault((page, name, kind), []).append(split)
    if kind == "drag":
        page.mouse.up()
    time.sleep(STEP_GAP_S)
    STEP_SERVER_MS.setdefault((page, name, kind), []).extend(server_ms)
    return samples


# The server's own render + read-back + encode time of the frames that answered
# each step (from the frames' own figures), to compare step latency with, and
# where each step's time went (the client's split, see ui/slicer-view.js).
STEP_SERVER_MS: dict = {}
STEP_BREAKDOWNS: dict = {}
BREAKDOWN_PARTS = ("queued", "network", "apply", "wait", "render", "encode", "transfer", "paint", "total", "scale")


def step_server_ms(page, name, kind):
    return STEP_SERVER_MS.pop((page, name, kind), [])


def step_breakdown(page, name, kind):
    """Median of each part of the steps' latency (ms)."""
    splits = STEP_BREAKDOWNS.pop((page, name, kind), [])
    return {part: pct([s[part] for s in splits], 50) for part in BREAKDOWN_PARTS} if splits else {}


def continuous_drag(page, name, button="left"):
    x, y = centre(page, name)
    page.mouse.move(x, y)
    page.mouse.down(button=button)
    time.sleep(0.2)
    reset(page, name)
    before = stats(page, name)
    t0 = page.evaluate("performance.now()")
    n = int(DRAG_EVENTS_PER_S * DRAG_S)
    start = time.monotonic()
    for i in range(n):
        page.mouse.move(x + 150 * math.sin(i / 20), y + 80 * math.cos(i / 25))
        delay = start + (i + 1) / DRAG_EVENTS_PER_S - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    t1 = page.evaluate("performance.now()")
    after = stats(page, name)
    t_up = page.evaluate("performance.now()")
    frames_before_up = after["frames"]
    page.mouse.up(button=button)
    wait_frames(page, name, frames_before_up, still=True)
    settle_ms = stats(page, name)["lastFrameAt"] - t_up
    times = [t for t in after["frameTimes"] if t0 <= t <= t1]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return {
        "fps": (len(times) - 1) / ((t1 - t0) / 1000) if len(times) > 1 else 0.0,
        "gap_p95_ms": pct(gaps, 95),
        "bytes_per_s": (after["bytes"] - before["bytes"]) / ((t1 - t0) / 1000),
        "settle_ms": settle_ms,
        "scale_quality": (after["lastMeta"]["scale"], after["lastMeta"]["quality"]),
    }


def measure_view(browser, url, name, steps):
    page = open_one_up(browser, url, name)
    result = {"drag_steps_ms": step_latency(page, name, steps, "drag"),
              "drag_steps_server_ms": step_server_ms(page, name, "drag"),
              "drag_steps_breakdown": step_breakdown(page, name, "drag"),
              "wheel_steps_ms": step_latency(page, name, steps, "wheel"),  # slice scrolling; 3D: zoom
              "wheel_steps_server_ms": step_server_ms(page, name, "wheel"),
              "wheel_steps_breakdown": step_breakdown(page, name, "wheel"),
              "drag": continuous_drag(page, name)}
    srv = server_stats(page)[name]
    result["server_render_ms"], result["server_encode_ms"] = srv["render_ms"], srv["encode_ms"]
    result["page"] = page
    return result


def machine_reference_ms(repeats=200):
    """Median time to JPEG-encode one fixed 800x600 picture here, in the benchmark's own process: a
    soak's before and after are minutes apart, and a shared machine's speed drifts meanwhile."""
    rng = np.random.default_rng(7)
    rows = np.linspace(0, 255, VIEW_SIZE[1], dtype=np.float64)[:, None, None]
    picture = np.clip(rows + rng.normal(0, 30, (VIEW_SIZE[1], VIEW_SIZE[0], 3)), 0, 255).astype(np.uint8)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        encode_jpeg(picture, 80)
        times.append((time.perf_counter() - started) * 1000)
    return pct(times, 50)


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def soak(page, name, seconds, pid):
    x, y = centre(page, name)
    rss = [rss_mb(pid)]
    max_in_flight_client, max_pending, max_server_in_flight = 0, 0, 0
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        button = ("left", "middle", "right")[i % 3]
        page.mouse.move(x, y)
        page.mouse.down(button=button)
        # A closed loop: each drag ends where it began, so window/level, pan and zoom do not
        # drift over the soak and the steps after it see the same picture as the steps before.
        for k in range(1, SOAK_DRAG_MOVES + 1):
            turn = 2 * math.pi * k / SOAK_DRAG_MOVES
            page.mouse.move(x + 60 * math.sin(turn), y + 40 * math.sin(2 * turn))
            time.sleep(1 / DRAG_EVENTS_PER_S)
        page.mouse.up(button=button)
        for _ in range(5):
            page.mouse.wheel(0, 100 if i % 2 else -100)
            time.sleep(0.02)
        if name == "Red" and i % 6 == 5:
            page.keyboard.press("r")  # reset the field of view so the soak does not zoom off
        if name == "1" and i % 6 == 5:
            page.mouse.move(x, y)
        s = stats(page, name)
        max_in_flight_client = max(max_in_flight_client, s["maxInputsInFlightSeen"])
        max_pending = max(max_pending, s["maxPendingSeen"])
        max_server_in_flight = max(max_server_in_flight, server_stats(page)[name]["max_in_flight"])
        if i % 20 == 0:
            rss.append(rss_mb(pid))
        i += 1
    rss.append(rss_mb(pid))
    srv = server_stats(page)[name]
    return {"rss_start_mb": rss[0], "rss_end_mb": rss[-1], "rss_max_mb": max(rss),
            "max_inputs_in_flight": max_in_flight_client, "max_pending_inputs": max_pending,
            "max_frames_in_flight": max_server_in_flight, "credit": srv["credit"], "drags": i}


def reset_view(page, name):
    """The view's own reset, so steps before and after a soak see the same picture: a closed drag
    loop in 3D does not bring the camera back (rotations do not commute)."""
    x, y = centre(page, name)
    page.mouse.move(x, y)
    if name == "1":
        page.evaluate("window.trame.trigger('threed_camera', ['reset'])")
    else:
        page.keyboard.press("r")
    time.sleep(1.0)


def first_frame_s(browser):
    started = time.monotonic()
    app = RunningApp("--data", str(CT_PATH))
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(app.url)
    page.wait_for_function("""() => { const s = window.__slicerStreamStats;
        return s && ['1','Red','Yellow','Green'].every(n => s[n] && s[n].frames > 0); }""", timeout=120000)
    elapsed = time.monotonic() - started
    per_view = {n: server_stats(page)[n]["render_ms"] for n in ("1", "Red", "Yellow", "Green")}
    page.close()
    app.stop()
    return elapsed, per_view


def fmt(values):
    return f"{pct(values, 50):6.1f} / {pct(values, 95):6.1f}" if values else "     -"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak-s", type=float, default=600.0, help="soak of the Red slice view")
    parser.add_argument("--soak-3d-s", type=float, default=120.0, help="soak of the 3D view")
    parser.add_argument("--steps", type=int, default=40, help="single steps per measure (p95 needs a few dozen)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "streaming.json"))
    args = parser.parse_args()
    ensure_test_data()
    report = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        report["first_frame_s"], report["first_frame_render_ms"] = first_frame_s(browser)
        app = RunningApp("--data", str(CT_PATH))
        link = LinkEmulatorThread("127.0.0.1", app.port, REMOTE_DELAY_S, REMOTE_BANDWIDTH_BPS)
        remote_url = f"http://127.0.0.1:{link.start()}/"
        try:
            for name in ("Red", "1"):
                local = measure_view(browser, app.url, name, args.steps)
                page = local.pop("page")
                reset_view(page, name)
                before = step_latency(page, name, args.steps, "drag")
                before_split = step_breakdown(page, name, "drag")
                reference_before = machine_reference_ms()
                soak_s = args.soak_s if name == "Red" else args.soak_3d_s
                local["soak"] = soak(page, name, soak_s, app.process.pid)
                local["soak"]["seconds"] = soak_s
                local["soak"]["drag_steps_before_ms"] = before
                reset_view(page, name)
                local["soak"]["drag_steps_after_ms"] = step_latency(page, name, args.steps, "drag")
                local["soak"]["machine_reference_ms"] = (reference_before, machine_reference_ms())
                # The soak leaves another slice, zoom and window on screen: the steps' own render
                # time tells a slower picture from a slower stream.
                local["soak"]["breakdown_before"] = before_split
                local["soak"]["breakdown_after"] = step_breakdown(page, name, "drag")
                page.close()
                remote = measure_view(browser, remote_url, name, args.steps)
                remote.pop("page").close()
                report[name] = {"local": local, "remote": remote}
        finally:
            link.stop()
            app.stop()
        browser.close()

    print(f"\ncommand to first frame in all four views: {report['first_frame_s']:.2f} s; "
          f"render ms per view: {report['first_frame_render_ms']}")
    print(f"\n{'view':5} {'link':7} {'step srv p50':>12} {'drag step p50/p95':>18} {'ratio':>6} "
          f"{'wheel p50/p95':>16} {'ratio':>6} {'drag fps':>9} {'gap p95':>8} {'KB/s':>7} {'settle':>7} {'scale,q'}")
    for name in ("Red", "1"):
        for where in ("local", "remote"):
            r = report[name][where]
            d = r["drag"]
            drag_srv, wheel_srv = pct(r["drag_steps_server_ms"], 50), pct(r["wheel_steps_server_ms"], 50)
            r["drag_step_ratio"] = pct(r["drag_steps_ms"], 50) / drag_srv if drag_srv else float("nan")
            r["wheel_step_ratio"] = pct(r["wheel_steps_ms"], 50) / wheel_srv if wheel_srv else float("nan")
            print(f"{name:5} {where:7} {drag_srv:12.1f} {fmt(r['drag_steps_ms']):>18} {r['drag_step_ratio']:6.2f} "
                  f"{fmt(r['wheel_steps_ms']):>16} {r['wheel_step_ratio']:6.2f} {d['fps']:9.1f} "
                  f"{d['gap_p95_ms']:8.1f} {d['bytes_per_s'] / 1024:7.0f} {d['settle_ms']:7.1f} {d['scale_quality']}")
    print(f"\nwhere a step's time went (medians; ms, the render scale last): {', '.join(BREAKDOWN_PARTS)}")
    for name in ("Red", "1"):
        for where in ("local", "remote"):
            for kind in ("drag", "wheel"):
                split = report[name][where][f"{kind}_steps_breakdown"]
                if split:
                    print(f"{name:5} {where:7} {kind:6} " + " ".join(f"{split[p]:7.1f}" for p in BREAKDOWN_PARTS))
    for name in ("Red", "1"):
        s = report[name]["local"]["soak"]
        print(f"soak {name}: {s['seconds']:.0f} s, {s['drags']} drags; drag step p50/p95 before "
              f"{fmt(s['drag_steps_before_ms'])} after {fmt(s['drag_steps_after_ms'])} ms; inputs in flight max "
              f"{s['max_inputs_in_flight']}, pending max {s['max_pending_inputs']}, frames in flight max "
              f"{s['max_frames_in_flight']} (credit {s['credit']}); RSS {s['rss_start_mb']:.0f} -> "
              f"{s['rss_end_mb']:.0f} MB (max {s['rss_max_mb']:.0f})")
        ref_before, ref_after = s["machine_reference_ms"]
        print(f"     machine reference (JPEG of a fixed 800x600 picture, benchmark process) before/after: "
              f"{ref_before:.1f} / {ref_after:.1f} ms")
        b, a = s["breakdown_before"], s["breakdown_after"]
        if b and a:
            print(f"     median step before/after: render scale {b['scale']:.2f} / {a['scale']:.2f}, "
              f"render+encode {b['render'] + b['encode']:.1f} / "
                  f"{a['render'] + a['encode']:.1f} ms, the rest {b['total'] - b['render'] - b['encode']:.1f} / "
                  f"{a['total'] - a['render'] - a['encode']:.1f} ms")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
