"""4D images load as Slicer sequences: nibabel's frame count, each frame nibabel's voxels on nibabel's
geometry; the browser's frame moves the proxy volume the views show. And a .hdr without its .img is
refused in the user's words."""

from __future__ import annotations

import shutil
from pathlib import Path

import nibabel
import numpy as np
import pytest
from volume_geometry import ijk_to_ras

from trame_slicer_app import scene_data
from trame_slicer_app.engine.io import sequences
from trame_slicer_app.engine.io.volumes import voxel_array

NIBABEL_DATA = Path(nibabel.__file__).parent / "tests" / "data"
FOUR_D_FILES = ("example4d.nii.gz", "example_nifti2.nii.gz", "functional.nii")


@pytest.fixture(scope="module")
def loaded():
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    loadables = scene_data.inspect_paths([NIBABEL_DATA / name for name in FOUR_D_FILES])
    nodes = scene_data.load_loadables(engine, loadables)
    return {"engine": engine, "loadables": loadables,
            "nodes": {Path(lo["paths"][0]).name: n for lo, n in zip(loadables, nodes, strict=True)}}


def test_4d_images_are_offered_as_sequences_with_their_frame_count(loaded):
    for loadable in loaded["loadables"]:
        image = nibabel.load(loadable["paths"][0])
        assert loadable["kind"] == "sequence"
        assert loadable["kind_choices"] == ["sequence"]
        assert f"{image.shape[3]} frames" in loadable["detail"]


@pytest.mark.parametrize("file_name", FOUR_D_FILES)
def test_each_frame_is_nibabels_array_on_nibabels_geometry(loaded, file_name):
    engine = loaded["engine"]
    proxy = engine.scene.GetNodeByID(loaded["nodes"][file_name]["node_id"])
    assert loaded["nodes"][file_name]["kind"] == "volume"
    browser = sequences.browser_for_volume(engine, proxy.GetID())
    image = nibabel.load(str(NIBABEL_DATA / file_name))
    assert browser.GetNumberOfItems() == image.shape[3]
    assert ijk_to_ras(proxy) == pytest.approx(np.asarray(image.affine), abs=1e-4)
    data = np.asanyarray(image.dataobj)
    for frame in range(image.shape[3]):
        assert sequences.set_frame(engine, browser.GetID(), frame) == frame
        assert np.array_equal(voxel_array(proxy), data[..., frame].transpose(2, 1, 0))
    assert not np.array_equal(data[..., 0], data[..., 1])  # frames differ: the proxy really moved


def test_the_controls_act_on_the_shown_sequence_and_play_in_a_loop(loaded):
    engine = loaded["engine"]
    current = sequences.current_sequence(engine)
    assert current["name"] == "functional"  # the last volume loaded is the one shown
    assert current["frames"] == 20
    sequences.set_frame(engine, current["id"], 19)
    assert sequences.step(engine, current["id"]) == 0  # loops
    assert sequences.set_frame(engine, current["id"], 500) == 19  # clamped
    sequences.set_playing(engine, current["id"], True)
    assert sequences.playing_browsers(engine) == [current["id"]]
    assert sequences.current_sequence(engine)["playing"]
    sequences.set_playing(engine, current["id"], False)
    assert sequences.playing_browsers(engine) == []


def test_a_time_series_keeps_its_time_step_as_index(loaded):
    engine = loaded["engine"]
    proxy_id = loaded["nodes"]["example4d.nii.gz"]["node_id"]
    browser = sequences.browser_for_volume(engine, proxy_id)
    image = nibabel.load(str(NIBABEL_DATA / "example4d.nii.gz"))
    step = float(image.header.get_zooms()[3])
    sequences.set_frame(engine, browser.GetID(), 1)
    state = sequences.sequence_state(engine, browser.GetID())
    assert state["index"].startswith(f"{step:g}")


@pytest.mark.parametrize("header", ["nifti1.hdr", "analyze.hdr", "nifti2.hdr"])
def test_a_header_without_its_data_file_says_so(tmp_path, header):
    path = Path(shutil.copy(NIBABEL_DATA / header, tmp_path / header))
    with pytest.raises(scene_data.DataError) as error:
        scene_data.inspect_paths([path])
    stem = header[: -len(".hdr")]
    assert error.value.problems == [f"{header}: its data file {stem}.img is not there; "
                                    "open the .hdr with its .img beside it"]


