"""DICOM Segmentation objects (SEG): reading one as a segmentation, and writing a segmentation as one.

Reading uses pydicom only (as the rest of our DICOM reading, docs/decisions/0003), with every size
checked against ``IOLimits`` before the pixel data is decoded: the frames (one per segment and
position, BINARY frames packed one bit per pixel) are laid on one grid made from the frames'
positions along the normal of their shared orientation, so segments that cover different slices
line up. Each segment keeps its label and its recommended display colour (CIELab, converted to
sRGB). Writing uses highdicom, and needs the DICOM files of the series the segmentation was made on
(``remember_dicom_source``: our DICOM reader records them for each volume it loads).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset

from ...errors import EngineError
from ..untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits
from .dicom_sources import REFERENCED_SERIES_ATTRIBUTE, dicom_source_of, source_of_volume

SEGMENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.66.4"
POSITION_TOLERANCE_MM = 0.05  # frames this close along the normal are on the same slice
SPACING_TOLERANCE = 0.02  # a frame may be off the regular grid by this fraction of the spacing
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0])
DEFAULT_RGB = (0.5, 0.5, 0.5)


class DicomSegError(EngineError):
    """A DICOM SEG could not be read or written; the message says why."""


def is_dicom_seg(header: Dataset) -> bool:
    return str(header.get("SOPClassUID", "")) == SEGMENTATION_STORAGE or header.get("Modality") == "SEG"


# -- colours -----------------------------------------------------------------------------------------
def cielab_to_rgb(dicom_lab) -> tuple[float, float, float]:
    """A DICOM Recommended Display CIELab Value (three 16-bit numbers: L* scaled to 0-65535 from 0-100,
    a* and b* scaled from -128..127) as sRGB in 0-1, through CIE XYZ with the D65 white point."""
    l_scaled, a_scaled, b_scaled = (float(v) for v in dicom_lab)
    lightness = l_scaled * 100.0 / 65535.0
    a_star = a_scaled * 255.0 / 65535.0 - 128.0
    b_star = b_scaled * 255.0 / 65535.0 - 128.0
    fy = (lightness + 16.0) / 116.0
    fx, fz = fy + a_star / 500.0, fy - b_star / 200.0

    def inverse(t: float) -> float:
        return t ** 3 if t > 6.0 / 29.0 else 3.0 * (6.0 / 29.0) ** 2 * (t - 4.0 / 29.0)

    x, y, z = 0.95047 * inverse(fx), 1.0 * inverse(fy), 1.08883 * inverse(fz)
    linear = np.array([[3.2404542, -1.5371385, -0.4985314],
                       [-0.9692660, 1.8760108, 0.0415560],
                       [0.0556434, -0.2040259, 1.0572252]]) @ np.array([x, y, z])

    def gamma(c: float) -> float:
        c = min(1.0, max(0.0, c))
        return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055

    return tuple(round(gamma(c), 4) for c in linear)


def rgb_to_cielab(rgb) -> tuple[int, int, int]:
    """The inverse of ``cielab_to_rgb``: sRGB (0-1) as a DICOM CIELab value."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(min(1.0, max(0.0, float(c)))) for c in rgb[:3])
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6.0 / 29.0) ** 3 else t / (3 * (6.0 / 29.0) ** 2) + 4.0 / 29.0

    lightness, a_star, b_star = 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))
    return (round(min(100.0, max(0.0, lightness)) * 65535 / 100),
            round((min(127.0, max(-128.0, a_star)) + 128) * 65535 / 255),
            round((min(127.0, max(-128.0, b_star)) + 128) * 65535 / 255))


# -- reading ----------------------------------------------------------------------------------------
def _group_item(header: Dataset, frame: Dataset | None, group: str) -> Dataset | None:
    for source in (frame, header.get("SharedFunctionalGroupsSequence", [None])[0]):
        if source is not None and group in source and len(source[group].value):
            return source[group].value[0]
    return None


def _floats(value, count: int, what: str, where: str) -> np.ndarray:
    try:
        numbers = np.array([float(v) for v in value], dtype=float)
    except (TypeError, ValueError):
        raise DicomSegError(f"{where}: its {what} is not a list of numbers") from None
    if numbers.size != count or not np.all(np.isfinite(numbers)):
        raise DicomSegError(f"{where}: its {what} is not {count} finite numbers")
    return numbers


