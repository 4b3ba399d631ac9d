"""Volume rendering benchmark: the app on the real head CT, CT-Bone volume rendering turned on through
the 3D panel, a real Chromium rotating the 3D view (800x600, one-up 3D layout).

Prints: frames painted per second during a continuous rotation, the p95 gap between painted frames,
the time from mouse-down to the first frame painted after it, the time from mouse-up to the
full-quality frame, and the server's render time per frame (interactive and still); first, the
engine alone (no browser) rendering the same view at full quality and at the interactive quality.

Usage: .venv/bin/python benchmarks/volume_rendering_benchmark.py [--rotate-s 5] [--runs 1]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))
from conftest import RunningApp  # noqa: E402
from fetch_data import CT_PATH, ensure_test_data  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

VIEW_SIZE = (800, 600)
DRAG_EVENTS_PER_S = 60
DRAG_RADIUS_PX = (150, 80)
ENGINE_FRAMES = 8
TIMEOUT_S = 60
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Records each painted frame of the 3D view (time, still, server render ms) as it is painted.
FRAME_RECORDER_JS = """() => {
  window.__vrFrames = [];
  if (window.__vrRecorder) return;
  window.__vrRecorder = true;
  const root = document.querySelector('.slicer-view-1 .slicer-stream-view');
  new MutationObserver(() => {
    const s = window.__slicerStreamStats['1'];
    window.__vrFrames.push({t: s.lastFrameAt, still: s.lastMeta.still, render_ms: s.lastMeta.render_ms,
                            scale: s.lastMeta.scale});
  }).observe(root, {attributes: true, attributeFilter: ['data-frames']});
}"""


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def engine_render_times() -> dict:
    """The engine alone: render+read-back ms of the 3D view at full and at interactive quality."""
    from trame_slicer_app.engine.io.volumes import load_volume, show_volume
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine
    from trame_slicer_app.engine.volume_rendering import volume_rendering as vr
    from trame_slicer_app.engine.volume_rendering.quality import interactive_quality

    engine = SlicerEngine()
    volume = load_volume(engine, CT_PATH)
    show_volume(engine, volume)
    view = engine.threed_view
    view.resize(*VIEW_SIZE)
    vr.show_volume_rendering(engine, volume.GetID(), True)
    view.capture()  # first render builds the mapper's tables
    camera = view.renderer.GetActiveCamera()
    result = {}
    for label, interacting in (("still", False), ("interactive", True)):
        vr.set_interacting(engine, interacting)
        times = []
        for _ in range(ENGINE_FRAMES):
            camera.Azimuth(5)
            started = time.perf_counter()
            view.capture()
            times.append((time.perf_counter() - started) * 1000)
        result[f"{label}_ms"] = statistics.median(times[1:])
        result[f"{label}_image_sample_distance_px"] = interactive_quality(view).image_sample_distance_px
    vr.set_interacting(engine, False)
    return result


def open_3d_with_volume_rendering(browser, url):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(url)
    page.wait_for_selector(".slicer-stream-view", timeout=TIMEOUT_S * 1000)
    page.locator(".layout-one_up_3d").click()
    page.wait_for_function("document.querySelectorAll('.slicer-view').length === 1")
    page.locator('[data-feature="threed"] button').first.click()
    box = page.locator(".slicer-view-1").bounding_box()
    page.set_viewport_size({"width": round(1200 - box["width"] + VIEW_SIZE[0]),
                            "height": round(900 - box["height"] + VIEW_SIZE[1])})
    time.sleep(1.0)
    page.locator(".threed-vr-visible input").click()
    page.wait_for_function("window.trame.state.get('threed_vr_visible') === true "
                           "&& window.trame.state.get('threed_vr_preset') === 'CT-Bone'", timeout=TIMEOUT_S * 1000)
    frames = page.evaluate("window.__slicerStreamStats['1'].frames")
    wait_still(page, frames)
    time.sleep(1.0)
    return page


def wait_still(page, after_frames: int) -> None:
    page.wait_for_function(f"""() => {{ const s = window.__slicerStreamStats['1'];
        return s && s.frames > {after_frames} && s.lastMeta && s.lastMeta.still; }}""", timeout=TIMEOUT_S * 1000)


def rotate(page, seconds: float) -> dict:
    box = page.locator(".slicer-view-1").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    time.sleep(0.3)
    page.evaluate(FRAME_RECORDER_JS)
    t_down = page.evaluate("performance.now()")
    page.mouse.down()
    n = int(DRAG_EVENTS_PER_S * seconds)
    start = time.monotonic()
    for i in range(n):
        page.mouse.move(x + DRAG_RADIUS_PX[0] * math.sin(i / 20), y + DRAG_RADIUS_PX[1] * math.cos(i / 25))
        delay = start + (i + 1) / DRAG_EVENTS_PER_S - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    t_up = page.evaluate("performance.now()")
    frames_before_up = page.evaluate("window.__slicerStreamStats['1'].frames")
    page.mouse.up()
    wait_still(page, frames_before_up)
    time.sleep(0.2)
    frames = page.evaluate("window.__vrFrames")
    during = [f for f in frames if t_down < f["t"] <= t_up]
    # Paint times from the client component itself (every painted frame, however observers batch).
    times = [t for t in page.evaluate("window.__slicerStreamStats['1'].frameTimes") if t_down < t <= t_up]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    after_up = [f for f in frames if f["t"] > t_up and f["still"]]
    interactive = [f["render_ms"] for f in during if not f["still"]]
    return {
        "frames_painted_per_s": (len(times) - 1) / ((times[-1] - times[0]) / 1000) if len(times) > 1 else 0.0,
        "gap_p50_ms": pct(gaps, 50),
        "gap_p95_ms": pct(gaps, 95),
        "first_frame_after_mouse_down_ms": times[0] - t_down if times else float("nan"),
        "settle_to_full_quality_ms": after_up[0]["t"] - t_up if after_up else float("nan"),
        "server_render_interactive_p50_ms": pct(interactive, 50),
        "server_render_still_ms": after_up[0]["render_ms"] if after_up else float("nan"),
        "interactive_frames": len(interactive),
        "jpeg_scale_p50": pct([f["scale"] for f in during if not f["still"]], 50),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rotate-s", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "volume_rendering.json"))
    args = parser.parse_args()
    ensure_test_data()
    report = {"view_size": VIEW_SIZE, "engine": engine_render_times(), "runs": []}
    app = RunningApp("--data", str(CT_PATH))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = open_3d_with_volume_rendering(browser, app.url)
            for _ in range(args.runs):
                report["runs"].append(rotate(page, args.rotate_s))
                time.sleep(1.0)
            browser.close()
    finally:
        app.stop()

    engine = report["engine"]
    print(f"\nengine alone, 3D view {VIEW_SIZE[0]}x{VIEW_SIZE[1]}, CT-Bone: full quality "
          f"{engine['still_ms']:.0f} ms/frame (image sample distance "
          f"{engine['still_image_sample_distance_px']:.2f} px), interactive {engine['interactive_ms']:.0f} ms/frame "
          f"({engine['interactive_image_sample_distance_px']:.2f} px)")
    for index, run in enumerate(report["runs"], 1):
        print(f"run {index}: rotating {args.rotate_s:.0f} s in Chromium: {run['frames_painted_per_s']:.1f} frames "
              f"painted/s, gap p50/p95 {run['gap_p50_ms']:.0f}/{run['gap_p95_ms']:.0f} ms, first frame after "
              f"mouse-down {run['first_frame_after_mouse_down_ms']:.0f} ms, settle to full quality "
              f"{run['settle_to_full_quality_ms']:.0f} ms; server render interactive p50 "
              f"{run['server_render_interactive_p50_ms']:.0f} ms, still {run['server_render_still_ms']:.0f} ms; "
              f"JPEG scale p50 {run['jpeg_scale_p50']}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
