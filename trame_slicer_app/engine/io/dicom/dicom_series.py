"""DICOM image series: finding them among files and folders, and loading one as a volume.

Headers are read first, without pixel data, to group files by SeriesInstanceUID and to check
every limit before voxels are allocated. Loading reads each file again (the files may have
changed since they were listed) and trusts nothing it did not check: the geometry is
recomputed from the headers (see dicom_geometry), every slice must have the same size and
its pixel data the length its header promises.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from slicer import vtkMRMLScalarVolumeNode

from ...errors import EngineError
from ...scene.slicer_engine import SlicerEngine
from ..untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits
from ..volumes import LOAD_WARNING_ATTRIBUTE, add_volume_from_array
from .dicom_frames import (
    DicomFramesError,
    frame_geometries,
    frame_rescales,
    header_number,
    is_time_series,
    number_of_frames,
    pixel_spacing,
)
from .dicom_geometry import DicomGeometryError, SliceGeometry, ijk_to_ras_matrix, order_along_normal
from .dicom_pixels import (
    DicomPixelError,
    is_colour,
    output_dtype,
    read_header_at,
    read_stored_frames,
    reason,
    rescaled,
)
from .dicom_time import FILE_TIME_KEYS, FRAME_TIME_KEYS, TimePoints, time_points

DICOM_MAGIC_OFFSET_BYTES = 128  # the preamble before "DICM" in a DICOM Part 10 file
DICOM_MAGIC = b"DICM"
# Without position and orientation a lone image is laid in the axial plane at the origin.
DEFAULT_ORIENTATION = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
_MIXED_MULTI_FRAME = "a multi-frame file among other files of the series: load one multi-frame file at a time"
# SOP classes that hold no image this viewer shows as a volume, and why (in the user's words).
NOT_AN_IMAGE_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.66.4": "a DICOM segmentation (SEG), not an image volume: it opens as a "
                                    "segmentation (dicom_seg)",
}


class DicomError(EngineError):
    """Files could not be read as a DICOM series; the message says which and why."""


@dataclass
class DicomSeries:
    series_uid: str
    description: str
    modality: str
    patient_name: str
    files: list[Path]  # ordered along the slice normal
    rows: int
    columns: int
    number_of_slices: int
    series_number: int | None = None
    problem: str = ""  # why it will not load, when that is known from the headers alone
    study_date: str = ""
    frames_per_file: int = field(default=1)
    # Single-frame files that image the same slices at several times (dicom_time): how many times.
    time_points: int = 1
    # The headers find_dicom_series read, by file: load_dicom_series reads only the pixel data after them.
    headers: dict[Path, Dataset] = field(default_factory=dict, repr=False, compare=False)

    def as_dict(self) -> dict:
        data = asdict(replace(self, headers={}))
        data.pop("headers")
        data["files"] = [str(path) for path in self.files]
        return data

    @property
    def name(self) -> str:
        label = self.description or self.modality or "DICOM series"
        return f"{self.series_number}: {label}" if self.series_number is not None else label


def is_dicom_file(path: Path) -> bool:
    """A DICOM Part 10 file: "DICM" after the 128-byte preamble. Files without it are skipped."""
    try:
        with open(path, "rb") as stream:
            stream.seek(DICOM_MAGIC_OFFSET_BYTES)
            return stream.read(len(DICOM_MAGIC)) == DICOM_MAGIC
    except OSError:
        return False


def _candidate_files(paths: list[Path], limits: IOLimits) -> Iterator[Path]:
    """Regular files under the given files and folders (links are not followed), at most max_dicom_files."""
    count = 0

    def counted(path: Path) -> Path:
        nonlocal count
        count += 1
        if count > limits.max_dicom_files:
            raise DicomError(f"more than {limits.max_dicom_files} files to scan for DICOM: split the data")
        return path

    for given in paths:
        given = Path(given)
        if given.is_symlink():
            continue
        if given.is_file():
            yield counted(given)
        elif given.is_dir():
            for folder, folders, names in os.walk(given):
                folders.sort()
                for name in sorted(names):
                    path = Path(folder) / name
                    if path.is_file() and not path.is_symlink():
                        yield counted(path)
        else:
            raise DicomError(f"{given}: no such file or folder")


def read_header(path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> Dataset:
    """The header of one DICOM file, pixel data left unread."""
    _check_file_size(path, limits)
    try:
        return read_header_at(path)
    except Exception as error:  # pydicom raises many kinds on damaged input
        raise DicomError(f"{path.name}: not a readable DICOM file ({reason(error)})") from error


def image_size(header: Dataset, path: Path) -> tuple[int, int]:
    """(Rows, Columns), checked to be positive integers."""
    rows, columns = header.get("Rows"), header.get("Columns")
    if not isinstance(rows, int) or not isinstance(columns, int) or rows <= 0 or columns <= 0:
        raise DicomError(f"{Path(path).name}: the image size ({rows!r} rows, {columns!r} columns) is not a size")
    return rows, columns


def _check_file_size(path: Path, limits: IOLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise DicomError(f"{path.name}: {size} bytes, more than the {limits.max_file_bytes} bytes allowed")


def find_dicom_series(paths: list[Path], limits: IOLimits = DEFAULT_IO_LIMITS) -> list[DicomSeries]:
    """The image series among files and folders; non-DICOM files and non-image objects are skipped.

    A file that says it is DICOM but whose header cannot be read stops the scan with DicomError.
    """
    headers: dict[str, list[tuple[Path, Dataset]]] = {}
    for path in _candidate_files(paths, limits):
        if not is_dicom_file(path):
            continue
        header = read_header(path, limits)
        if "Rows" not in header or "Columns" not in header:
            _check_not_a_damaged_image(header, path)
            continue  # reports, plans, structure sets, DICOMDIR: no image to show
        uid = str(header.get("SeriesInstanceUID", "")) or f"no-series-uid:{path.parent}"
        headers.setdefault(uid, []).append((path, header))
    series = [_describe_series(uid, members, limits) for uid, members in headers.items()]
    return sorted(series, key=lambda s: (s.series_number is None, s.series_number or 0, s.description, s.series_uid))


def _check_not_a_damaged_image(header: Dataset, path: Path) -> None:
    """A header without an image size is skipped only when it says it is not an image.

    pydicom stops quietly at the end of a truncated file, so a cut image looks like an object
    without pixels; its SOP class (kept at the very start, in the file meta) tells them apart.
    """
    meta = getattr(header, "file_meta", None)
    sop_class = header.get("SOPClassUID") or (meta.get("MediaStorageSOPClassUID") if meta is not None else None)
    kind = getattr(sop_class, "name", "") if sop_class else ""
    if not sop_class or "Image" in kind:
        raise DicomError(
            f"{path.name}: {kind or 'a DICOM file'} whose header has no image size: truncated or damaged"
        )


def _describe_series(uid: str, members: list[tuple[Path, Dataset]], limits: IOLimits) -> DicomSeries:
    first = members[0][1]
    first_size = image_size(first, members[0][0])
    problem = _not_an_image(first)
    files = [path for path, _ in members]
    if len(members) > 1 and any(int(header_number(h.get("NumberOfFrames"), 1)) > 1 for _, h in members):
        problem = problem or _MIXED_MULTI_FRAME
    times = 1
    try:
        geometries = [_slice_geometry(header, path, len(members)) for path, header in members]
        timed = time_points(geometries, [(header, 0) for _, header in members], FILE_TIME_KEYS)
        if timed is not None:  # each time point along the normal, one after the other
            times = len(timed.groups)
            files = [files[group[i]] for group in timed.groups
                     for i in order_along_normal([geometries[k] for k in group])]
            first_time = [geometries[k] for k in timed.groups[0]]
            geometries = [first_time[i] for i in order_along_normal(first_time)]
        else:
            order = order_along_normal(geometries)
            files = [files[index] for index in order]
            geometries = [geometries[index] for index in order]
        if not problem:
            ijk_to_ras_matrix(geometries)  # duplicates, gaps, mixed orientations
    except DicomGeometryError as error:
        named = ", ".join(files[index].name for index in error.slices)
        problem = problem or (f"{error} ({named})" if named else str(error))
    except DicomError as error:
        problem = problem or str(error)
        files.sort(key=lambda p: (int(header_number(dict(members)[p].get("InstanceNumber"), 0)), p.name))
    frames = max(int(header_number(first.get("NumberOfFrames"), 1)), 1)
    sizes = {image_size(h, p) for p, h in members}
    if not problem and len(sizes) > 1:
        problem = f"images of different sizes in one series: {sorted(sizes)}"
    if not problem:
        try:
            _check_volume_limits(*first_size, len(members) * frames, first, limits)
        except DicomError as error:
            problem = str(error)
    series_number = first.get("SeriesNumber")
    return DicomSeries(
        series_uid=uid,
        description=str(first.get("SeriesDescription", "")).strip(),
        modality=str(first.get("Modality", "")).strip(),
        patient_name=str(first.get("PatientName", "")).strip(),
        files=files,
        rows=first_size[0],
        columns=first_size[1],
        number_of_slices=len(members) * frames // times,
        series_number=int(header_number(series_number, 0)) if series_number not in (None, "") else None,
        problem=problem,
        study_date=str(first.get("StudyDate", "")),
        frames_per_file=frames,
        time_points=times,
        headers=dict(members),
    )


def _slice_geometry(header: Dataset, path: Path, number_of_files: int) -> SliceGeometry:
    """Position, orientation and spacing of one image; a lone image without them gets defaults."""
    try:
        position = header.get("ImagePositionPatient")
        orientation = header.get("ImageOrientationPatient")
        spacing = pixel_spacing(header)[0]
        if position is None or orientation is None:
            if number_of_files > 1:
                raise DicomError(f"{path.name}: the image does not say where it lies (no position or "
                                 "orientation), so it cannot be placed in the series")
            position, orientation = (0.0, 0.0, 0.0), DEFAULT_ORIENTATION
        geometry = SliceGeometry(
            orientation=tuple(float(v) for v in orientation),
            position_mm=tuple(float(v) for v in position),
            pixel_spacing_mm=tuple(float(v) for v in spacing),
        )
    except (TypeError, ValueError) as error:
        if isinstance(error, DicomError):
            raise
        raise DicomError(f"{path.name}: unreadable geometry ({reason(error)})") from error
    counts = (len(geometry.orientation), len(geometry.position_mm), len(geometry.pixel_spacing_mm))
    values = geometry.orientation + geometry.position_mm + geometry.pixel_spacing_mm
    if counts != (6, 3, 2) or not all(np.isfinite(values)):
        raise DicomError(
            f"{path.name}: the image's orientation, position and pixel spacing must be 6, 3 and 2 "
            f"finite numbers, not {list(geometry.orientation)}, {list(geometry.position_mm)}, "
            f"{list(geometry.pixel_spacing_mm)}"
        )
    return geometry


def _rescale(header: Dataset) -> tuple[float, float]:
    """(slope, intercept); an RT Dose of one frame is scaled by its DoseGridScaling, as multi-frame doses are."""
    slope = header_number(header.get("RescaleSlope"), header_number(header.get("DoseGridScaling"), 1.0))
    return slope, header_number(header.get("RescaleIntercept"), 0.0)


def _check_volume_limits(rows: int, columns: int, slices: int, header: Dataset, limits: IOLimits) -> None:
    if rows <= 0 or columns <= 0:
        raise DicomError(f"image size {rows} x {columns} is empty")
    if slices > limits.max_dicom_frames:
        raise DicomError(f"{slices} slices, more than the {limits.max_dicom_frames} allowed in one series")
    samples = int(header_number(header.get("SamplesPerPixel"), 1))
    voxels = rows * columns * slices * max(samples, 1)
    if voxels > limits.max_voxels:
        raise DicomError(
            f"{columns} x {rows} x {slices} voxels ({voxels}) is more than the {limits.max_voxels} allowed"
        )
    volume_bytes = voxels * 4  # float32 at worst
    if volume_bytes > limits.max_volume_bytes:
        raise DicomError(f"the volume would take {volume_bytes} bytes, more than the {limits.max_volume_bytes} allowed")


def load_dicom_series(
    engine: SlicerEngine, series: DicomSeries, limits: IOLimits = DEFAULT_IO_LIMITS
) -> vtkMRMLScalarVolumeNode:
    """Read a series into the scene as a scalar volume in its true geometry (added to what is there).

    A series is either single-frame files (one slice each) or one multi-frame file.
    """
    if not series.files:
        raise DicomError("the series has no files")
    if len(series.files) > limits.max_dicom_files:
        raise DicomError(f"{len(series.files)} files, more than the {limits.max_dicom_files} allowed")
    files = [Path(path) for path in series.files]
    # Read by find_dicom_series just before, in the same process (loadables), or read now.
    headers = [series.headers.get(path) or read_header(path, limits) for path in files]
    first = headers[0]
    if _not_an_image(first):
        raise DicomError(f"{files[0].name}: {_not_an_image(first)}")
    rows, columns = image_size(first, files[0])
    for path, header in zip(files, headers, strict=True):
        _check_same_series(path, header, first, rows, columns)
    try:
        frames = number_of_frames(first) if len(files) == 1 else 1
        if frames > 1:
            _check_volume_limits(rows, columns, frames, first, limits)
            geometries, rescales = frame_geometries(first), frame_rescales(first)
        else:
            if any(number_of_frames(header) > 1 for header in headers):
                raise DicomError(_MIXED_MULTI_FRAME)
            _check_volume_limits(rows, columns, len(files), first, limits)
            geometries = [_slice_geometry(h, path, len(files)) for path, h in zip(files, headers, strict=True)]
            rescales = [_rescale(header) for header in headers]
    except (DicomFramesError, DicomGeometryError) as error:
        raise DicomError(f"{files[0].name}: {error}") from error
    timed = time_points(geometries, [(first, k) for k in range(frames)], FRAME_TIME_KEYS) if frames > 1 else \
        time_points(geometries, [(header, 0) for header in headers], FILE_TIME_KEYS)
    if timed is not None:  # time-major: every time point's slices along the normal
        order = []
        for group in timed.groups:
            group_files = [files[k] for k in group] if len(files) > 1 else files
            group_order, ijk_to_ras = _placed(series, group_files, [geometries[k] for k in group])
            order += [group[k] for k in group_order]
    else:
        order, ijk_to_ras = _placed(series, files, geometries)

    colour = is_colour(first)
    # Limits checked above; colour is kept as RGB bytes, as Slicer's vector volumes hold it.
    voxels = np.empty((len(order), rows, columns, 3), dtype=np.uint8) if colour else \
        np.empty((len(order), rows, columns), dtype=output_dtype(first, rescales))
    try:
        if frames > 1:
            dataset, stored = read_stored_frames(files[0], rows, columns, frames, headers[0])
            _check_unchanged(files[0], frame_rescales(dataset) == rescales and is_colour(dataset) == colour)
            for k, frame in enumerate(order):
                voxels[k] = stored[frame] if colour else rescaled(stored[frame], *rescales[frame])
        else:
            for k, index in enumerate(order):
                dataset, stored = read_stored_frames(files[index], rows, columns, 1, headers[index])
                _check_unchanged(files[index], image_size(dataset, files[index]) == (rows, columns)
                                 and _rescale(dataset) == rescales[index] and is_colour(dataset) == colour)
                voxels[k] = stored[0] if colour else rescaled(stored[0], *rescales[index])
    except DicomPixelError as error:
        raise DicomError(str(error)) from error
    if timed is not None:
        node = _add_time_points(engine, series.name, voxels, ijk_to_ras, timed)
    elif frames > 1 and is_time_series(first) and not _has_frame_geometry(first):
        node = _add_cine(engine, series.name, voxels, geometries[order[0]], first)  # frames in time: a sequence
    else:
        node = add_volume_from_array(
            engine, voxels, series.name, spacing_mm=(1.0, 1.0, 1.0),
            window_level=None if colour else _window_level(first), ijk_to_ras=ijk_to_ras,
        )
    warnings = _load_warnings(first, frames)
    if warnings:
        node.SetAttribute(LOAD_WARNING_ATTRIBUTE, "; ".join(warnings))
    node.SetAttribute("DICOM.SeriesInstanceUID", str(first.get("SeriesInstanceUID", "")))
    return node


def _has_frame_geometry(header: Dataset) -> bool:
    return bool(header.get("PerFrameFunctionalGroupsSequence") or header.get("SharedFunctionalGroupsSequence")
                or header.get("GridFrameOffsetVector"))


def _add_cine(engine: SlicerEngine, name: str, voxels: np.ndarray, geometry: SliceGeometry, header: Dataset):
    """A multi-frame file whose frames follow each other in time (a cine loop, ultrasound) as a Slicer
    sequence of one-slice volumes, played in the views like a 4D image; returns its proxy volume."""
    from ..sequences import add_volume_sequence

    frame_time_ms = header_number(header.get("FrameTime"), 0.0)
    values = [f"{k * frame_time_ms:g}" for k in range(len(voxels))] if frame_time_ms > 0 else \
        [str(k) for k in range(len(voxels))]
    timed = frame_time_ms > 0
    return add_volume_sequence(engine, (voxels[k:k + 1] for k in range(len(voxels))), ijk_to_ras_matrix([geometry]),
                               name, values, "time" if timed else "frame", "ms" if timed else "")


def _add_time_points(engine: SlicerEngine, name: str, voxels: np.ndarray, ijk_to_ras: np.ndarray,
                     timed: TimePoints):
    """A series imaging the same slices at several times as a Slicer sequence of volumes, one per time
    point (``voxels`` holds them one after the other); returns its proxy volume."""
    from ..sequences import add_volume_sequence

    slices = len(voxels) // len(timed.groups)
    frames = (voxels[k * slices:(k + 1) * slices] for k in range(len(timed.groups)))
    return add_volume_sequence(engine, frames, ijk_to_ras, name, timed.values, timed.key.name, timed.key.unit)


def _load_warnings(first: Dataset, frames: int) -> list[str]:
    """What the user should know about how the series was read: guesses where the file was silent."""
    warnings = []
    functional_groups = first.get("PerFrameFunctionalGroupsSequence") or first.get("SharedFunctionalGroupsSequence")
    if not (frames > 1 and functional_groups):
        warnings.append(pixel_spacing(first)[1])
    return [warning for warning in warnings if warning]


def _not_an_image(header: Dataset) -> str:
    meta = getattr(header, "file_meta", None)
    sop_class = str(header.get("SOPClassUID") or (meta.get("MediaStorageSOPClassUID", "") if meta is not None else ""))
    return NOT_AN_IMAGE_SOP_CLASSES.get(sop_class, "")


def _check_same_series(path: Path, header: Dataset, first: Dataset, rows: int, columns: int) -> None:
    if str(header.get("SeriesInstanceUID", "")) != str(first.get("SeriesInstanceUID", "")):
        raise DicomError(f"{path.name}: belongs to another series")
    size = image_size(header, path)
    if size != (rows, columns):
        raise DicomError(f"{path.name}: {size[1]} x {size[0]} pixels, the series' first image has {columns} x {rows}")
    if is_colour(header) != is_colour(first):
        raise DicomError(f"{path.name}: a {'colour' if is_colour(header) else 'grey'} image in a series of "
                         f"{'colour' if is_colour(first) else 'grey'} images")


def _placed(series: DicomSeries, files: list[Path], geometries: list[SliceGeometry]) -> tuple[list[int], np.ndarray]:
    """Slice (or frame) order along the normal and the IJK -> RAS matrix; errors name the files."""
    order: list[int] = []
    try:
        order = order_along_normal(geometries)
        return order, ijk_to_ras_matrix([geometries[index] for index in order])
    except DicomGeometryError as error:
        if len(files) > 1 and error.slices:
            where = f" ({', '.join(files[order[index]].name for index in error.slices)})"
        else:
            where = f" ({files[0].name}, frames {', '.join(str(order[i] + 1) for i in error.slices)})" \
                if error.slices else ""
        raise DicomError(f"{series.name}: {error}{where}") from error


def _check_unchanged(path: Path, unchanged: bool) -> None:
    if not unchanged:
        raise DicomError(f"{path.name}: changed while it was being read")


def _window_level(header: Dataset) -> tuple[float, float] | None:
    """The first window the scanner suggests, if it is usable."""
    width, center = header.get("WindowWidth"), header.get("WindowCenter")
    try:
        width = float(width[0] if isinstance(width, pydicom.multival.MultiValue) else width)
        center = float(center[0] if isinstance(center, pydicom.multival.MultiValue) else center)
    except (TypeError, ValueError, IndexError):
        return None
    return (width, center) if np.isfinite(width) and np.isfinite(center) and width > 0 else None
