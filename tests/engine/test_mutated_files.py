"""A corpus of damaged and hostile files made from the real CT and MRI: each one ends in a DataError
whose message names the file and says why, and the engine then still loads a good file."""

from __future__ import annotations

import gzip
import os
import struct
import zipfile
from pathlib import Path

import pytest
from fetch_data import MRI_PATHS
from made_data import skull_polydata, write_model

from trame_slicer_app import scene_data

CT_HEADER = (b"NRRD0004\ntype: short\ndimension: 3\nspace: left-posterior-superior\nsizes: 256 256 108\n"
             b"space directions: (0.957,0,0) (0,0.957,0) (0,0,1.5)\nendian: little\n")
# Words from inside file formats that a user reading a refusal should not need to know.
FORMAT_JARGON = ("magic", "NRRD", "NIfTI", "MetaImage", "DimSize", "ElementType", "DIMENSIONS", "gzip", "MRML",
                 "URI", "XML", "entities", "truncated")
BOMB_INFLATED_BYTES = 64 * 1024 * 1024  # what the gzip bomb inflates to (its header declares far less)


def nrrd_header(data_file: str, extra: str = "") -> bytes:
    return CT_HEADER + f"encoding: raw\n{extra}data file: {data_file}\n\n".encode()


def mrml(storage_attributes: str) -> bytes:
    return (
        '<MRML version="Slicer4.4.0">\n'
        '<Volume id="vtkMRMLScalarVolumeNode1" name="ct" references="storage:vtkMRMLVolumeArchetypeStorageNode1;" />\n'
        f'<VolumeArchetypeStorage id="vtkMRMLVolumeArchetypeStorageNode1" {storage_attributes} />\n'
        "</MRML>\n"
    ).encode()


