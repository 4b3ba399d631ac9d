"""A volume is parsed once: the sandboxed reader hands its voxels to the server through a memfd.

What the server builds from them must equal what slicer-core's own reader gives for the same file; an
answer from a child that lies (sizes, geometry) is refused with a clear message; nothing of the shared
memory is left behind, after a load or after a refusal."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from made_data import write_legacy_vtk_volume, write_metaimage
from volume_geometry import ijk_to_ras

from trame_slicer_app import scene_data
from trame_slicer_app.engine.io.legacy_vtk_volumes import load_legacy_vtk_volume
from trame_slicer_app.engine.io.untrusted import sandboxed_reading
from trame_slicer_app.engine.io.untrusted.sandboxed_reading import probe_items
from trame_slicer_app.engine.io.volumes import voxel_array
from trame_slicer_app.engine.io.voxel_handover import MEMFD_NAME
from trame_slicer_app.engine.scene.headless_scene import HeadlessScene

# A child that answers with whatever the test puts in TEST_ANSWER, after writing TEST_BYTES bytes to
# the memfd it was given: a compromised reader, as far as the server can tell.
LYING_PROBE = """
import json, os, sys
sys.stdin.read()
fd = int(os.environ["TRAME_SLICER_HANDOVER_FD"])
os.pwrite(fd, bytes(int(os.environ["TEST_BYTES"])), 0)
answer = json.loads(os.environ["TEST_ANSWER"])
print(json.dumps({"index": 0, "event": "start"}))
print(json.dumps({"index": 0, "event": "done", **answer}))
"""
LYING_COMMAND = (sys.executable, "-c", LYING_PROBE)
IDENTITY = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]


@pytest.fixture(autouse=True)
def no_spare_reader():
    """The memfd counts below are this module's own: a spare reader that an earlier test's session
    started holds one, and is replaced 5 s after each use, so whether it was there before or after a
    test would depend on how long the test took."""
    sandboxed_reading.stop_spare_reader()


def open_memfds() -> int:
    """The memfds of this process that hold handed-over voxels."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += MEMFD_NAME in os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
    return count


def shared_memory_files() -> set[str]:
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


def slicer_core_read(path: Path):
    """slicer-core's own reader (or, for legacy VTK, the server's): the reference."""
    scene = HeadlessScene()
    if path.suffix == ".vtk":
        node = load_legacy_vtk_volume(scene, path, "reference")
    else:
        node = scene.volumes_logic.AddArchetypeVolume(str(path), "reference", 0)
    return scene, node


@pytest.fixture
def volume_files(a_ct_path, tmp_path):
    from fetch_data import MRI_PATHS

    return {
        "ct.nrrd": a_ct_path,
        "ch2.nii.gz": MRI_PATHS["ch2.nii.gz"],
        "ch2better.nii.gz": MRI_PATHS["ch2better.nii.gz"],
        "ct.vtk": write_legacy_vtk_volume(a_ct_path, tmp_path / "ct.vtk"),
        "ct.mha": write_metaimage(a_ct_path, tmp_path / "ct.mha"),
    }


@pytest.mark.parametrize("name", ["ct.nrrd", "ch2.nii.gz", "ch2better.nii.gz", "ct.vtk", "ct.mha"])
def test_handed_over_voxels_equal_slicer_cores_own_read(an_engine, volume_files, name, monkeypatch):
    path = volume_files[name]
    # The server must not read the file itself: any reader it would call fails the test.
    monkeypatch.setattr(scene_data, "load_item", lambda *args, **kwargs: pytest.fail("the server read the file"))
    memfds, shm = open_memfds(), shared_memory_files()
    [loadable] = scene_data.inspect_paths([path])
    assert loadable["id"] in scene_data._handovers
    [loaded] = scene_data.load_loadables(an_engine, [loadable])
    node = an_engine.scene.GetNodeByID(loaded["node_id"])

    _scene, reference = slicer_core_read(path)
    assert node.GetClassName() == reference.GetClassName() == "vtkMRMLScalarVolumeNode"
    assert node.GetImageData().GetDimensions() == reference.GetImageData().GetDimensions()
    assert node.GetImageData().GetScalarType() == reference.GetImageData().GetScalarType()
    assert np.array_equal(voxel_array(node), voxel_array(reference))
    assert np.allclose(ijk_to_ras(node), ijk_to_ras(reference), rtol=0, atol=1e-9)
    assert node.GetImageData().GetScalarRange() == reference.GetImageData().GetScalarRange()
    display = node.GetDisplayNode()
    assert display.GetAutoWindowLevel() and display.GetColorNodeID() == "vtkMRMLColorTableNodeGrey"
    assert (display.GetWindow(), display.GetLevel()) == pytest.approx(
        (reference.GetDisplayNode().GetWindow(), reference.GetDisplayNode().GetLevel()))
    if path.suffix != ".vtk":
        assert Path(node.GetStorageNode().GetFileName()) == path.resolve()
    # The shared memory went with the load.
    assert loadable["id"] not in scene_data._handovers
    assert open_memfds() == memfds
    assert shared_memory_files() == shm


