"""What a file is (volume, label map, segmentation, model, scene, DICOM) and how each kind is loaded.

Used both by the sandboxed reader (into a throwaway scene) and by the server (into the engine's scene),
so that what the child proved readable is read the same way.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..errors import EngineError
from ..scene.data_kinds import node_kind
from .freesurfer import FREESURFER_SUFFIXES, is_freesurfer_file, mgh_frame_count
from .legacy_vtk_volumes import load_legacy_vtk_volume
from .markups_files import MARKUPS_EXTENSIONS, load_markups
from .models import MODEL_EXTENSIONS, legacy_vtk_dataset, load_model
from .scene_files import load_mrb, load_mrml
from .segmentations import SEGMENTATION_EXTENSIONS, import_labelmap, load_segmentation
from .sequences import NIFTI_SUFFIXES, frame_count, load_nifti_sequence, nifti_frame_count
from .untrusted.file_references import MAX_HEADER_BYTES
from .untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits
from .volumes import VOLUME_EXTENSIONS, VolumeLoadError, load_volume

KINDS = ("volume", "dicom", "segmentation", "labelmap", "model", "scene", "sequence", "markups")
MAX_NODE_NAME_CHARACTERS = 80
# Words in a file name that mark a label map, as Slicer's "LabelMap" option guesses.
LABELMAP_NAME_WORDS = {"label", "labels", "labelmap", "seg", "segmentation", "mask", "aseg"}
# Volume files the user may open either as a volume or as a label map (one segment per label).
KIND_CHOICE_EXTENSIONS = (".nrrd", ".nhdr", ".nii", ".nii.gz", *FREESURFER_SUFFIXES)
VOLUME_KIND_CHOICES = ("volume", "labelmap")
MAX_LABELMAP_LABELS = 256  # distinct values (0 included) an image may hold to be offered as a label map
MAX_LABEL_BINCOUNT_RANGE = 1 << 16  # value ranges counted with one array of counters; wider ones are sorted
LABEL_COUNT_CHUNK_VOXELS = 1 << 24  # voxels counted at a time (128 MiB of 64-bit counters' input)
FIRST_LABEL_COUNT_CHUNK_VOXELS = 1 << 20  # the first count is small: most images are no label maps
DICOM_EXTENSIONS = (".dcm", ".dicom", ".ima")
ARCHIVE_EXTENSIONS = (".zip",)
LEGACY_VTK_VOLUME_DATASETS = {"STRUCTURED_POINTS", "IMAGE_DATA"}


class LoadableError(EngineError):
    """A file is not something this viewer reads, or could not be read; the message says why."""


def file_suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in (*SEGMENTATION_EXTENSIONS, ".nii.gz", *MARKUPS_EXTENSIONS):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def display_name(path: Path) -> str:
    """A node name from a file name: suffix dropped, control characters removed, length bounded."""
    suffix = file_suffix(path)
    stem = path.name[: -len(suffix)] if suffix and path.name.lower().endswith(suffix) else path.name
    clean = "".join(c for c in stem if unicodedata.category(c)[0] != "C").strip()
    return (clean or "data")[:MAX_NODE_NAME_CHARACTERS]


def _nrrd_holds_segments(path: Path) -> bool:
    with open(path, "rb") as stream:
        head = stream.read(MAX_HEADER_BYTES)
    return head.startswith(b"NRRD") and b"\nSegment0_ID:=" in head.split(b"\n\n", 1)[0]


def _named_like_labelmap(path: Path) -> bool:
    words = set(re.split(r"[^a-z]+", display_name(path).lower()))
    return bool(words & LABELMAP_NAME_WORDS)


def zip_holds_scene(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.lower().endswith(".mrml") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def classify_file(path: Path, user_name: str | None = None) -> str | None:
    """The kind of a single file from its name and first bytes, or None when it is none we read.
    ``user_name``: the file's name as the user gave it, when it is stored under another (an upload):
    the label map rule reads the user's words, never a generated name."""
    suffix = file_suffix(path)
    if suffix in (".mrml", ".mrb"):
        return "scene"
    if suffix in SEGMENTATION_EXTENSIONS:
        return "segmentation"
    if suffix in MARKUPS_EXTENSIONS:
        return "markups"
    if suffix in ARCHIVE_EXTENSIONS:
        return "scene" if zip_holds_scene(path) else "dicom"
    if suffix == ".vtk":
        return "volume" if legacy_vtk_dataset(path) in LEGACY_VTK_VOLUME_DATASETS else "model"
    if suffix in MODEL_EXTENSIONS:
        return "model"
    if suffix in FREESURFER_SUFFIXES and mgh_frame_count(path) > 1:
        return "sequence"
    if suffix in (*VOLUME_EXTENSIONS, *FREESURFER_SUFFIXES):
        if suffix in (".nrrd", ".nhdr") and _nrrd_holds_segments(path):
            return "segmentation"
        if suffix in NIFTI_SUFFIXES and nifti_frame_count(path) > 1:
            return "sequence"  # a 4D image (a time series): one volume per frame
        return "labelmap" if _named_like_labelmap(Path(user_name) if user_name else path) else "volume"
    from .dicom.dicom_series import is_dicom_file  # helper DICOM's reader

    if suffix in DICOM_EXTENSIONS or is_dicom_file(path):
        return "dicom"
    return None


