"""The --data-dir folder: listing and confinement, on a real folder tree with real links."""

from __future__ import annotations

import os

import pytest

from trame_slicer_app.data_folder import DataFolder, DataFolderError


@pytest.fixture
def a_data_folder(tmp_path):
    root = tmp_path / "data"
    (root / "ct" / "series").mkdir(parents=True)
    (root / "ct" / "head.nrrd").write_bytes(b"x" * 10)
    (root / "notes.txt").write_text("hi")
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "passwd").write_text("no")
    os.symlink(outside, root / "link-out")
    os.symlink(outside / "passwd", root / "ct" / "file-link-out")
    os.symlink(root / "ct" / "head.nrrd", root / "link-in.nrrd")
    return DataFolder(root)


def test_listing_shows_folders_first_and_hides_links_pointing_out(a_data_folder):
    listing = a_data_folder.list("")
    assert [e["name"] for e in listing["entries"]] == ["ct", "link-in.nrrd", "notes.txt"]
    assert listing["parent"] is None
    sub = a_data_folder.list("ct")
    assert [(e["name"], e["kind"]) for e in sub["entries"]] == [("series", "folder"), ("head.nrrd", "file")]
    assert sub["entries"][1] == {"name": "head.nrrd", "path": "ct/head.nrrd", "kind": "file", "size_bytes": 10}
    assert sub["parent"] == ""


@pytest.mark.parametrize("hostile", [
    "..", "../secret", "ct/../../secret/passwd", "/etc/passwd", "link-out", "link-out/passwd",
    "ct/file-link-out", "missing", "a\x00b", 3, None, ["ct"], "x" * 5000,
])
def test_paths_outside_or_malformed_are_refused(a_data_folder, hostile):
    with pytest.raises(DataFolderError):
        a_data_folder.resolve(hostile)
    with pytest.raises(DataFolderError):
        a_data_folder.list(hostile)


def test_links_that_stay_inside_resolve_to_the_real_file(a_data_folder):
    assert a_data_folder.resolve("link-in.nrrd") == a_data_folder.root / "ct" / "head.nrrd"
    assert a_data_folder.resolve("ct/series/..") == a_data_folder.root / "ct"


def test_listing_a_file_is_refused(a_data_folder):
    with pytest.raises(DataFolderError, match="not a folder"):
        a_data_folder.list("notes.txt")


def test_the_root_must_be_a_folder(tmp_path):
    with pytest.raises(DataFolderError):
        DataFolder(tmp_path / "missing")