def test_a_dicom_series_is_handed_over_with_its_window_and_tags(an_engine, a_dicom_series_dir, monkeypatch):
    from trame_slicer_app.engine.io.dicom.dicom_series import find_dicom_series, load_dicom_series

    monkeypatch.setattr(scene_data, "load_item", lambda *args, **kwargs: pytest.fail("the server read the files"))
    [loadable] = scene_data.inspect_paths([a_dicom_series_dir])
    [loaded] = scene_data.load_loadables(an_engine, [loadable])
    node = an_engine.scene.GetNodeByID(loaded["node_id"])

    scene = HeadlessScene()
    [series] = find_dicom_series([a_dicom_series_dir])
    reference = load_dicom_series(scene, series)
    assert np.array_equal(voxel_array(node), voxel_array(reference))
    assert np.allclose(ijk_to_ras(node), ijk_to_ras(reference), rtol=0, atol=1e-9)
    assert node.GetAttribute("DICOM.SeriesInstanceUID") == reference.GetAttribute("DICOM.SeriesInstanceUID")
    assert node.GetDisplayNode().GetAutoWindowLevel() == reference.GetDisplayNode().GetAutoWindowLevel()
    assert node.GetDisplayNode().GetWindow() == pytest.approx(reference.GetDisplayNode().GetWindow())


def test_a_volume_switched_to_a_label_map_is_read_by_the_server(an_engine, tmp_path, a_ct_path):
    """The handover is for the kind the child read: another kind takes the old path (and frees it)."""
    from made_data import ct_label_map

    labels = tmp_path / "head.nrrd"  # a plain name: offered as a volume first
    ct_label_map(a_ct_path, labels)
    memfds = open_memfds()
    [loadable] = scene_data.inspect_paths([labels])
    assert loadable["kind"] == "volume" and "labelmap" in loadable["kind_choices"]
    [loaded] = scene_data.load_loadables(an_engine, [{"id": loadable["id"], "kind": "labelmap"}])
    assert loaded["kind"] == "segmentation"
    assert open_memfds() == memfds


def answer(**voxels) -> dict:
    description = {"offset": 0, "bytes": 8 * 8 * 8 * 2, "dims": [8, 8, 8], "scalar_type": 4, "components": 1,
                   "ijk_to_ras": IDENTITY, "window_level": None, "attributes": {}}
    description.update(voxels)
    return {"ok": True, "kind": "volume", "kind_choices": ["volume"],
            "nodes": [{"name": "x", "kind": "volume", "detail": "8 x 8 x 8"}], "voxels": [description]}


HOSTILE_ANSWERS = {
    "wrong size": (answer(bytes=1000), "1,000 bytes of voxels where the dimensions and type make 1,024"),
    "NaN spacing": (answer(ijk_to_ras=[float("nan"), *IDENTITY[1:]]), "not finite"),
    "absurd dims": (answer(dims=[1 << 20, 1 << 20, 1 << 20], bytes=2 << 60), "more than the limit"),
    "negative dims": (answer(dims=[8, -8, 8]), "not all positive"),
    "flat volume": (answer(ijk_to_ras=[1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]), "spacing is zero"),
    "beyond the memfd": (answer(offset=4096), "lie outside"),
    "unknown type": (answer(scalar_type=13), "unknown scalar type"),
    "not numbers": (answer(dims=["8", 8, 8]), "not a whole number"),
    "more voxels than nodes": ({**answer(), "voxels": [None, None]}, "do not match its nodes"),
}