def test_deleting_the_volume_removes_the_controls_and_closing_removes_the_frames():
    from trame_slicer_app.engine.display.scene_tree import delete_node
    from trame_slicer_app.engine.io.scene_files import close_scene
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    loaded = scene_data.open_paths(engine, [NIBABEL_DATA / "example4d.nii.gz"])
    browser_id = sequences.current_sequence(engine)["id"]
    delete_node(engine, loaded[0]["node_id"])
    assert sequences.current_sequence(engine) is None
    with pytest.raises(ValueError, match="no sequence"):  # its frames went with it
        sequences.set_frame(engine, browser_id, 1)
    assert engine.scene.GetNumberOfNodesByClass("vtkMRMLScalarVolumeNode") == 0  # no proxy made again
    close_scene(engine)
    assert engine.scene.GetNumberOfNodesByClass("vtkMRMLSequenceNode") == 0
    assert engine.scene.GetNumberOfNodesByClass("vtkMRMLSequenceBrowserNode") == 0


def test_undoing_the_deletion_of_a_4d_volume_brings_back_its_frames_and_redo_removes_them_again():
    from trame_slicer_app.engine.display.scene_tree import delete_node
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine
    from trame_slicer_app.engine.undo.scene_undo import SceneUndo

    engine = SlicerEngine()
    undo = SceneUndo(engine)
    loaded = scene_data.open_paths(engine, [NIBABEL_DATA / "functional.nii"])
    proxy_id = loaded[0]["node_id"]
    browser_id = sequences.current_sequence(engine)["id"]
    sequences.set_frame(engine, browser_id, 7)
    seventh = voxel_array(engine.scene.GetNodeByID(proxy_id)).copy()
    undo.checkpoint("Delete")
    delete_node(engine, proxy_id)
    assert sequences.current_sequence(engine) is None

    assert undo.undo()
    current = sequences.current_sequence(engine)
    assert (current["id"], current["volume_id"], current["frames"]) == (browser_id, proxy_id, 20)
    assert engine.scene.GetNumberOfNodesByClass("vtkMRMLScalarVolumeNode") == 1  # the same proxy, no new one
    assert np.array_equal(voxel_array(engine.scene.GetNodeByID(proxy_id)), seventh)
    sequences.set_frame(engine, browser_id, 3)  # the frames are there to play
    assert not np.array_equal(voxel_array(engine.scene.GetNodeByID(proxy_id)), seventh)

    assert undo.redo()
    assert sequences.current_sequence(engine) is None
    assert engine.scene.GetNumberOfNodesByClass("vtkMRMLSequenceNode") == 0


def test_a_sequence_is_saved_in_a_scene_and_reopens_at_its_frame(tmp_path):
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    scene_data.open_paths(engine, [NIBABEL_DATA / "functional.nii"])
    sequences.set_frame(engine, sequences.current_sequence(engine)["id"], 5)
    saved = scene_data.save_scene(engine, tmp_path / "fmri.mrb")
    reopened = SlicerEngine()
    loaded = scene_data.open_paths(reopened, [saved])
    current = sequences.current_sequence(reopened)
    assert (current["frames"], current["frame"]) == (20, 5)
    proxy = reopened.scene.GetNodeByID(loaded[0]["node_id"])
    image = nibabel.load(str(NIBABEL_DATA / "functional.nii"))
    data = np.asanyarray(image.dataobj)
    # The bundle's file may store the slices the other way round (ITK's orientation), with a matrix that
    # says so: the same voxel at the same place in RAS is what counts.
    to_file = np.linalg.inv(image.affine) @ ijk_to_ras(proxy)
    flips = np.diag(to_file[:3, :3])
    assert np.allclose(np.abs(to_file[:3, :3]), np.eye(3))
    for frame in (0, 5, 19):
        sequences.set_frame(reopened, current["id"], frame)
        expected = data[..., frame][tuple(slice(None, None, int(f)) for f in flips)]
        assert np.allclose(voxel_array(proxy), expected.transpose(2, 1, 0))


@pytest.mark.parametrize("source", ["example4d.nii.gz", "functional.nii"])
def test_a_cut_4d_image_is_refused_with_a_reason(tmp_path, source):
    data = (NIBABEL_DATA / source).read_bytes()
    cut = tmp_path / f"cut_{source}"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(scene_data.DataError) as error:
        scene_data.inspect_paths([cut])
    message = str(error.value)
    assert message.startswith(f"{cut.name}: ")
    assert any(words in message for words in ("cut short", "damaged")), message