def kind_choices(path: Path, kind: str) -> list[str]:
    """The kinds a file may be loaded as: a NRRD or NIfTI volume also as a label map, and back."""
    if kind in VOLUME_KIND_CHOICES and file_suffix(path) in KIND_CHOICE_EXTENSIONS:
        return list(VOLUME_KIND_CHOICES)
    return [kind]


def distinct_values(node, limit: int = MAX_LABELMAP_LABELS) -> int | None:
    """How many distinct values a volume holds, or None when it cannot be a label map (not whole
    numbers, not one component). Counting stops mattering above ``limit``: limit + 1 is returned."""
    import numpy as np
    from vtkmodules.util.numpy_support import vtk_to_numpy

    image = node.GetImageData()
    scalars = image.GetPointData().GetScalars() if image is not None else None
    if scalars is None or scalars.GetNumberOfComponents() != 1:
        return None
    values = vtk_to_numpy(scalars)
    if values.dtype.kind not in "iu" or values.size == 0:
        return None
    values = values.reshape(-1)
    # numpy's min and max: VTK's GetScalarRange takes about ten times as long on a large volume.
    low, high = int(values.min()), int(values.max())
    # Chunk by chunk: a whole-volume copy in 64-bit integers could need 8 times the volume's memory.
    if high - low < MAX_LABEL_BINCOUNT_RANGE:
        seen = np.zeros(high - low + 1, dtype=bool)
        start, size = 0, FIRST_LABEL_COUNT_CHUNK_VOXELS
        while start < values.size:
            chunk = values[start:start + size].astype(np.int64) - low
            seen |= np.bincount(chunk, minlength=seen.size) > 0
            if np.count_nonzero(seen) > limit:
                break  # a CT shows thousands of values in its first chunk: no need to count the rest
            start, size = start + size, min(2 * size, LABEL_COUNT_CHUNK_VOXELS)
        return min(int(np.count_nonzero(seen)), limit + 1)
    found: set[int] = set()
    for start in range(0, values.size, LABEL_COUNT_CHUNK_VOXELS):
        found.update(np.unique(values[start:start + LABEL_COUNT_CHUNK_VOXELS]).tolist())
        if len(found) > limit:
            break
    return min(len(found), limit + 1)


def _largest_value(node) -> float:
    from vtkmodules.util.numpy_support import vtk_to_numpy

    return float(vtk_to_numpy(node.GetImageData().GetPointData().GetScalars()).max())


def probe_volume_kinds(engine, path: Path, name: str, hinted_kind: str, limits: IOLimits = DEFAULT_IO_LIMITS,
                       while_counting: Callable[[list], Callable[[], None]] | None = None) -> dict:
    """Read a NRRD/NIfTI volume for the sandboxed reader and say which kinds it may be loaded as.

    The label map kind is offered only for whole-number images with at most MAX_LABELMAP_LABELS
    values (a CT would make thousands of segments), and is the default only when the file name also
    says so (``hinted_kind``): an MRI of bytes stays a volume unless the user switches it. The label
    map import is run here when it is the default; when only offered, the read and the bound on
    segments are what was proved. Returns {"kind", "kind_choices", "nodes"}.

    ``while_counting(nodes)``, when given, starts work on the volume just read that may run while its
    values are counted (the sandboxed reader hands its voxels over meanwhile); it returns a function
    that waits for that work, called before this one returns or raises."""
    volume = load_item(engine, "volume", [path], name, limits, display=False)
    wait = while_counting(volume) if while_counting is not None else None
    try:
        labels = distinct_values(volume[0])
    finally:
        if wait is not None:
            wait()
    has_labels = labels is not None and _largest_value(volume[0]) > 0  # label 0 is the background
    can_be_labelmap = labels is not None and 1 < labels <= MAX_LABELMAP_LABELS and has_labels
    choices = list(VOLUME_KIND_CHOICES) if can_be_labelmap else ["volume"]
    if can_be_labelmap and hinted_kind == "labelmap":
        try:
            return {"kind": "labelmap", "kind_choices": choices,
                    "nodes": load_item(engine, "labelmap", [path], name, limits)}
        except ValueError:  # not turned into segments after all: it is still a readable volume
            choices = ["volume"]
    return {"kind": "volume", "kind_choices": choices, "nodes": volume}