@pytest.mark.parametrize("case", list(HOSTILE_ANSWERS))
def test_a_lying_child_is_refused_and_leaves_nothing_behind(case, monkeypatch, a_ct_path, an_engine):
    given, message = HOSTILE_ANSWERS[case]
    monkeypatch.setenv("TEST_ANSWER", json.dumps(given))
    monkeypatch.setenv("TEST_BYTES", "1024")
    memfds, shm = open_memfds(), shared_memory_files()
    [result] = probe_items([{"kind": "volume", "paths": [str(a_ct_path)], "name": "x"}], command=LYING_COMMAND)
    assert result["ok"] is False
    assert result["error"].startswith("the reader's answer was refused: ") and message in result["error"]

    # Through the server's door: a DataError naming the file, and the server goes on.
    monkeypatch.setattr(sandboxed_reading, "PROBE_COMMAND", LYING_COMMAND)
    with pytest.raises(scene_data.DataError, match="the reader's answer was refused") as refused:
        scene_data.inspect_paths([a_ct_path])
    assert refused.value.problems[0].startswith(a_ct_path.name)
    assert open_memfds() == memfds
    assert shared_memory_files() == shm


def test_an_honest_answer_through_the_lying_child_loads(monkeypatch, a_ct_path, an_engine):
    """The same fake child with a true description: the refusals above are the checks, not the fake."""
    monkeypatch.setenv("TEST_ANSWER", json.dumps(answer()))
    monkeypatch.setenv("TEST_BYTES", "1024")
    monkeypatch.setattr(sandboxed_reading, "PROBE_COMMAND", LYING_COMMAND)
    [loadable] = scene_data.inspect_paths([a_ct_path])
    [loaded] = scene_data.load_loadables(an_engine, [loadable])
    node = an_engine.scene.GetNodeByID(loaded["node_id"])
    assert node.GetImageData().GetDimensions() == (8, 8, 8)
    assert not voxel_array(node).any()


def test_a_child_cannot_hand_over_more_than_its_file_size_limit(tmp_path, a_ct_path):
    """RLIMIT_FSIZE bounds what a (compromised) reader can put in the memfd."""
    from dataclasses import replace

    from trame_slicer_app.engine.io.untrusted.io_limits import DEFAULT_IO_LIMITS

    small = replace(DEFAULT_IO_LIMITS, max_handover_bytes=1 << 20, max_file_bytes=1 << 20, max_volume_bytes=1 << 20)
    script = (
        "import json, os, sys\n"
        "from trame_slicer_app.engine.io.untrusted import file_probe\n"
        "request = json.loads(sys.stdin.read())\n"
        "file_probe._limit_resources(1 << 32, 1 << 20)\n"
        "fd = int(os.environ['TRAME_SLICER_HANDOVER_FD'])\n"
        "data, written = bytes(2 << 20), 0\n"
        "try:\n"
        "    while written < len(data):\n"
        "        written += os.pwrite(fd, data[written:], written)\n"
        "    sys.exit(3)\n"
        "except OSError:\n"
        "    sys.exit(0 if os.fstat(fd).st_size <= 1 << 20 else 4)\n"
    )
    [result] = probe_items([{"kind": "volume", "paths": [str(a_ct_path)], "name": "x"}], small,
                           command=(sys.executable, "-c", script))
    assert result == {"ok": False, "error": "the reader gave no answer for this file"}


def test_a_child_that_dies_after_writing_leaves_no_shared_memory(monkeypatch, a_ct_path):
    script = ("import os, sys\nsys.stdin.read()\nfd = int(os.environ['TRAME_SLICER_HANDOVER_FD'])\n"
              "os.pwrite(fd, bytes(1 << 20), 0)\nprint('{\"index\": 0, \"event\": \"start\"}', flush=True)\n"
              "os.abort()\n")
    memfds, shm = open_memfds(), shared_memory_files()
    [result] = probe_items([{"kind": "volume", "paths": [str(a_ct_path)], "name": "x"}],
                           command=(sys.executable, "-c", script))
    assert result == {"ok": False, "error": "the reader crashed on this file (SIGABRT)"}
    assert open_memfds() == memfds
    assert shared_memory_files() == shm


