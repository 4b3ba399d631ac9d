"""The data a header promises must be in the file (issue 17's loader gaps, stated for every reader): a file
shorter than its header says is refused as cut short, in words, before or while it is read, instead of
loading as zeros or garbage. Files made here from the real MRI and from a VTK sphere; the whole files load."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from trame_slicer_app import scene_data

NIFTI_VOX_OFFSET_AT = 108  # a float in the NIfTI-1 header


@pytest.fixture(scope="module")
def files(tmp_path_factory, an_mri_path) -> Path:
    import nibabel
    from vtkmodules.vtkFiltersSources import vtkSphereSource
    from vtkmodules.vtkIOGeometry import vtkSTLWriter
    from vtkmodules.vtkIOLegacy import vtkPolyDataWriter

    folder = tmp_path_factory.mktemp("promised")
    image = nibabel.load(str(an_mri_path))
    nibabel.save(image, str(folder / "whole.nii"))
    nibabel.save(nibabel.Nifti1Pair(image.dataobj, image.affine), str(folder / "pair.hdr"))
    sphere = vtkSphereSource()
    sphere.SetThetaResolution(24)
    sphere.SetPhiResolution(24)
    sphere.Update()
    for writer, name in ((vtkSTLWriter(), "whole.stl"), (vtkPolyDataWriter(), "whole.vtk")):
        writer.SetFileTypeToBinary()
        writer.SetInputData(sphere.GetOutput())
        writer.SetFileName(str(folder / name))
        writer.Write()
    ascii_stl = vtkSTLWriter()
    ascii_stl.SetInputData(sphere.GetOutput())
    ascii_stl.SetFileName(str(folder / "text.stl"))
    ascii_stl.Write()
    return folder


def made(files: Path, name: str, data: bytes) -> Path:
    (files / name).write_bytes(data)
    return files / name


def refusal(path: Path) -> str:
    with pytest.raises(scene_data.DataError) as error:
        scene_data.inspect_paths([path])
    return str(error.value)


@pytest.mark.parametrize("name", ["whole.nii", "pair.hdr", "whole.stl", "text.stl", "whole.vtk"])
def test_whole_files_load(files, name):
    [loadable] = scene_data.inspect_paths([files / name])
    assert loadable["kind"] in ("volume", "model")


def test_a_nifti_cut_in_half_is_refused(files):
    whole = (files / "whole.nii").read_bytes()
    message = refusal(made(files, "half.nii", whole[: len(whole) // 2]))
    assert "half.nii: its header promises" in message and "the file is cut short" in message


def test_a_nifti_whose_voxels_start_past_its_end_is_refused(files):
    header = bytearray((files / "whole.nii").read_bytes())
    struct.pack_into("<f", header, NIFTI_VOX_OFFSET_AT, float(4 * len(header)))
    message = refusal(made(files, "far.nii", bytes(header)))
    assert f"from byte {4 * len(header):,}" in message and "cut short" in message


def test_an_analyze_pair_whose_img_is_short_is_refused(files):
    made(files, "short.hdr", (files / "pair.hdr").read_bytes())
    made(files, "short.img", (files / "pair.img").read_bytes()[:1000])
    assert "short.img: its header promises" in refusal(files / "short.hdr")


def test_a_binary_stl_claiming_more_triangles_than_it_holds_is_refused(files):
    data = bytearray((files / "whole.stl").read_bytes())
    triangles = struct.unpack_from("<I", data, 80)[0]
    struct.pack_into("<I", data, 80, triangles * 10)
    claims = made(files, "claims.stl", bytes(data))
    assert f"declares {triangles * 10:,} triangles, the file is cut short" in refusal(claims)
    whole = (files / "whole.stl").read_bytes()
    assert "cut short" in refusal(made(files, "cut.stl", whole[: len(whole) - 25]))


def test_a_binary_legacy_vtk_cut_short_is_refused_from_what_its_reader_says(files):
    whole = (files / "whole.vtk").read_bytes()
    message = refusal(made(files, "cut.vtk", whole[: len(whole) // 2]))
    assert "cut.vtk: could not be read as a surface model: the file is damaged or cut short" in message
