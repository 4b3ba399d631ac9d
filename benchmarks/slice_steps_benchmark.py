"""Time a Red slice view's wheel step (one slice per event) at 800 x 600, in process, on a volume.

    python benchmarks/slice_steps_benchmark.py FILE [FILE ...]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

STEPS = 40


def measure(path: Path) -> dict:
    from trame_slicer_app.engine.slicer_engine import SlicerEngine
    from trame_slicer_app.engine.view_input import apply_input_event
    from trame_slicer_app.scene_data import inspect_paths, load_loadables

    engine = SlicerEngine()
    load_loadables(engine, inspect_paths([path]))
    view = engine.slice_views["Red"]
    view.resize(800, 600)
    view.render()
    times = []
    for step in range(STEPS):
        direction = 1 if step < STEPS // 2 else -1
        start = time.perf_counter()
        apply_input_event(view, {"type": "wheel", "steps": direction, "x": 400, "y": 300})
        view.render()
        times.append(time.perf_counter() - start)
    return {"median_ms": 1000 * statistics.median(times), "p90_ms": 1000 * sorted(times)[int(0.9 * STEPS)]}


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        result = measure(Path(argument))
        print(Path(argument).name, {k: round(v, 1) for k, v in result.items()}, flush=True)
