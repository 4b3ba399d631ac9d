"""FreeSurfer volumes (``.mgz``, ``.mgh``): read with nibabel, as volumes, label maps or sequences.

Geometry: nibabel's affine of an MGH image is its vox2ras (scanner RAS), the mapping Slicer's IJK to
RAS matrix holds; voxels (i, j, k) become our (k, j, i) arrays, as for NIfTI. A label volume (aseg,
aparc+aseg: named so, whole numbers) opens as a segmentation named and coloured from FreeSurfer's
colour table when one is installed (``FREESURFER_LUT_PATHS``; ``scripts/fetch-freesurfer-colors.py``
takes it from a package at set-up time), with Slicer's default label colours otherwise.

The header (284 bytes, big-endian) is checked against ``IOLimits`` before nibabel reads voxels, and
a ``.mgz``'s gzip stream is inflated once as a stream first (truncation, CRC, far more than declared).
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from .io_limits import DEFAULT_IO_LIMITS, IOLimits
from .volumes import VolumeLoadError, add_volume_from_array

FREESURFER_SUFFIXES = (".mgz", ".mgh")
MGH_HEADER_BYTES = 284
MGH_TYPE_BYTES = {0: 1, 1: 4, 3: 4, 4: 2, 10: 2}  # uchar, int, float, short, ushort
MAX_TRAILER_BYTES = 16 * 1024 * 1024  # tags after the voxels (scan parameters, command lines)
INFLATE_CHUNK_BYTES = 1 << 20
LUT_ENV = "TRAME_SLICER_FREESURFER_LUT"
FREESURFER_LUT_PATHS = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "trame-slicer-app" / "FreeSurferColorLUT.txt",
)


def is_freesurfer_file(path: Path) -> bool:
    return path.name.lower().endswith(FREESURFER_SUFFIXES)


def check_mgh(path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> int:
    """Check the sizes an MGH header declares (reads the header only); returns header + voxel bytes."""
    opener = gzip.open if path.name.lower().endswith(".mgz") else open
    try:
        with opener(path, "rb") as stream:
            header = stream.read(MGH_HEADER_BYTES)
    except (OSError, EOFError, zlib.error):
        raise VolumeLoadError(f"{path.name}: could not be read; the file is damaged or not a FreeSurfer volume"
                              ) from None
    if len(header) < MGH_HEADER_BYTES:
        raise VolumeLoadError(f"{path.name}: too short to be a FreeSurfer volume; the file is cut short")
    version, width, height, depth, frames, data_type = struct.unpack(">6i", header[:24])
    if version != 1:
        raise VolumeLoadError(f"{path.name}: does not start as a FreeSurfer volume does (version {version})")
    dims = [width, height, depth, frames]
    if min(dims) <= 0 or data_type not in MGH_TYPE_BYTES:
        raise VolumeLoadError(f"{path.name}: its header gives the size {dims} and type {data_type}; "
                              "the file is damaged")
    voxels = math.prod(dims)
    if voxels > limits.max_voxels or voxels * MGH_TYPE_BYTES[data_type] > limits.max_volume_bytes:
        raise VolumeLoadError(f"{path.name}: declares {voxels:,} voxels, more than the "
                              f"{limits.max_voxels:,} allowed")
    return MGH_HEADER_BYTES + voxels * MGH_TYPE_BYTES[data_type]


def _verify(path: Path, limits: IOLimits) -> None:
    expected = check_mgh(path, limits)
    if not path.name.lower().endswith(".mgz"):
        if path.stat().st_size < expected:
            raise VolumeLoadError(f"{path.name}: holds fewer voxels than its header declares; the file is cut short")
        return
    produced = 0
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(INFLATE_CHUNK_BYTES):
                produced += len(chunk)
                if produced > expected + MAX_TRAILER_BYTES:
                    raise VolumeLoadError(f"{path.name}: its compressed voxels expand far beyond the {expected:,} "
                                          "bytes its header declares; refused")
    except (OSError, EOFError, zlib.error):
        raise VolumeLoadError(f"{path.name}: its compressed voxels are damaged or cut short") from None
    if produced < expected:
        raise VolumeLoadError(f"{path.name}: holds {produced:,} bytes where its header declares {expected:,}; "
                              "the file is cut short")


def mgh_frame_count(path: Path) -> int:
    try:
        opener = gzip.open if path.name.lower().endswith(".mgz") else open
        with opener(path, "rb") as stream:
            header = stream.read(24)
        return max(1, struct.unpack(">6i", header)[4])
    except (OSError, EOFError, zlib.error, struct.error):
        return 1


def _image(path: Path, limits: IOLimits):
    import nibabel

    _verify(path, limits)
    try:
        return nibabel.load(str(path))
    except Exception as error:
        raise VolumeLoadError(f"{path.name}: could not be read as a FreeSurfer volume "
                              f"({type(error).__name__})") from None


def _voxels(image, path: Path) -> np.ndarray:
    try:
        data = np.asanyarray(image.dataobj)
    except Exception as error:
        raise VolumeLoadError(f"{path.name}: its voxels could not be read ({type(error).__name__})") from None
    # MGH voxels are big-endian: VTK takes native byte order only.
    return np.ascontiguousarray(data.reshape(data.shape[:3]).transpose(2, 1, 0), dtype=data.dtype.newbyteorder("="))


def load_mgh_volume(engine, path: Path, name: str, limits: IOLimits = DEFAULT_IO_LIMITS):
    """A 3D ``.mgz``/``.mgh`` as a scalar volume on nibabel's vox2ras."""
    image = _image(path, limits)
    return add_volume_from_array(engine, _voxels(image, path), name, (1.0, 1.0, 1.0),
                                 ijk_to_ras=np.asarray(image.affine, dtype=float))