def _frame_layout(header: Dataset, frames: int, where: str):
    """Per frame: (segment number, position LPS); with the shared orientation and pixel spacing."""
    per_frame = header.get("PerFrameFunctionalGroupsSequence")
    if per_frame is None or len(per_frame) < frames:
        raise DicomSegError(f"{where}: {frames} frames but {0 if per_frame is None else len(per_frame)} "
                            "per-frame descriptions; the file is damaged")
    # More descriptions than frames (a file cut down to its first frames, as pydicom's
    # liver_1frame.dcm): the first ones describe the frames there are.
    layout, orientation, spacing, thickness = [], None, None, None
    for index in range(frames):
        frame = per_frame[index]
        identification = _group_item(header, frame, "SegmentIdentificationSequence")
        position = _group_item(header, frame, "PlanePositionSequence")
        plane = _group_item(header, frame, "PlaneOrientationSequence")
        measures = _group_item(header, frame, "PixelMeasuresSequence")
        if position is None or plane is None or measures is None:
            raise DicomSegError(f"{where}: frame {index + 1} does not say which segment or where it is")
        frame_orientation = _floats(plane.get("ImageOrientationPatient"), 6, "orientation", where)
        if orientation is None:
            orientation = frame_orientation
        elif not np.allclose(orientation, frame_orientation, atol=1e-4):
            raise DicomSegError(f"{where}: its frames do not share one orientation; not supported")
        frame_spacing = _floats(measures.get("PixelSpacing"), 2, "pixel spacing", where)
        if spacing is None:
            spacing = frame_spacing
            between = measures.get("SpacingBetweenSlices") or measures.get("SliceThickness")
            thickness = float(between) if between not in (None, "") else None
        elif not np.allclose(spacing, frame_spacing, atol=1e-4):
            raise DicomSegError(f"{where}: its frames do not share one pixel spacing; not supported")
        number = identification.get("ReferencedSegmentNumber", 0) if identification is not None else 0
        layout.append((int(number) if isinstance(number, int) else 0,
                       _floats(position.get("ImagePositionPatient"), 3, "position", where)))
    if spacing is None or np.any(spacing <= 0):
        raise DicomSegError(f"{where}: its pixel spacing is not a spacing")
    return layout, orientation, spacing, thickness


def _grid(layout, orientation, spacing, thickness, where: str, limits: IOLimits, rows: int, columns: int):
    """The slices (positions along the normal) the frames lie on: (slice index per frame, ijk_to_ras)."""
    row_direction, column_direction = orientation[:3], orientation[3:]
    normal = np.cross(row_direction, column_direction)
    if not math.isclose(np.linalg.norm(normal), 1.0, abs_tol=1e-3):
        raise DicomSegError(f"{where}: its orientation is not two perpendicular unit vectors")
    positions = np.array([position for _segment, position in layout])
    along = positions @ normal
    in_plane = positions - np.outer(along, normal)
    # Scanners round oblique positions: an offset under a quarter of a pixel places no voxel elsewhere.
    if np.abs(in_plane - in_plane[0]).max() > max(POSITION_TOLERANCE_MM, 0.25 * float(spacing.min())):
        raise DicomSegError(f"{where}: its frames are not stacked along one line; not supported")
    ordered = np.sort(along)
    distinct = ordered[np.concatenate(([True], np.diff(ordered) > POSITION_TOLERANCE_MM))]
    gaps = np.diff(distinct)
    # Several positions: the smallest gap (slices with nothing segmented between two others stay empty);
    # one position: the slice spacing the file gives.
    single = thickness if thickness and thickness > 0 else 1.0
    step = float(gaps.min()) if gaps.size else single
    slices = np.round((along - distinct[0]) / step).astype(np.int64)
    if slices.max() > 0:  # the mean step over the whole stack, as for a series (rounded positions)
        step = float((distinct[-1] - distinct[0]) / slices.max())
        slices = np.round((along - distinct[0]) / step).astype(np.int64)
    if np.abs(distinct[0] + slices * step - along).max() > max(POSITION_TOLERANCE_MM, SPACING_TOLERANCE * step):
        raise DicomSegError(f"{where}: its frames are not evenly spaced; not supported")
    count = int(slices.max()) + 1
    if count > limits.max_dicom_frames or count * rows * columns > limits.max_voxels:
        raise DicomSegError(f"{where}: its frames span {count} slices of {rows} x {columns}, more than allowed")
    origin = in_plane[0] + distinct[0] * normal
    ijk_to_lps = np.eye(4)
    ijk_to_lps[:3, 0] = row_direction * spacing[1]  # along a row: the next column
    ijk_to_lps[:3, 1] = column_direction * spacing[0]
    ijk_to_lps[:3, 2] = normal * step
    ijk_to_lps[:3, 3] = origin
    ijk_to_ras = ijk_to_lps.copy()
    ijk_to_ras[:3, :] = LPS_TO_RAS @ ijk_to_lps[:3, :]
    return slices, count, ijk_to_ras


