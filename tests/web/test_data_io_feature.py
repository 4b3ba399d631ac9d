"""The Data feature on the server, with the real engine and the real CT, no browser:
the data folder's confinement, error messages, screenshots offered as downloads."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from event_loops import run_coroutine
from PIL import Image

from trame_slicer_app.web.features.data_io import DataIO

UPLOAD_CHUNK_BYTES = 1024 * 1024  # what the browser sends


@pytest.fixture
def the_data_feature(tmp_path, a_ct_path, a_server):
    from trame_slicer_app.app import AppConfig, SlicerWebApp

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(a_ct_path, data / "cranium_ct.nrrd")
    (tmp_path / "outside.nrrd").write_bytes(a_ct_path.read_bytes()[:1000])
    os.symlink(tmp_path / "outside.nrrd", data / "link-out.nrrd")
    # --data-dir as __main__ passes it: parsed once, handed in (docs/decisions/0018).
    app = SlicerWebApp(a_server, config=AppConfig(data_dir=data))
    feature = next(f for f in app.features if isinstance(f, DataIO))
    assert feature.data_folder is not None and app.state.data_io_has_data_dir
    yield app, feature
    feature.uploads.close()
    feature.downloads.close()


def shown(app, key: str):
    """What the server last showed the tab (here no tab calls: the feature is called directly)."""
    return app.client_state.get(key)


def error_of(app) -> str:
    return shown(app, "data_io_error") if shown(app, "data_io_error_show") else ""


@pytest.mark.parametrize("selected", [["../outside.nrrd"], ["link-out.nrrd"], ["/etc/passwd"], "cranium_ct.nrrd"])
def test_the_data_folder_refuses_paths_outside_it(the_data_feature, selected):
    app, feature = the_data_feature
    before = app.session.readouts()
    run_coroutine(feature.load_from_data_folder(selected))
    assert app.session.readouts() == before
    if isinstance(selected, list):
        assert "outside the data folder" in error_of(app) or "only paths inside" in error_of(app)


def test_the_data_folder_lists_and_opens_the_ct(the_data_feature):
    app, feature = the_data_feature
    feature.show_data_folder()
    assert [e["name"] for e in shown(app, "data_io_folder")["entries"]] == ["cranium_ct.nrrd"]
    before = app.session.readouts()["window"]
    run_coroutine(feature.load_from_data_folder(["cranium_ct.nrrd"]))
    assert not error_of(app)
    assert "cranium_ct" in shown(app, "data_io_notice")
    assert app.session.readouts()["window"] != before


def test_unknown_upload_ids_are_refused(the_data_feature):
    app, feature = the_data_feature
    run_coroutine(feature.on_uploaded(["not-an-upload"]))
    assert "no such finished upload" in error_of(app)


def test_screenshots_are_offered_as_downloads(the_data_feature):
    app, feature = the_data_feature
    app.session.open_sample()
    feature.screenshot("Red")
    red = feature.downloads.folder / shown(app, "data_io_download")["url"].split("/", 1)[1]
    assert np.asarray(Image.open(red)).std() > 5
    feature.screenshot("layout")
    layout = Image.open(feature.downloads.folder / shown(app, "data_io_download")["url"].split("/", 1)[1])
    assert layout.width > Image.open(red).width
    feature.screenshot("../../etc")
    assert "No visible view" in error_of(app)


def upload_through_the_store(feature, path, display_name: str) -> str:
    data = path.read_bytes()
    upload_id = feature.uploads.begin(display_name, len(data))
    for offset in range(0, len(data), UPLOAD_CHUNK_BYTES):
        feature.uploads.write_chunk(upload_id, offset, data[offset:offset + UPLOAD_CHUNK_BYTES])
    feature.uploads.finish(upload_id)
    return upload_id


def test_uploaded_dicom_files_without_extensions_are_offered_series_by_series(
        the_data_feature, a_dicom_series_dir, a_ct_dicom_file):
    app, feature = the_data_feature
    series_files = sorted(p for p in a_dicom_series_dir.rglob("*") if p.is_file())
    ids = [upload_through_the_store(feature, p, f"IM{n:04d}") for n, p in enumerate(series_files)]
    ids.append(upload_through_the_store(feature, a_ct_dicom_file, "slice"))
    run_coroutine(feature.on_uploaded(ids))
    assert not error_of(app)
    assert shown(app, "data_io_choose_dialog")
    choices = shown(app, "data_io_choices")
    assert [c["kind"] for c in choices] == ["dicom", "dicom"]
    assert all("paths" not in c for c in choices)  # server paths never reach the page
    mr = next(c for c in choices if "MR" in c["detail"])
    run_coroutine(feature.load_chosen([mr["id"]], shown(app, "data_io_kinds")))
    assert not error_of(app)
    assert shown(app, "data_io_notice") == f"Loaded {mr['name']}"


def test_the_folder_dialog_reopens_where_it_was_or_at_the_top(the_data_feature):
    app, feature = the_data_feature
    sub = feature.data_folder.root / "series"
    sub.mkdir()
    (sub / "IM0001").write_bytes(b"x")
    assert feature.open_folder("series")
    assert shown(app, "data_io_folder")["parent"] == ""
    feature.show_data_folder()
    assert shown(app, "data_io_folder")["path"] == "series"
    shutil.rmtree(sub)
    feature.show_data_folder()
    assert shown(app, "data_io_folder")["path"] == "" and shown(app, "data_io_folder_dialog")
    assert not feature.open_folder("../")
    assert "outside the data folder" in error_of(app)


def test_a_node_is_saved_in_the_chosen_format_and_offered(the_data_feature):
    app, feature = the_data_feature
    app.session.open_sample()
    feature.show_save_dialog()
    assert shown(app, "data_io_save_dialog")
    node = shown(app, "data_io_savable")[0]
    assert ".nii.gz" in node["formats"]
    feature.save_node(node["node_id"], ".nii.gz")
    offered = shown(app, "data_io_download")
    assert offered["name"] == f"{node['name']}.nii.gz"
    saved = feature.downloads.folder / offered["url"].split("/", 1)[1]
    import nibabel

    assert nibabel.load(saved).get_fdata().std() > 0
    feature.save_node(node["node_id"], ".exe")  # not one of the node's formats
    assert "Pick a data node" in error_of(app)


def test_a_folder_from_the_data_folder_offers_its_files_and_a_label_map_can_be_switched_to_segments(
        the_data_feature, a_ct_path):
    from made_data import ct_label_map

    from trame_slicer_app import scene_data

    app, feature = the_data_feature
    study = feature.data_folder.root / "study"
    study.mkdir()
    shutil.copy(a_ct_path, study / "cranium_ct.nrrd")
    ct_label_map(a_ct_path, study / "scan_0001.nrrd")
    run_coroutine(feature.load_from_data_folder(["study"]))
    assert not error_of(app) and shown(app, "data_io_choose_dialog")
    choices = {c["name"]: c for c in shown(app, "data_io_choices")}
    assert choices["scan_0001"]["kind_choices"] == ["volume", "labelmap"]
    assert choices["cranium_ct"]["kind_choices"] == ["volume"]
    label_id = choices["scan_0001"]["id"]
    # The browser's select writes the kind; a kind the file was not offered as is refused.
    run_coroutine(feature.load_chosen([label_id], {**shown(app, "data_io_kinds"), label_id: "scene"}))
    assert "cannot be loaded as 'scene'" in error_of(app)
    app.client_state.update(data_io_error_show=False)  # the user closes the message
    run_coroutine(feature.load_from_data_folder(["study"]))
    run_coroutine(feature.load_chosen([c["id"] for c in shown(app, "data_io_choices")],
                                      {**shown(app, "data_io_kinds"), label_id: "labelmap"}))
    assert not error_of(app)
    kinds = sorted((n["name"], n["kind"]) for n in scene_data.savable_nodes(app.session.engine))
    assert kinds == [("cranium_ct", "volume"), ("scan_0001", "segmentation")]


def test_a_saved_node_is_offered_under_its_name_with_its_accents(the_data_feature):
    from trame_slicer_app.engine.display.scene_tree import rename_node

    app, feature = the_data_feature
    app.session.open_sample()
    feature.show_save_dialog()
    rename_node(app.session.engine, shown(app, "data_io_savable")[0]["node_id"], "Head CT <b>bold</b> é")
    feature.show_save_dialog()
    node = shown(app, "data_io_savable")[0]
    feature.save_node(node["node_id"], ".nrrd")
    assert shown(app, "data_io_download")["name"] == "Head CT _b_bold_b_ é.nrrd"


def test_a_scene_reopens_in_the_layout_it_was_saved_in(the_data_feature):
    app, feature = the_data_feature
    app.session.open_sample()
    app._on_layout_change("four_up")  # what the toolbar's layout buttons end in
    feature.save_scene()
    saved = feature.downloads.folder / shown(app, "data_io_download")["url"].split("/", 1)[1]
    shutil.copy(saved, feature.data_folder.root / "four_up.mrb")
    feature.close_scene()
    app.state.layout_name = "one_up_red"
    app._on_layout_change("one_up_red")

    run_coroutine(feature.load_from_data_folder(["four_up.mrb"]))
    assert not error_of(app)
    assert app.state.layout_name == "four_up"


def test_a_label_file_gets_the_same_kind_uploaded_or_from_the_data_folder(the_data_feature, a_ct_path):
    from made_data import ct_label_map

    from trame_slicer_app.engine.display.scene_tree import data_tree

    app, feature = the_data_feature
    label_file = feature.data_folder.root / "head_label.nrrd"
    ct_label_map(a_ct_path, label_file)
    run_coroutine(feature.load_from_data_folder(["head_label.nrrd"]))
    upload_id = upload_through_the_store(feature, label_file, "head_label.nrrd")
    run_coroutine(feature.on_uploaded([upload_id]))
    assert not error_of(app)
    kinds = [(node["name"], node["kind"]) for node in data_tree(app.session.engine)]
    assert kinds == [("head_label", "segmentation"), ("head_label_1", "segmentation")]  # opened twice


def test_an_empty_upload_is_called_empty_by_the_user_s_name(the_data_feature):
    app, feature = the_data_feature
    upload_id = feature.uploads.begin("empty.nrrd", 0)
    feature.uploads.finish(upload_id)
    run_coroutine(feature.on_uploaded([upload_id]))
    assert error_of(app) == "empty.nrrd: the file is empty"


def test_a_radiograph_without_pixel_spacing_loads_with_a_warning_that_stays(the_data_feature):
    """pydicom's CR whose PixelSpacing is 0\\0: it loads at 1 mm, and the user is told so until they close it."""
    from fetch_data import pydicom_test_file

    app, feature = the_data_feature
    upload_id = upload_through_the_store(feature, pydicom_test_file("RG1_UNCR.dcm"), "chest.dcm")
    run_coroutine(feature.on_uploaded([upload_id]))
    assert not error_of(app)
    assert shown(app, "data_io_notice").startswith("Loaded")
    assert shown(app, "data_io_warning_show")
    assert "pixel spacing is 0\\0: it is shown at 1 mm per pixel" in shown(app, "data_io_warning")


def test_an_uploaded_header_without_its_data_file_names_the_user_s_files(the_data_feature):
    from pathlib import Path

    import nibabel

    app, feature = the_data_feature
    header = Path(nibabel.__file__).parent / "tests" / "data" / "nifti1.hdr"
    run_coroutine(feature.on_uploaded([upload_through_the_store(feature, header, "brain.hdr")]))
    assert error_of(app) == "brain.hdr: its data file brain.img is not there; open the .hdr with its .img beside it"