def nifti_with(source: Path, dims: tuple[int, ...]) -> bytes:
    """The MRI's NIfTI file with other dimensions written into its header."""
    data = bytearray(gzip.decompress(source.read_bytes()))
    data[40:56] = struct.pack("<8h", len(dims), *dims, *([1] * (7 - len(dims))))
    return gzip.compress(bytes(data), compresslevel=1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, a_ct_path) -> tuple[Path, dict[str, str]]:
    """Files, each with what its refusal must say."""
    folder = tmp_path_factory.mktemp("mutated")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.raw").write_bytes(bytes(256 * 256 * 108 * 2))
    ct = a_ct_path.read_bytes()
    mri = MRI_PATHS["ch2.nii.gz"]
    mri_bytes = bytearray(mri.read_bytes())
    (folder / "slice001.raw").write_bytes(bytes(16))
    good_nrrd_header = nrrd_header("slice001.raw")
    (folder / "ok.nhdr").write_bytes(good_nrrd_header)
    skull = write_model(skull_polydata(a_ct_path), folder / "skull_source.stl").read_bytes()
    (folder / "skull_source.stl").unlink()

    files: dict[str, tuple[bytes, str]] = {
        # damaged
        "truncated.nrrd": (ct[: len(ct) // 2], "could not be read as an image"),
        "truncated.nii.gz": (bytes(mri_bytes[: len(mri_bytes) // 2]), "damaged or cut short"),
        "bitflipped.nii.gz": (bytes(mri_bytes[: len(mri_bytes) // 2] + bytes([mri_bytes[len(mri_bytes) // 2] ^ 0x10])
                                    + mri_bytes[len(mri_bytes) // 2 + 1:]), "damaged or cut short"),
        "bitflipped_header.nrrd": (ct.replace(b"sizes:", b"sizgs:", 1), "does not give the image's size"),
        "truncated.stl": (skull[: len(skull) // 2], "triangles, the file is cut short"),
        "not_an_image.nrrd": (b"solid x\n", "does not start as a .nrrd image does"),
        "random.nii": (os.urandom(4096), "does not start as a .nii image does"),
        # empty, whatever the name promises
        **{f"empty{suffix}": (b"", "the file is empty")
           for suffix in (".nrrd", ".nhdr", ".nii.gz", ".mha", ".stl", ".vtk", ".mrml", ".mrb", ".zip", ".dcm")},
        "garbage.vtp": (b'<VTKFile type="PolyData"><PolyData><Piece NumberOfPoints="1000000000"/></PolyData>'
                        b"</VTKFile>", "could not be read as a surface model"),
        # lying headers
        "lying_sizes.nrrd": (ct.replace(b"sizes: 256 256 108", b"sizes: 100000 100000 100000", 1),
                             "voxels, more than the limit"),
        "lying_dims.nii.gz": (nifti_with(mri, (30000, 30000, 30000)), "voxels, more than the limit"),
        "lying.mhd": (b"ObjectType = Image\nNDims = 3\nDimSize = 100000 100000 1000\nElementType = MET_FLOAT\n"
                      b"ElementDataFile = slice001.raw\n", "voxels, more than the limit"),
        "lying_dims.vtk": (b"# vtk DataFile Version 4.2\nx\nBINARY\nDATASET STRUCTURED_POINTS\n"
                           b"DIMENSIONS 100000 100000 100000\nSPACING 1 1 1\nORIGIN 0 0 0\nPOINT_DATA 1\n"
                           b"SCALARS s short\nLOOKUP_TABLE default\n", "voxels, more than the limit"),
        "lying_points.vtk": (b"# vtk DataFile Version 4.2\nx\nBINARY\nDATASET POLYDATA\nPOINTS 90000000000 float\n",
                             "points, more than the limit"),
        "lying_small.nii.gz": (nifti_with(mri, (400, 400, 400)),
                               "where its header declares 64,000,352; the file is cut short"),
        # gzip bombs: a small file that inflates far beyond what its header declares or what is allowed
        "bomb.nii.gz": (gzip.compress(gzip.decompress(nifti_with(mri, (8, 8, 8)))[:352] + bytes(BOMB_INFLATED_BYTES),
                                      compresslevel=9), "expand beyond"),
        "bomb_encoding.nrrd": (CT_HEADER.replace(b"sizes: 256 256 108", b"sizes: 64 64 64")
                               + b"encoding: gzip\n\n" + gzip.compress(bytes(BOMB_INFLATED_BYTES), compresslevel=9),
                               "expand beyond"),
        "bomb_declared.nrrd": (CT_HEADER.replace(b"type: short", b"type: float").replace(
            b"sizes: 256 256 108", b"sizes: 2048 2048 2048") + b"encoding: gzip\n\n"
            + gzip.compress(bytes(1024 * 1024)), "more than the limit"),
        # references outside the folder
        "passwd.nhdr": (nrrd_header("/etc/passwd"), "outside the folder"),
        "dotdot.nhdr": (nrrd_header(f"../{outside.name}/secret.raw"), "outside the folder"),
        "url.nhdr": (nrrd_header("http://example.invalid/ct.raw"), "refers to a URL"),
        "list.nhdr": (nrrd_header("LIST") + b"slice001.raw\n../../../etc/passwd\n", "outside the folder"),
        "list_no_blank_line.nhdr": (CT_HEADER + b"encoding: raw\ndata file: LIST\nslice001.raw\n/etc/passwd\n",
                                    "outside the folder"),
        "long_header.nhdr": (CT_HEADER + b"# padding\n" * 120_000 + b"data file: /etc/passwd\n", "header is longer"),
        "numbered.nhdr": (nrrd_header(f"../{outside.name}/slice%03d.raw 1 3 1"), "outside the folder"),
        "bad_pattern.nhdr": (nrrd_header("slice%s%n.raw 1 3 1"), "exactly one %d"),
        "passwd.mhd": (b"ObjectType = Image\nNDims = 3\nDimSize = 4 4 4\nElementType = MET_UCHAR\n"
                       b"ElementDataFile = /etc/passwd\n", "outside the folder"),
        "outside.mrml": (mrml('fileName="/etc/passwd"'), "outside the folder"),
        "dotdot.mrml": (mrml(f'fileName="../{outside.name}/secret.raw"'), "outside the folder"),
        "encoded.mrml": (mrml('fileName="%2E%2E/%2E%2E/%2E%2E/etc/passwd"'), "outside the folder"),
        "uri.mrml": (mrml('fileName="ok.nhdr" uri="http://example.invalid/ct.nrrd"'), "names data at a web address"),
        "indirect.mrml": (mrml('fileName="passwd.nhdr"'), "passwd.nhdr: refers to /etc/passwd"),
        "entities.mrml": (b'<?xml version="1.0"?><!DOCTYPE MRML [<!ENTITY a "aaaaaaaaaa">'
                          b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><MRML>&b;</MRML>', "holds text macros"),
        "broken.mrml": (b"<MRML><Volume", "not a readable Slicer scene (damaged at line 1"),
        # hostile names (with bad content, so that they must be refused and reported readably)
        "new\nline;rm -rf ~.nrrd": (b"NRRD0004\n", "does not give the image's size"),
        "<script>alert(1)<\u202eslx.stl": (b"solid x\n", "could not be read as a surface model"),
    }
    zipped = {
        "escape.mrb": ({"../../evil.mrml": b"<MRML/>"}, "points outside the archive"),
        "no_scene.mrb": ({"Data/ct.nrrd": ct[:1000]}, "holds no scene"),
        "bundle_outside.mrb": ({"scene/scene.mrml": mrml('fileName="/etc/passwd"')}, "outside the folder"),
    }
    expected = {}
    for name, (content, message) in files.items():
        (folder / name).write_bytes(content)
        expected[name] = message
    for name, (members, message) in zipped.items():
        with zipfile.ZipFile(folder / name, "w") as archive:
            for member, content in members.items():
                archive.writestr(member, content)
        expected[name] = message
    os.symlink("/etc/passwd", folder / "link.nrrd")
    expected["link.nrrd"] = "not a volume file"
    return folder, expected


def shown(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)


def test_every_mutated_file_is_refused_with_a_clear_message_and_a_good_file_loads_after(corpus, an_engine, a_ct_path):
    folder, expected = corpus
    paths = [folder / name for name in expected]
    with pytest.raises(scene_data.DataError) as refused:
        scene_data.inspect_paths(paths)
    problems = refused.value.problems
    assert refused.value.loadables == []
    assert all(p.isprintable() for p in problems), "a message carries control characters"
    for name, message in expected.items():
        mine = [p for p in problems if p.startswith(shown(name) + ":") or p.startswith(f"{folder}/{shown(name)}:")]
        assert len(mine) == 1, f"{name!r}: {mine or problems}"
        assert message in mine[0], f"{name!r}: {mine[0]}"
        said = mine[0][len(shown(name)) + 1:]
        assert not [word for word in FORMAT_JARGON if word in said], f"{name!r}: {mine[0]}"
    assert len(problems) == len(expected)
    # Nothing reached the scene, and the engine still opens a good file.
    assert scene_data.savable_nodes(an_engine) == []
    loaded = scene_data.open_paths(an_engine, [a_ct_path])
    assert [n["kind"] for n in loaded] == ["volume"]


def test_references_inside_the_folder_are_accepted(corpus, an_engine):
    folder, _expected = corpus
    (folder / "sub").mkdir()
    (folder / "sub" / "inside.raw").write_bytes(bytes(range(64)))
    header = folder / "inside.nhdr"
    header.write_bytes(b"NRRD0004\ntype: uchar\ndimension: 3\nsizes: 4 4 4\nencoding: raw\n"
                       b"data file: ./sub/../sub/inside.raw\n\n")
    metaimage = folder / "inside.mhd"
    metaimage.write_bytes(b"ObjectType = Image\nNDims = 3\nDimSize = 4 4 4\nElementType = MET_UCHAR\n"
                          b"ElementDataFile = sub/inside.raw\n")
    loadables = scene_data.inspect_paths([header, metaimage])
    assert [lo["detail"][:17] for lo in loadables] == ["4 x 4 x 4 voxels,"] * 2
    loaded = scene_data.load_loadables(an_engine, loadables)
    assert [n["kind"] for n in loaded] == ["volume", "volume"]
