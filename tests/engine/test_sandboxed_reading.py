"""The sandboxed reader: a reader that crashes, eats memory or hangs on a file costs only its child;
the server gets a clear refusal for that file, reads the others, and goes on loading good files."""

from __future__ import annotations

import sys
import time

import pytest

from trame_slicer_app import scene_data
from trame_slicer_app.engine.io.untrusted import sandboxed_reading
from trame_slicer_app.engine.io.untrusted.io_limits import IOLimits
from trame_slicer_app.engine.io.untrusted.sandboxed_reading import probe_items
from trame_slicer_app.engine.io.volumes import load_volume

# The real probe, with a fault injected for files whose name says so: the rest (resource limits,
# answers, the loaders) is the probe the server runs.
FAULTY_PROBE = """
import ctypes, os, sys, time
from trame_slicer_app.engine.io.untrusted import file_probe
real_probe_one = file_probe.probe_one
def probe_one(engine, item, limits, *rest):
    name = item["paths"][0]
    if "segfault" in name:
        ctypes.string_at(0)
    if "abort" in name:
        os.abort()
    if "hungry" in name:
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(1000)]
    if "slow" in name:
        time.sleep(60)
    return real_probe_one(engine, item, limits, *rest)
file_probe.probe_one = probe_one
sys.exit(file_probe.main())
"""
FAULTY_COMMAND = (sys.executable, "-c", FAULTY_PROBE)
SMALL_CHILD_MEMORY_BYTES = 1536 * 1024 * 1024
SHORT_CHILD_TIME_S = 8.0


@pytest.fixture
def copies(tmp_path, a_ct_path):
    """The CT under names that trigger each injected fault."""
    def copy(name):
        path = tmp_path / name
        path.write_bytes(a_ct_path.read_bytes())
        return path
    return copy


def item(path):
    return {"kind": "volume", "paths": [str(path)], "name": path.stem}


@pytest.mark.parametrize(("fault", "message"), [
    ("segfault", "crashed on this file (SIGSEGV)"),
    ("abort", "crashed on this file (SIGABRT)"),
    ("hungry", "needed more than the 1536 MiB allowed"),
])
def test_a_fault_is_reported_for_its_file_and_the_next_files_are_still_read(copies, fault, message):
    limits = IOLimits(child_memory_bytes=SMALL_CHILD_MEMORY_BYTES)
    paths = [copies("first.nrrd"), copies(f"{fault}.nrrd"), copies("last.nrrd")]
    results = probe_items([item(p) for p in paths], limits, command=FAULTY_COMMAND)
    assert results[0]["ok"] and results[2]["ok"], results
    assert results[2]["nodes"][0]["dims"] == [256, 256, 108]
    assert not results[1]["ok"] and message in results[1]["error"]


def test_a_reader_that_hangs_is_stopped_at_the_time_limit(copies):
    limits = IOLimits(child_time_s=SHORT_CHILD_TIME_S)
    started = time.monotonic()
    results = probe_items([item(copies("slow.nrrd")), item(copies("after.nrrd"))], limits, command=FAULTY_COMMAND)
    assert time.monotonic() - started < SHORT_CHILD_TIME_S + 20
    assert not results[0]["ok"] and f"longer than {SHORT_CHILD_TIME_S:g} s" in results[0]["error"]
    assert results[1]["ok"]


def test_a_header_asking_for_more_than_the_child_may_have_fails_cleanly(tmp_path):
    """No fault injected: teem itself must allocate 3.2 GB for this header, beyond the child's cap."""
    import gzip

    lying = tmp_path / "lying.nrrd"
    lying.write_bytes(b"NRRD0004\ntype: short\ndimension: 3\nsizes: 2048 2048 400\nendian: little\n"
                      b"encoding: gzip\n\n" + gzip.compress(bytes(4 * 1024 * 1024)))
    generous = IOLimits(max_voxels=10**12, max_volume_bytes=10**13, child_memory_bytes=SMALL_CHILD_MEMORY_BYTES)
    [result] = probe_items([item(lying)], generous)
    assert not result["ok"] and "lying.nrrd" in result["error"]


def test_the_server_refuses_a_crashing_file_with_a_data_error_and_keeps_loading(
        copies, an_engine, a_ct_path, monkeypatch):
    monkeypatch.setattr(sandboxed_reading, "PROBE_COMMAND", FAULTY_COMMAND)
    crashing = copies("segfault.nrrd")
    with pytest.raises(scene_data.DataError) as refused:
        scene_data.inspect_paths([crashing, a_ct_path])
    assert refused.value.problems == ["segfault.nrrd: the reader crashed on this file (SIGSEGV)"]
    assert [lo["name"] for lo in refused.value.loadables] == ["cranium_ct"]
    assert an_engine.scene.GetNodesByClass("vtkMRMLScalarVolumeNode").GetNumberOfItems() == 0
    loaded = scene_data.load_loadables(an_engine, refused.value.loadables)
    assert loaded[0]["kind"] == "volume"


def test_probing_costs_about_a_child_start_over_reading(a_ct_path, an_engine):
    """The figure for docs/decisions/0004: the child's overhead for the CT (printed, loosely bounded)."""
    started = time.perf_counter()
    [result] = probe_items([item(a_ct_path)])
    probe_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    load_volume(an_engine, a_ct_path)
    load_ms = (time.perf_counter() - started) * 1000
    print(f"\nCT probe in child: {probe_ms:.0f} ms; direct load: {load_ms:.0f} ms")
    assert result["ok"]
    assert probe_ms < 30_000
