"""Time opening a volume file the way the app does (sandboxed inspection, load, shown and rendered)
against slicer-core's own reader of the same file, each in a fresh process; print the server's RSS.

    python benchmarks/volume_open_benchmark.py FILE [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

SPARE_READY_S = 3.0


def _rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (or its peak, ``VmHWM``), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")


def slicer_read(path: Path) -> dict:
    """slicer-core's own open of a volume file, as Slicer's "Add data" does: the volumes logic reads it
    and makes its display node (whose automatic window/level pass the app pays too)."""
    from trame_slicer_app.engine.headless_scene import HeadlessScene

    scene = HeadlessScene()
    start = time.perf_counter()
    node = scene.volumes_logic.AddArchetypeVolume(str(path), "read", 0)
    seconds = time.perf_counter() - start
    assert node is not None and node.GetImageData().GetNumberOfPoints() > 0
    return {"slicer_read_s": seconds, "rss_mb": _rss_mb()}


def app_open(path: Path) -> dict:
    """The app's open, stage by stage, with a spare reader started first as the server does."""
    from trame_slicer_app.engine.slicer_engine import SlicerEngine
    from trame_slicer_app.engine.volume_display import volume_display_state
    from trame_slicer_app.scene_data import inspect_paths, load_loadables

    engine = SlicerEngine()
    try:
        from trame_slicer_app.engine.sandboxed_reading import start_spare_reader
    except ImportError:  # before issue 11: no spare reader
        start_spare_reader = None
    if start_spare_reader is not None:
        start_spare_reader()  # as SceneSession does when the server starts
    for view in engine.views.values():
        view.resize(800, 600)
    for view in engine.views.values():
        view.render()
    time.sleep(SPARE_READY_S)  # the server idles between its start and the first file opened
    rss_before = _rss_mb()
    _reset_peak_rss()
    start = time.perf_counter()
    loadables = inspect_paths([path])
    inspected = time.perf_counter()
    [loaded_volume] = load_loadables(engine, loadables)
    loaded = time.perf_counter()
    for view in engine.slice_views.values():
        view.render()
    rendered = time.perf_counter()
    volume_display_state(engine, loaded_volume["node_id"])  # what the display panel shows (value range)
    shown = time.perf_counter()
    return {"inspect_s": inspected - start, "load_show_s": loaded - inspected, "slice_render_s": rendered - loaded,
            "panel_s": shown - rendered, "total_s": shown - start, "rss_before_mb": rss_before, "rss_mb": _rss_mb(),
            "peak_rss_mb": _rss_mb("VmHWM"), "rss_anon_mb": _rss_mb("RssAnon"), "rss_file_mb": _rss_mb("RssFile"),
            "rss_shmem_mb": _rss_mb("RssShmem")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=("slicer", "app"))
    parser.add_argument("--baseline", help="another checkout whose app is timed too (PYTHONPATH)")
    args = parser.parse_args()
    if args.mode:
        result = slicer_read(args.path) if args.mode == "slicer" else app_open(args.path)
        print(json.dumps(result))
        return
    here = str(Path(__file__).resolve().parents[1])
    runs = [("slicer", here), ("app", here)] + ([("app", args.baseline)] if args.baseline else [])
    for _ in range(args.runs):
        for mode, checkout in runs:
            env = {**os.environ, "PYTHONPATH": checkout}
            out = subprocess.run([sys.executable, __file__, str(args.path), "--mode", mode], env=env,
                                 capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            label = mode if checkout == here else f"{mode}@{checkout}"
            print(label, {k: round(v, 2) for k, v in json.loads(out).items()}, flush=True)


if __name__ == "__main__":
    main()