def _segments(header: Dataset, where: str) -> dict[int, dict]:
    found = {}
    for item in header.get("SegmentSequence") or []:
        number = item.get("SegmentNumber")
        if not isinstance(number, int) or number in found:
            raise DicomSegError(f"{where}: a segment has no number, or the same number as another")
        label = str(item.get("SegmentLabel") or f"Segment {number}")
        label = "".join(c for c in label if c.isprintable())[:80] or f"Segment {number}"
        lab = item.get("RecommendedDisplayCIELabValue")
        try:
            color = cielab_to_rgb(lab) if lab is not None and len(lab) == 3 else DEFAULT_RGB
        except (TypeError, ValueError):
            color = DEFAULT_RGB
        found[number] = {"number": number, "label": label, "color": color}
    if not found:
        raise DicomSegError(f"{where}: lists no segment")
    return found


def read_dicom_seg(path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> dict:
    """A DICOM SEG as plain data: {"segments": [{"number", "label", "color", "voxels" (k, j, i) bool}],
    "ijk_to_ras", "referenced_series_uid", "frame_of_reference_uid"}. Sizes are checked before decoding."""
    path = Path(path)
    where = path.name
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise DicomSegError(f"{where}: {size} bytes, more than the {limits.max_file_bytes} bytes allowed")
    try:
        header = pydicom.dcmread(path, stop_before_pixels=True)
    except Exception as error:
        raise DicomSegError(f"{where}: not a readable DICOM file ({type(error).__name__})") from None
    if not is_dicom_seg(header):
        raise DicomSegError(f"{where}: not a DICOM segmentation")
    kind = str(header.get("SegmentationType", "")).upper()
    if kind not in ("BINARY", "FRACTIONAL", "LABELMAP"):
        raise DicomSegError(f"{where}: segmentation type {kind or 'missing'!r} is not supported")
    rows, columns = header.get("Rows"), header.get("Columns")
    frames = header.get("NumberOfFrames", 1)
    bits = header.get("BitsAllocated")
    try:
        rows, columns, frames = int(rows), int(columns), int(frames)
    except (TypeError, ValueError):
        raise DicomSegError(f"{where}: its image size is not a size") from None
    if min(rows, columns, frames) <= 0 or bits not in (1, 8, 16):
        raise DicomSegError(f"{where}: its image size or bits per pixel ({rows} x {columns} x {frames}, "
                            f"{bits} bits) are not valid for a segmentation")
    if frames > limits.max_dicom_frames or rows * columns * frames > limits.max_voxels:
        raise DicomSegError(f"{where}: {frames} frames of {rows} x {columns}, more than allowed")
    segments = _segments(header, where)
    layout, orientation, spacing, thickness = _frame_layout(header, frames, where)
    slices, count, ijk_to_ras = _grid(layout, orientation, spacing, thickness, where, limits, rows, columns)
    pixels = _decode(path, header, rows, columns, frames, bits, where)

    # Each segment spans only the slices its frames are on (a SEG of a hundred organs stays the size of
    # its frames, not a hundred whole volumes); LABELMAP frames hold every segment.
    spans = {}
    for number in segments:
        mine = [slices[i] for i, (n, _p) in enumerate(layout) if kind == "LABELMAP" or n == number]
        spans[number] = (min(mine), max(mine)) if mine else (0, 0)
    total = sum((high - low + 1) * rows * columns for low, high in spans.values())
    if total > limits.max_voxels:
        raise DicomSegError(f"{where}: its segments would take {total:,} voxels, more than the "
                            f"{limits.max_voxels:,} allowed")
    voxels = {n: np.zeros((high - low + 1, rows, columns), dtype=bool) for n, (low, high) in spans.items()}
    maximum = float(header.get("MaximumFractionalValue") or 255)
    for index, (number, _position) in enumerate(layout):
        frame = pixels[index]
        if kind == "LABELMAP":
            for label in segments:
                voxels[label][slices[index] - spans[label][0]] |= frame == label
            continue
        if number not in segments:
            raise DicomSegError(f"{where}: frame {index + 1} names segment {number}, which it does not list")
        voxels[number][slices[index] - spans[number][0]] |= (
            (frame > 0) if kind == "BINARY" else (frame >= maximum / 2.0))
    referenced = header.get("ReferencedSeriesSequence")
    return {
        "segments": [{**segments[n], "voxels": voxels[n], "first_slice": int(spans[n][0])} for n in sorted(segments)],
        "ijk_to_ras": ijk_to_ras, "slices": count, "rows": rows, "columns": columns,
        "referenced_series_uid": str(referenced[0].get("SeriesInstanceUID", "")) if referenced else "",
        "frame_of_reference_uid": str(header.get("FrameOfReferenceUID", "")),
        "description": str(header.get("SeriesDescription") or header.get("ContentLabel") or ""),
    }


def _decode(path: Path, header: Dataset, rows: int, columns: int, frames: int, bits: int, where: str) -> np.ndarray:
    """The frames as a (frames, rows, columns) array; the pixel data's length is checked first."""
    try:
        dataset = pydicom.dcmread(path)
    except Exception as error:
        raise DicomSegError(f"{where}: could not be read ({type(error).__name__}); the file is damaged") from None
    element = dataset.get("PixelData")  # the bytes
    if not element:
        raise DicomSegError(f"{where}: has no pixel data")
    syntax = dataset.file_meta.get("TransferSyntaxUID") if hasattr(dataset, "file_meta") else None
    if syntax is not None and not syntax.is_compressed:
        expected = math.ceil(rows * columns * frames * bits / 8)
        if len(element) < expected:
            raise DicomSegError(f"{where}: holds {len(element):,} bytes of pixel data where its header "
                                f"declares {expected:,}; the file is cut short")
    try:
        pixels = dataset.pixel_array
    except Exception as error:
        raise DicomSegError(f"{where}: pixel data could not be decoded ({type(error).__name__})") from None
    pixels = np.asarray(pixels).reshape(frames, rows, columns)
    return pixels


def load_dicom_seg(engine, path: Path, name: str, limits: IOLimits = DEFAULT_IO_LIMITS):
    """Read a DICOM SEG into the scene as a segmentation node, one segment per DICOM segment."""
    from slicer import vtkOrientedImageData, vtkSegment, vtkSegmentationConverter
    from vtkmodules.util.numpy_support import numpy_to_vtk
    from vtkmodules.vtkCommonMath import vtkMatrix4x4

    read = read_dicom_seg(path, limits)
    node = engine.scene.AddNewNodeByClass("vtkMRMLSegmentationNode", name)
    node.CreateDefaultDisplayNodes()
    matrix = vtkMatrix4x4()
    matrix.DeepCopy([float(v) for v in read["ijk_to_ras"].ravel()])
    labelmap_name = vtkSegmentationConverter.GetBinaryLabelmapRepresentationName()
    segmentation = node.GetSegmentation()
    segmentation.SetSourceRepresentationName(labelmap_name)
    # The SEG's whole grid is the segmentation's reference grid: export gives back the same voxels.
    grid = vtkOrientedImageData()
    grid.SetExtent(0, read["columns"] - 1, 0, read["rows"] - 1, 0, read["slices"] - 1)
    grid.SetImageToWorldMatrix(matrix)
    segmentation.SetConversionParameter(vtkSegmentationConverter.GetReferenceImageGeometryParameterName(),
                                        vtkSegmentationConverter.SerializeImageGeometry(grid))
    for item in read["segments"]:
        voxels = np.ascontiguousarray(item["voxels"], dtype=np.uint8)
        image = vtkOrientedImageData()
        first = item["first_slice"]
        image.SetExtent(0, voxels.shape[2] - 1, 0, voxels.shape[1] - 1, first, first + voxels.shape[0] - 1)
        image.GetPointData().SetScalars(numpy_to_vtk(voxels.ravel(), deep=True))
        image.SetImageToWorldMatrix(matrix)
        segment = vtkSegment()
        segment.SetName(item["label"])
        segment.SetColor(*item["color"])
        segment.AddRepresentation(labelmap_name, image)
        segmentation.AddSegment(segment, f"Segment_{item['number']}")
    if read["referenced_series_uid"]:
        node.SetAttribute(REFERENCED_SERIES_ATTRIBUTE, read["referenced_series_uid"])
    return node


def save_dicom_seg(engine, node, path: Path) -> Path:
    """Write a segmentation as a DICOM SEG (BINARY, one segment per segment) referencing the DICOM
    series it was made on; frames are the source series' slices, empty ones left out."""
    import highdicom
    from pydicom.sr.codedict import codes
    from slicer import vtkMRMLLabelMapVolumeNode, vtkSlicerSegmentationsModuleLogic
    from vtkmodules.vtkCommonCore import vtkStringArray

    from ..segmentations import remove_with_helpers
    from ..volumes import voxel_array

    volume = dicom_source_of(node)
    if volume is None:
        raise DicomSegError(f"{node.GetName()}: not made on a DICOM series in the scene; save it as .seg.nrrd")
    source = source_of_volume(volume)
    try:
        images = [pydicom.dcmread(f) for f in source["files"]]
    except Exception as error:
        raise DicomSegError(f"{node.GetName()}: its DICOM series could not be read again "
                            f"({type(error).__name__})") from None
    segmentation = node.GetSegmentation()
    count = segmentation.GetNumberOfSegments()
    if count == 0:
        raise DicomSegError(f"{node.GetName()}: has no segment to save")
    slices, rows, columns = voxel_array(volume).shape
    mask = np.zeros((slices, rows, columns, count), dtype=bool)
    descriptions = []
    for index in range(count):
        segment_id = segmentation.GetNthSegmentID(index)
        segment = segmentation.GetSegment(segment_id)
        labelmap = vtkMRMLLabelMapVolumeNode()
        engine.scene.AddNode(labelmap)
        try:
            ids = vtkStringArray()
            ids.InsertNextValue(segment_id)
            if not vtkSlicerSegmentationsModuleLogic.ExportSegmentsToLabelmapNode(node, ids, labelmap, volume):
                raise DicomSegError(f"{node.GetName()}: segment {segment.GetName()!r} could not be laid on its series")
            mask[..., index] = voxel_array(labelmap) > 0
        finally:
            remove_with_helpers(engine, labelmap)
        r, g, b = (min(255, max(0, round(c * 255))) for c in segment.GetColor())
        descriptions.append(highdicom.seg.SegmentDescription(
            segment_number=index + 1, segment_label=(segment.GetName() or f"Segment {index + 1}")[:64],
            segmented_property_category=codes.SCT.Tissue, segmented_property_type=codes.SCT.Tissue,
            algorithm_type=highdicom.seg.SegmentAlgorithmTypeValues.MANUAL,
            display_color=highdicom.color.CIELabColor.from_rgb(r, g, b)))
    if not mask.any():
        raise DicomSegError(f"{node.GetName()}: every segment is empty; nothing to save")
    from .... import __version__

    try:
        written = highdicom.seg.Segmentation(
            source_images=images, pixel_array=mask, segmentation_type=highdicom.seg.SegmentationTypeValues.BINARY,
            segment_descriptions=descriptions, series_instance_uid=highdicom.UID(), series_number=300,
            sop_instance_uid=highdicom.UID(), instance_number=1, manufacturer="trame-slicer-app",
            manufacturer_model_name="trame-slicer-app", software_versions=str(__version__),
            device_serial_number="0", content_label="SEGMENTATION",
            content_description=(node.GetName() or "")[:64], omit_empty_frames=True)
        written.SeriesDescription = (node.GetName() or "Segmentation")[:64]
        written.save_as(path)
    except (ValueError, TypeError, AttributeError) as error:
        raise DicomSegError(f"{node.GetName()}: could not be written as DICOM SEG ({error})") from None
    return path