def load_mgh_sequence(engine, path: Path, name: str, limits: IOLimits = DEFAULT_IO_LIMITS):
    """A 4D ``.mgz``/``.mgh`` (several frames) as a sequence."""
    from .sequences import add_image_sequence

    return add_image_sequence(engine, _image(path, limits), path, name, limits)


def import_mgh_labelmap(engine, path: Path, name: str, limits: IOLimits = DEFAULT_IO_LIMITS):
    """A FreeSurfer label volume (aseg) as a segmentation: one segment per label, named and coloured
    from FreeSurfer's colour table when it is installed."""
    from slicer import vtkMRMLLabelMapVolumeNode, vtkSlicerSegmentationsModuleLogic
    from vtkmodules.util.numpy_support import numpy_to_vtk
    from vtkmodules.vtkCommonDataModel import vtkImageData
    from vtkmodules.vtkCommonMath import vtkMatrix4x4

    from .segmentations import SegmentationLoadError, remove_with_helpers

    image = _image(path, limits)
    voxels = _voxels(image, path)
    if voxels.dtype.kind not in "iu":
        if not np.all(np.equal(np.mod(voxels, 1), 0)):
            raise SegmentationLoadError(f"{path.name}: a label map must hold whole numbers, one per voxel")
        voxels = voxels.astype(np.int32)
    labels = [int(v) for v in np.unique(voxels) if v > 0]
    if not labels:
        raise SegmentationLoadError(f"{path.name}: the label map is empty (no label above zero)")
    vtk_image = vtkImageData()
    vtk_image.SetDimensions(voxels.shape[2], voxels.shape[1], voxels.shape[0])
    vtk_image.GetPointData().SetScalars(numpy_to_vtk(voxels.ravel(), deep=True))
    labelmap = vtkMRMLLabelMapVolumeNode()
    labelmap.SetName(name)
    matrix = vtkMatrix4x4()
    matrix.DeepCopy([float(v) for v in np.asarray(image.affine, dtype=float).ravel()])
    labelmap.SetIJKToRASMatrix(matrix)
    labelmap.SetAndObserveImageData(vtk_image)
    engine.scene.AddNode(labelmap)
    colors = None
    try:
        labelmap.CreateDefaultDisplayNodes()
        colors = _color_node(engine, labels, name)
        if colors is not None:
            labelmap.GetDisplayNode().SetAndObserveColorNodeID(colors.GetID())
        node = engine.scene.AddNewNodeByClass("vtkMRMLSegmentationNode", name)
        node.CreateDefaultDisplayNodes()
        node.SetReferenceImageGeometryParameterFromVolumeNode(labelmap)
        if not vtkSlicerSegmentationsModuleLogic.ImportLabelmapToSegmentationNode(labelmap, node):
            remove_with_helpers(engine, node)
            raise SegmentationLoadError(f"{path.name}: the label map could not be turned into segments")
        return node
    finally:
        remove_with_helpers(engine, labelmap)
        if colors is not None:
            engine.scene.RemoveNode(colors)


def _color_node(engine, labels: list[int], name: str):
    """A colour table holding FreeSurfer's names and colours for these labels (None without the table)."""
    table = freesurfer_color_table()
    if not table:
        return None
    colors = engine.scene.AddNewNodeByClass("vtkMRMLColorTableNode", f"{name} colours")
    colors.SetTypeToUser()
    colors.SetNumberOfColors(max(labels) + 1)
    for value in range(max(labels) + 1):
        entry = table.get(value)
        if value in labels:
            label_name, rgb = entry if entry else (f"Label {value}", (0.5, 0.5, 0.5))
            colors.SetColor(value, label_name, *rgb, 1.0)
        else:
            colors.SetColor(value, "", 0.0, 0.0, 0.0, 0.0)
    return colors


_lut_cache: dict[str, dict[int, tuple[str, tuple[float, float, float]]]] = {}


def freesurfer_color_table() -> dict[int, tuple[str, tuple[float, float, float]]]:
    """{label: (name, (r, g, b) in 0-1)} from FreeSurferColorLUT.txt, or {} when none is installed."""
    candidates = [Path(os.environ[LUT_ENV])] if os.environ.get(LUT_ENV) else list(FREESURFER_LUT_PATHS)
    for path in candidates:
        key = str(path)
        if key in _lut_cache:
            return _lut_cache[key]
        if path.is_file():
            _lut_cache[key] = parse_color_lut(path.read_text(errors="replace"))
            return _lut_cache[key]
    return {}


def parse_color_lut(text: str) -> dict[int, tuple[str, tuple[float, float, float]]]:
    """FreeSurfer's colour table format: ``number name r g b a`` per line, ``#`` comments."""
    table = {}
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) < 5:
            continue
        try:
            number, rgb = int(words[0]), tuple(min(255, max(0, int(v))) / 255.0 for v in words[2:5])
        except ValueError:
            continue
        table[number] = (words[1][:80], rgb)
    return table
