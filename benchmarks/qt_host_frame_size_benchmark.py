"""What a browser-sized frame would cost a live host: a second render per frame on the desktop's main thread.

In the Qt test host (hosts/qt_host.py, under Xvfb, the small head CT) each view is timed as the live host
renders it now (the desktop's render at its widget's size, read back) and as it would render a frame at
the browser's size besides: for the 3D view, the render window resized to the browser's cell, rendered,
read, and resized back and rendered again for the desktop; for a slice view, the slice node resized too
(its field of view follows the view's size: the desktop's MRML changes for the time of the frame). Each
render follows a change (a camera turn, a slice step), so each is real work. Prints ms p50/p95 per view.

Usage: xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/qt_host_frame_size_benchmark.py
       [--renders 20] [--browser-size 1060x417]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from fetch_data import CT_PATH, ensure_test_data  # noqa: E402

from trame_slicer_app.engine.views.offscreen import read_rgb  # noqa: E402
from trame_slicer_app.hosts import qt_host  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def change(view, step: int) -> None:
    if view.kind == "3d":
        view.renderer.GetActiveCamera().Azimuth(3)
    else:
        view.logic.SetSliceOffset(view.logic.GetSliceOffset() + (1 if step % 2 else -1))


def desktop_frame(view) -> None:
    view.render_window.Render()
    read_rgb(view.render_window)


def browser_sized_frame(view, size: tuple[int, int]) -> None:
    window = view.render_window
    desktop_size = tuple(window.GetSize())
    if view.kind == "slice":
        view.logic.ResizeSliceNode(*size)
    window.SetSize(*size)
    window.Render()
    read_rgb(window)
    window.SetSize(*desktop_size)
    if view.kind == "slice":
        view.logic.ResizeSliceNode(*desktop_size)
    window.Render()  # the desktop's own picture again


def timed(view, frame, renders: int) -> list[float]:
    times = []
    for step in range(renders):
        change(view, step)
        started = time.perf_counter()
        frame(view)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--browser-size", default="1060x417")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.browser_size.split("x"))
    ensure_test_data()
    app = qt_host.QApplication.instance() or qt_host.QApplication(["frame-size-benchmark"])
    window, engine, _widgets, _host, _layout_manager = qt_host.build([str(CT_PATH)])
    window.show()
    app.processEvents()
    engine.reset_views()
    app.processEvents()
    print(f"desktop views {engine.views['1'].render_window.GetSize()}, browser cell {size}, "
          f"{args.renders} renders each; ms p50 / p95")
    for name in ("1", "Red"):
        view = engine.views[name]
        timed(view, desktop_frame, 3)  # warm
        now = timed(view, desktop_frame, args.renders)
        sized = timed(view, lambda v: browser_sized_frame(v, size), args.renders)
        app.processEvents()
        print(f"{name:4} desktop's render read back {pct(now, 50):6.1f} / {pct(now, 95):6.1f}   "
              f"plus a browser-sized frame {pct(sized, 50):6.1f} / {pct(sized, 95):6.1f}   "
              f"x{statistics.median(sized) / statistics.median(now):.2f}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