def load_item(
    engine, kind: str, paths: list[Path], name: str, limits: IOLimits = DEFAULT_IO_LIMITS, display: bool = True
) -> list:
    """Load one loadable into ``engine``'s scene (an engine or a HeadlessScene); returns its nodes.
    The files' references and declared sizes must have been checked already (file_references).
    ``display`` False: a volume file's scalar volume gets no display node (for the sandboxed reader)."""
    path = paths[0]
    try:
        if is_freesurfer_file(path) and kind in ("volume", "labelmap", "sequence"):
            return [_load_freesurfer(engine, kind, path, name, limits)]
        if kind == "volume" and file_suffix(path) == ".vtk":
            return [load_legacy_vtk_volume(engine, path, name)]
        if kind == "sequence":
            return [load_nifti_sequence(engine, path, name, limits)]
        if kind == "volume":
            node = load_volume(engine, path, display)
            node.SetName(name)
            return [node]
        if kind == "labelmap":
            return [import_labelmap(engine, path, name)]
        if kind == "segmentation" and file_suffix(path) not in SEGMENTATION_EXTENSIONS:
            from .dicom.dicom_seg import load_dicom_seg  # a DICOM SEG (scene_data offers it as a segmentation)

            return [load_dicom_seg(engine, path, name, limits)]
        if kind == "segmentation":
            return [load_segmentation(engine, path, name)]
        if kind == "model":
            return [load_model(engine, path, name, limits)]
        if kind == "markups":
            return load_markups(engine, path, name, limits)
        if kind == "scene":
            if file_suffix(path) == ".mrml":
                return load_mrml(engine, path, path.parent, limits)
            return load_mrb(engine, path, limits)
        if kind == "dicom":
            return [_load_dicom(engine, paths, name, limits)]
    except VolumeLoadError as error:
        raise LoadableError(str(error).replace(str(path), path.name)) from None
    raise LoadableError(f"unknown kind of data: {kind!r}")


def _load_freesurfer(engine, kind: str, path: Path, name: str, limits: IOLimits):
    from . import freesurfer

    loader = {"volume": freesurfer.load_mgh_volume, "labelmap": freesurfer.import_mgh_labelmap,
              "sequence": freesurfer.load_mgh_sequence}[kind]
    return loader(engine, path, name, limits)


def _load_dicom(engine, paths: list[Path], name: str, limits: IOLimits):
    from .dicom.dicom_series import find_dicom_series, load_dicom_series

    series = find_dicom_series(paths, limits)
    if len(series) != 1:
        raise LoadableError(f"{name}: expected one DICOM series, found {len(series)}")
    node = load_dicom_series(engine, series[0], limits)
    node.SetName(name)
    _remember_series(node, series[0])
    return node


def remember_dicom_files(node, paths: list[Path], limits: IOLimits = DEFAULT_IO_LIMITS) -> None:
    """Record the DICOM files a volume was made from (their voxels came another way, e.g. from the
    sandboxed reader), in slice order, so that a segmentation made on it may be saved as a DICOM SEG."""
    from .dicom.dicom_series import find_dicom_series

    series = find_dicom_series(paths, limits)
    if len(series) == 1:
        _remember_series(node, series[0])


def _remember_series(node, series) -> None:
    # A SEG references single-frame images, one per slice of one volume (not of a time series).
    if series.frames_per_file == 1 and series.time_points == 1:
        from .dicom.dicom_sources import remember_dicom_source

        remember_dicom_source(node, series.files, series.series_uid)


def describe_node(node) -> dict:
    """A short plain summary of a loaded node: what a user needs to choose what to load."""
    kind = node_kind(node) or "other"
    summary: dict = {"name": node.GetName(), "kind": kind}
    if node.IsA("vtkMRMLVolumeNode"):
        image = node.GetImageData()
        summary["dims"] = list(image.GetDimensions())
        summary["spacing_mm"] = [round(s, 4) for s in node.GetSpacing()]
        summary["scalar_type"] = image.GetScalarTypeAsString()
        summary["detail"] = "{} x {} x {} voxels, {} mm, {}".format(
            *summary["dims"], " x ".join(f"{s:.3g}" for s in node.GetSpacing()), summary["scalar_type"]
        )
        frames = frame_count(node)
        if frames is not None:
            summary["frames"] = frames
            summary["detail"] += f", {frames} frames"
    elif kind == "segmentation":
        segmentation = node.GetSegmentation()
        names = [segmentation.GetNthSegment(i).GetName() for i in range(segmentation.GetNumberOfSegments())]
        summary["segments"] = len(names)
        summary["detail"] = f"{len(names)} segment{'s' if len(names) != 1 else ''}: {', '.join(names[:6])}"
    elif kind == "model":
        polydata = node.GetPolyData()
        summary["points"] = polydata.GetNumberOfPoints()
        summary["detail"] = f"{polydata.GetNumberOfPoints():,} points, {polydata.GetNumberOfCells():,} cells"
    else:
        summary["detail"] = kind
    return summary
