"""What each view's frames cost in memory, in the engine alone (no server, no browser).

An engine with the head CT shown, its views at the Conventional layout's sizes on a 1600x1000 page; after
each view's first (interactive) frame and the 3D view's multisampled still frame, prints the process's
anonymous RSS, glibc's heap in use and its separately mapped (large) blocks. ``--windows plain`` gives the
views VTK's own off-screen windows (display framebuffer and all) instead of the engine's, for comparison;
each run is one fresh process with the app's C heap settings.

Usage: .venv/bin/python benchmarks/view_memory.py [--windows lean|plain] [--data FILE]
"""

from __future__ import annotations

import argparse
import ctypes
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from fetch_data import CT_PATH, ensure_test_data  # noqa: E402

from trame_slicer_app.native_heap import keep_heap_compact  # noqa: E402

CONVENTIONAL_SIZES_PX = {"1": (1260, 467), "Red": (419, 467), "Yellow": (419, 467), "Green": (419, 467)}


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def memory_mib() -> dict[str, float]:
    figures = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("RssAnon:", "RssFile:")):
            key, value = line.split(":")
            figures[key] = int(value.split()[0]) / 1024
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    figures["heap_in_use"] = info.uordblks / 2**20
    figures["mapped_blocks"] = info.hblkhd / 2**20
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--windows", choices=("lean", "plain"), default="lean")
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    keep_heap_compact()
    from trame_slicer_app.engine.io.volumes import load_volume, show_volume
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    window_maker = None
    if args.windows == "plain":
        sys.path.insert(0, str(REPO / "tests" / "engine"))
        from test_lean_framebuffers import plain_window

        window_maker = plain_window
    last = memory_mib()

    def report(step: str) -> None:
        nonlocal last
        now = memory_mib()
        print(f"{step:34s} RssAnon {now['RssAnon']:7.1f} ({now['RssAnon'] - last['RssAnon']:+6.1f})  heap in use "
              f"{now['heap_in_use']:6.1f} ({now['heap_in_use'] - last['heap_in_use']:+5.1f})  mapped blocks "
              f"{now['mapped_blocks']:6.1f} ({now['mapped_blocks'] - last['mapped_blocks']:+5.1f})  MiB", flush=True)
        last = now

    report("start")
    engine = SlicerEngine(window_maker=window_maker)
    report("engine, four views")
    if args.data is None:
        ensure_test_data()
    node = load_volume(engine, Path(args.data or CT_PATH))
    for name, size in CONVENTIONAL_SIZES_PX.items():
        engine.view(name).resize(*size)
    show_volume(engine, node)
    report("volume loaded and shown")
    for name in ("Red", "Yellow", "Green", "1"):
        view = engine.view(name)
        view.set_still(False)
        view.capture()
        report(f"{name}: first frame")
    engine.view("1").set_still(True)
    engine.view("1").capture()
    report("1: multisampled still frame")
    for name in ("Red", "Yellow", "Green", "1"):
        engine.view(name).capture()
    report("every view again (nothing kept)")


if __name__ == "__main__":
    main()
