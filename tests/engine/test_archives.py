"""Unpacking zips of real data: round trip of a DICOM series, names made safe, nothing overwritten."""

from __future__ import annotations

import stat
import zipfile

import numpy as np
import pytest

from trame_slicer_app.engine.io.archives import ArchiveError, extract_zip
from trame_slicer_app.engine.io.dicom.dicom_series import find_dicom_series, load_dicom_series
from trame_slicer_app.engine.io.volumes import voxel_array


def test_a_zipped_series_comes_back_as_the_same_series(an_engine, tmp_path, a_dicom_series_dir):
    archive = tmp_path / "brain.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(a_dicom_series_dir.glob("*.dcm")):
            out.write(path, f"study/series 1/{path.name}")

    extracted = extract_zip(archive, tmp_path / "out")

    assert sorted(p.name for p in extracted) == sorted(p.name for p in a_dicom_series_dir.glob("*.dcm"))
    assert all(p.parent == (tmp_path / "out").resolve() for p in extracted)
    for path in extracted:
        assert path.read_bytes() == (a_dicom_series_dir / path.name).read_bytes()
    [original] = find_dicom_series([a_dicom_series_dir])
    [unzipped] = find_dicom_series([tmp_path / "out"])
    assert unzipped.series_uid == original.series_uid
    assert [p.name for p in unzipped.files] == [p.name for p in original.files]
    np.testing.assert_array_equal(voxel_array(load_dicom_series(an_engine, unzipped)),
                                  voxel_array(load_dicom_series(an_engine, original)))


def test_names_are_made_here_flat_and_never_overwrite(tmp_path, a_ct_dicom_file):
    into = tmp_path / "out"
    into.mkdir()
    (into / "ct.dcm").write_bytes(b"already here")
    archive = tmp_path / "mixed.zip"
    data = a_ct_dicom_file.read_bytes()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("a/ct.dcm", data)
        out.writestr("b/ct.dcm", data)
        out.writestr("a/", b"")  # a folder entry
        out.writestr("weird name;$(rm -rf).dcm", data)
        out.writestr(".hidden", b"x")
        link = zipfile.ZipInfo("link-to-passwd")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        out.writestr(link, "/etc/passwd")

    extracted = extract_zip(archive, into)

    assert [p.name for p in extracted] == ["1_ct.dcm", "2_ct.dcm", "weird_name_rm_-rf_.dcm", "hidden"]
    assert (into / "ct.dcm").read_bytes() == b"already here"
    assert all(p.read_bytes() == data for p in extracted[:3])
    assert sorted(p.name for p in into.iterdir()) == sorted(["ct.dcm", *[p.name for p in extracted]])
    assert not any(p.is_symlink() for p in into.iterdir())


def test_what_is_not_a_zip_gets_a_clear_error(tmp_path, a_ct_dicom_file):
    with pytest.raises(ArchiveError, match=r"CT_small\.dcm: not a readable zip archive"):
        extract_zip(a_ct_dicom_file, tmp_path / "out")
    with pytest.raises(ArchiveError, match=r"missing\.zip: cannot be read"):
        extract_zip(tmp_path / "missing.zip", tmp_path / "out")
