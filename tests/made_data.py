"""Segmentations and models made in the tests from the real CT (nothing here is committed data)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from fetch_data import CT_SPACING_MM, write_nrrd

SOFT_TISSUE_HU = 300  # label 1: above this
BONE_HU = 1000  # label 2: above this (the skull)


def read_ct_voxels(ct_path: Path) -> np.ndarray:
    """The CT's voxels (k, j, i) straight from its attached raw NRRD, without Slicer."""
    data = ct_path.read_bytes()
    header_end = data.index(b"\n\n") + 2
    return np.frombuffer(data[header_end:], dtype="<i2").reshape(108, 256, 256)


def ct_label_map(ct_path: Path, out: Path) -> np.ndarray:
    """Threshold the CT into labels 0 (air), 1 (soft tissue), 2 (bone); write it as NRRD or NIfTI."""
    voxels = read_ct_voxels(ct_path)
    labels = ((voxels > SOFT_TISSUE_HU).astype(np.uint8) + (voxels > BONE_HU)).astype(np.uint8)
    if out.name.endswith(".nii.gz"):
        import nibabel

        # NIfTI is RAS; the CT's NRRD is LPS with identity directions: flip x and y.
        affine = np.diag([-CT_SPACING_MM[0], -CT_SPACING_MM[1], CT_SPACING_MM[2], 1.0])
        nibabel.save(nibabel.Nifti1Image(np.ascontiguousarray(labels.transpose(2, 1, 0)), affine), str(out))
    else:
        write_nrrd(out, labels, CT_SPACING_MM)
    return labels


def skull_polydata(ct_path: Path):
    """The skull surface (iso-surface at BONE_HU) in LPS millimetres, made with VTK's flying edges."""
    from vtkmodules.util.numpy_support import numpy_to_vtk
    from vtkmodules.vtkCommonDataModel import vtkImageData
    from vtkmodules.vtkFiltersCore import vtkFlyingEdges3D

    voxels = read_ct_voxels(ct_path)
    image = vtkImageData()
    image.SetDimensions(256, 256, 108)
    image.SetSpacing(*CT_SPACING_MM)
    image.GetPointData().SetScalars(numpy_to_vtk(voxels.ravel(), deep=True))
    surface = vtkFlyingEdges3D()
    surface.SetInputData(image)
    surface.SetValue(0, BONE_HU)
    surface.ComputeNormalsOff()
    surface.Update()
    return surface.GetOutput()


def write_model(polydata, out: Path) -> Path:
    """Write a mesh with VTK's own writer for the suffix (not Slicer's)."""
    from vtkmodules.vtkIOGeometry import vtkOBJWriter, vtkSTLWriter
    from vtkmodules.vtkIOLegacy import vtkPolyDataWriter
    from vtkmodules.vtkIOPLY import vtkPLYWriter
    from vtkmodules.vtkIOXML import vtkXMLPolyDataWriter

    writers = {".stl": vtkSTLWriter, ".obj": vtkOBJWriter, ".ply": vtkPLYWriter, ".vtk": vtkPolyDataWriter,
               ".vtp": vtkXMLPolyDataWriter}
    writer = writers[out.suffix]()
    writer.SetFileName(str(out))
    writer.SetInputData(polydata)
    if out.suffix in (".stl", ".ply", ".vtk"):
        writer.SetFileTypeToBinary()
    assert writer.Write() == 1
    return out


def write_legacy_vtk_volume(ct_path: Path, out: Path) -> Path:
    """The CT as a legacy VTK structured-points file (origin 0, axes along LPS, as the NRRD)."""
    from vtkmodules.util.numpy_support import numpy_to_vtk
    from vtkmodules.vtkCommonDataModel import vtkImageData
    from vtkmodules.vtkIOLegacy import vtkStructuredPointsWriter

    image = vtkImageData()
    image.SetDimensions(256, 256, 108)
    image.SetSpacing(*CT_SPACING_MM)
    image.GetPointData().SetScalars(numpy_to_vtk(read_ct_voxels(ct_path).ravel(), deep=True))
    writer = vtkStructuredPointsWriter()
    writer.SetFileName(str(out))
    writer.SetInputData(image)
    writer.SetFileTypeToBinary()
    writer.SetFileVersion(writer.VTK_LEGACY_READER_VERSION_4_2)  # what ITK's VTK image reader knows
    assert writer.Write() == 1
    return out


def probability_map(mri_path: Path, out: Path) -> Path:
    """The MRI scaled to 0-1 as float32 (a probability map's type and range), as NIfTI."""
    import nibabel

    mri = nibabel.load(str(mri_path))
    voxels = np.asarray(mri.dataobj, dtype=np.float32)
    scaled = (voxels - voxels.min()) / (voxels.max() - voxels.min())
    image = nibabel.Nifti1Image(scaled.astype(np.float32), mri.affine)
    image.header.set_data_dtype(np.float32)
    nibabel.save(image, str(out))
    return out


def big_ct_path(ct_path: Path) -> Path:
    """The CT resampled to a real CT's size (512 x 512 x 432, 226 MB of int16), kept beside the test
    data (tests/.data), never committed; made by the benchmarks' maker, so tests and benchmarks
    measure the same volume."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import made_volumes

    return made_volumes.large_ct(ct_path, ct_path.parent)


def write_metaimage(ct_path: Path, out: Path) -> Path:
    """The CT as a MetaImage (``.mha``, one file) with VTK's own writer (origin 0, axes along LPS)."""
    from vtkmodules.util.numpy_support import numpy_to_vtk
    from vtkmodules.vtkCommonDataModel import vtkImageData
    from vtkmodules.vtkIOImage import vtkMetaImageWriter

    image = vtkImageData()
    image.SetDimensions(256, 256, 108)
    image.SetSpacing(*CT_SPACING_MM)
    image.GetPointData().SetScalars(numpy_to_vtk(read_ct_voxels(ct_path).ravel(), deep=True))
    writer = vtkMetaImageWriter()
    writer.SetFileName(str(out))
    writer.SetCompression(False)
    writer.SetInputData(image)
    writer.Write()
    return out
