"""Time each stage of opening a volume, in process, best of N: slicer-core's own read (AddArchetypeVolume,
which also computes the automatic window/level), and the stages of the sandboxed path (the child's read,
label count and handover; the server's copy, display node and first slice renders). Also the start of a
reader process (what the spare reader hides).

    python benchmarks/volume_stages_benchmark.py FILE [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path


def best(timings: dict, name: str, seconds: float) -> None:
    timings[name] = min(timings.get(name, seconds), seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from vtkmodules.vtkCommonCore import vtkDataArray

    from trame_slicer_app.engine.io.loadables import distinct_values, load_item
    from trame_slicer_app.engine.io.volumes import show_volume
    from trame_slicer_app.engine.io.voxel_handover import (
        HandoverBuffer,
        _copy_into,
        add_handed_over_volume,
        read_into_image,
        validate,
        write_voxels,
    )
    from trame_slicer_app.engine.scene.headless_scene import HeadlessScene
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    child = HeadlessScene()
    engine = SlicerEngine()
    for view in engine.views.values():
        view.resize(800, 600)
    timings: dict[str, float] = {}
    for _ in range(args.runs):
        start = time.perf_counter()
        node = child.volumes_logic.AddArchetypeVolume(str(args.path), "reference", 0)
        best(timings, "slicer-core read (AddArchetypeVolume)", time.perf_counter() - start)
        child.scene.Clear(1)

        start = time.perf_counter()
        [node] = load_item(child, "volume", [args.path], "x", display=False)
        best(timings, "child: read, no display node", time.perf_counter() - start)
        start = time.perf_counter()
        distinct_values(node)
        best(timings, "child: label count", time.perf_counter() - start)
        buffer = HandoverBuffer()
        start = time.perf_counter()
        description = write_voxels(node, buffer.fd, 1 << 40)
        best(timings, "child: write to memfd", time.perf_counter() - start)
        child.scene.Clear(1)

        start = time.perf_counter()
        buffer.seal()
        handover = validate(description, buffer)
        buffer.release()
        best(timings, "server: seal and validate", time.perf_counter() - start)
        start = time.perf_counter()
        read_into_image(handover)
        best(timings, "server: the voxels alone (the memfd's pages adopted; not a stage)", time.perf_counter() - start)
        scalars = vtkDataArray.CreateDataArray(handover.scalar_type)
        start = time.perf_counter()
        _copy_into(scalars, handover)
        best(timings, "server: the voxels copied instead (preadv; not a stage)", time.perf_counter() - start)
        del scalars
        start = time.perf_counter()
        volume = add_handed_over_volume(engine, handover, "x", args.path)
        handover.release()
        best(timings, "server: voxels + node + display (auto W/L)", time.perf_counter() - start)
        start = time.perf_counter()
        show_volume(engine, volume)
        for view in engine.slice_views.values():
            view.render()
        best(timings, "server: show + first slice renders", time.perf_counter() - start)
        engine.scene.RemoveNode(volume)

        start = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        probe = "trame_slicer_app.engine.io.untrusted.file_probe"
        subprocess.run([sys.executable, "-m", probe], input=b"", env=env, check=True)
        best(timings, "reader process start (hidden by the spare)", time.perf_counter() - start)
    for name, seconds in timings.items():
        print(f"{seconds:6.3f} s  {name}")


if __name__ == "__main__":
    main()
