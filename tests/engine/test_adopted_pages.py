"""Handed-over voxels are the memfd's own pages: mapped, not copied, private to the server, and unmapped
when VTK lets go of the array (which the slice views now do when a volume leaves the scene)."""

from __future__ import annotations

import fcntl
import gc
import os

import numpy as np
import pytest
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkShortArray

from trame_slicer_app import scene_data
from trame_slicer_app.engine.io.adopted_pages import adopt_pages
from trame_slicer_app.engine.io.scene_files import close_scene
from trame_slicer_app.engine.io.untrusted import sandboxed_reading
from trame_slicer_app.engine.io.voxel_handover import MEMFD_NAME

PAGE = 4096


def memfd_mappings() -> int:
    """Mappings of handed-over voxels in this process."""
    with open("/proc/self/maps") as maps:
        return sum(MEMFD_NAME in line for line in maps)


def sealed_memfd(values: np.ndarray) -> int:
    fd = os.memfd_create(MEMFD_NAME, os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    os.pwrite(fd, values.tobytes(), 0)
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
    return fd


@pytest.fixture(autouse=True)
def no_spare_reader():
    """A spare reader started by another test holds a memfd of its own (not mapped, but kept tidy)."""
    sandboxed_reading.stop_spare_reader()


def test_adopted_values_are_the_memfds_and_writes_stay_the_servers_own():
    values = np.arange(3 * PAGE, dtype=np.int16)  # 6 pages of voxels
    fd = sealed_memfd(values)
    before = memfd_mappings()
    array = vtkShortArray()
    adopt_pages(array, fd, 0, values.nbytes, values.size)
    os.close(fd)  # the mapping alone keeps the pages
    assert memfd_mappings() == before + 1
    assert array.GetNumberOfTuples() == values.size
    assert np.array_equal(vtk_to_numpy(array), values)

    vtk_to_numpy(array)[5] = -7  # the engine may write voxels (copy on write, page by page)
    assert array.GetValue(5) == -7

    del array
    gc.collect()
    assert memfd_mappings() == before


def test_writing_to_an_adopted_array_leaves_the_sealed_memfd_as_it_was():
    values = np.full(PAGE, 3, dtype=np.int16)
    fd = sealed_memfd(values)
    array = vtkShortArray()
    adopt_pages(array, fd, 0, values.nbytes, values.size)
    vtk_to_numpy(array)[:] = 9
    assert np.array_equal(np.frombuffer(os.pread(fd, values.nbytes, 0), dtype=np.int16), values)
    os.close(fd)


def test_a_volume_read_alone_is_adopted_and_let_go_of_when_the_scene_is_closed(an_engine, a_ct_path):
    for view in an_engine.views.values():
        view.resize(320, 240)
    before = memfd_mappings()  # volumes other tests' engines still hold
    [loadable] = scene_data.inspect_paths([a_ct_path])
    [loaded] = scene_data.load_loadables(an_engine, [loadable])
    for view in an_engine.views.values():
        view.render()
    assert memfd_mappings() == before + 1, "the CT's voxels should be the memfd's pages"
    volume = an_engine.scene.GetNodeByID(loaded["node_id"])
    assert volume.GetImageData().GetPointData().GetScalars().GetNumberOfTuples() == 256 * 256 * 108
    del volume

    close_scene(an_engine)
    for view in an_engine.views.values():
        view.render()
    gc.collect()
    assert memfd_mappings() == before, "the closed CT's voxels are still held"


def test_volumes_read_together_are_copied(an_engine, a_ct_path):
    """One memfd holds both: mapping one would keep the other's voxels alive with it."""
    from fetch_data import MRI_PATHS

    before = memfd_mappings()
    loadables = scene_data.inspect_paths([a_ct_path, MRI_PATHS["ch2.nii.gz"]])
    assert all(loadable["id"] in scene_data._handovers for loadable in loadables)
    loaded = scene_data.load_loadables(an_engine, loadables)
    assert len(loaded) == 2
    assert memfd_mappings() == before
    for item in loaded:
        image = an_engine.scene.GetNodeByID(item["node_id"]).GetImageData()
        assert image.GetPointData().GetScalars().GetRange() != (0.0, 0.0)


def test_a_refused_mapping_falls_back_to_the_copy(an_engine, a_ct_path, monkeypatch):
    """The kernel may refuse the mapping (no address space left): the voxels are then copied."""
    import errno

    from trame_slicer_app.engine.io import adopted_pages

    def refuse(*_args):
        raise adopted_pages.AdoptionFailed(errno.ENOMEM)

    monkeypatch.setattr(adopted_pages, "adopt_pages", refuse)
    before = memfd_mappings()
    [loadable] = scene_data.inspect_paths([a_ct_path])
    [loaded] = scene_data.load_loadables(an_engine, [loadable])
    scalars = an_engine.scene.GetNodeByID(loaded["node_id"]).GetImageData().GetPointData().GetScalars()
    assert scalars.GetNumberOfTuples() == 256 * 256 * 108 and scalars.GetRange()[1] > 1000
    assert memfd_mappings() == before