def test_voxels_beyond_the_budget_are_dropped_and_read_again_from_the_file(an_engine, a_ct_path, tmp_path,
                                                                           monkeypatch):
    """Inspected volumes wait with their voxels up to ``max_handover_bytes``; older ones are dropped and
    then loaded from their file by the server, with the same result."""
    from dataclasses import replace

    from trame_slicer_app.engine.io.untrusted.io_limits import DEFAULT_IO_LIMITS

    first, second = tmp_path / "first.nrrd", tmp_path / "second.nrrd"
    first.write_bytes(a_ct_path.read_bytes())
    second.write_bytes(a_ct_path.read_bytes())
    one_ct = replace(DEFAULT_IO_LIMITS, max_handover_bytes=a_ct_path.stat().st_size)
    while scene_data._handovers:  # what earlier tests inspected and left waiting would be dropped here
        scene_data._handovers.popitem()[1].release()
    memfds = open_memfds()
    [first_loadable] = scene_data.inspect_paths([first], one_ct)
    [second_loadable] = scene_data.inspect_paths([second], one_ct)
    assert first_loadable["id"] not in scene_data._handovers
    assert second_loadable["id"] in scene_data._handovers
    reads = []
    real_load_item = scene_data.load_item
    monkeypatch.setattr(scene_data, "load_item", lambda *args, **kwargs: reads.append(args[2]) or real_load_item(
        *args, **kwargs))
    loaded = scene_data.load_loadables(an_engine, [first_loadable, second_loadable])
    assert reads == [[first]]  # only the dropped one was read by the server
    first_node, second_node = (an_engine.scene.GetNodeByID(item["node_id"]) for item in loaded)
    assert np.array_equal(voxel_array(first_node), voxel_array(second_node))
    assert np.allclose(ijk_to_ras(first_node), ijk_to_ras(second_node))
    assert open_memfds() == memfds


def test_the_spare_reader_serves_one_request_and_is_stopped(a_ct_path):
    memfds = open_memfds()
    sandboxed_reading.start_spare_reader()
    spare = sandboxed_reading._spare
    try:
        assert spare is not None and spare.process.poll() is None
        [result] = probe_items([{"kind": "volume", "paths": [str(a_ct_path)], "name": "x"}])
        assert result["ok"] and spare.process.returncode == 0  # it answered, and ended
        assert sandboxed_reading._spare is not spare
        for handover in result["handovers"]:
            handover.release()
    finally:
        sandboxed_reading.stop_spare_reader()
    assert sandboxed_reading._spare is None
    assert open_memfds() == memfds


def test_the_reader_hands_voxels_over_while_it_counts_them(a_ct_path):
    """The sandboxed reader writes a volume's voxels on a thread of its own while it counts the volume's
    values: what it describes is exactly what a write after the count gives, and nothing else."""
    from trame_slicer_app.engine.io.loadables import probe_volume_kinds
    from trame_slicer_app.engine.io.untrusted.file_probe import EarlyHandover
    from trame_slicer_app.engine.io.voxel_handover import write_voxels

    scene = HeadlessScene()
    early_fd, later_fd = (os.memfd_create("test-voxels") for _ in range(2))
    try:
        early = EarlyHandover(early_fd, 1 << 40)
        found = probe_volume_kinds(scene, a_ct_path, "ct", "volume", while_counting=early.start)
        [node] = found["nodes"]
        written, description = early.description_of(node)
        assert written and description is not None
        assert description == write_voxels(node, later_fd, 1 << 40)
        assert os.pread(early_fd, description["bytes"], 0) == os.pread(later_fd, description["bytes"], 0)
        assert early.description_of(object()) == (False, None)  # a node it did not write
    finally:
        os.close(early_fd)
        os.close(later_fd)
