"""Where the frames of one multi-frame DICOM file lie, and how their stored values rescale.

Three ways a file can say it: the functional groups of the enhanced objects (Enhanced CT/MR:
a position per frame, orientation and pixel spacing shared or per frame), a grid offset
vector along the normal (RT Dose), or nothing at all (some ultrasound and old multi-frame MR),
in which case the frames are stacked along the normal of the axial plane as a lone image is.
"""

from __future__ import annotations

import numpy as np
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue as pydicom_multivalue

from ...errors import EngineError
from .dicom_geometry import SliceGeometry, slice_normal

DEFAULT_ORIENTATION = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
DEFAULT_SPACING_MM = 1.0  # between frames, when the file gives no geometry at all
DEFAULT_PIXEL_SPACING_MM = (1.0, 1.0)  # as Slicer, when the file gives no usable pixel spacing
# Frame Increment Pointer values that make the frames a time series: Frame Time, Frame Time Vector.
TIME_FRAME_POINTERS = {0x00181063, 0x00181065}


class DicomFramesError(EngineError):
    """The frame geometry of a multi-frame file cannot be read; the message says why."""


def number_of_frames(header: Dataset) -> int:
    value = header.get("NumberOfFrames")
    try:
        frames = int(value) if value not in (None, "") else 1
    except (TypeError, ValueError):
        raise DicomFramesError(f"the number of frames ({value!r}) is not a number") from None
    if frames < 1:
        raise DicomFramesError(f"the number of frames ({frames}) is not a count of frames")
    return frames


def pixel_spacing(header: Dataset) -> tuple[tuple[float, float], str]:
    """The image's pixel spacing (between rows, between columns) and a warning when it had to be guessed.

    Slicer is lenient here and so is this: a missing or zero PixelSpacing falls back to the detector's
    ImagerPixelSpacing (radiographs), then to 1 mm; the warning says so, for the user to see."""
    for attribute in ("PixelSpacing", "ImagerPixelSpacing"):
        try:
            spacing = tuple(float(v) for v in header.get(attribute) or ())
        except (TypeError, ValueError):
            continue
        if len(spacing) == 2 and all(np.isfinite(spacing)) and min(spacing) > 0:
            if attribute == "PixelSpacing":
                return spacing, ""
            return spacing, ("the image gives no pixel spacing in the patient; the detector's pixel spacing "
                             f"({spacing[0]:g} x {spacing[1]:g} mm) is used, so sizes are as on the detector")
    written = header.get("PixelSpacing")
    why = "is missing" if written in (None, "") else f"is {_shown_spacing(written)}"
    return DEFAULT_PIXEL_SPACING_MM, (f"the image's pixel spacing {why}: it is shown at 1 mm per pixel, "
                                      "so distances and sizes are not real")


def _shown_spacing(value) -> str:
    try:
        return "\\".join(f"{float(v):g}" for v in value)
    except (TypeError, ValueError):
        return repr(value)[:40]


def is_time_series(header: Dataset) -> bool:
    """Frames that follow each other in time (a cine, ultrasound loops), not in space."""
    pointers = header.get("FrameIncrementPointer")
    if pointers is None:
        return False
    pointers = pointers if isinstance(pointers, (list, tuple, pydicom_multivalue)) else [pointers]
    return any(int(pointer) in TIME_FRAME_POINTERS for pointer in pointers)


def _group_value(header: Dataset, frame: int, group: str, attribute: str):
    """An attribute of a functional group, per-frame first, then shared; None when neither has it."""
    sources = []
    per_frame = header.get("PerFrameFunctionalGroupsSequence")
    if per_frame is not None and frame < len(per_frame):
        sources.append(per_frame[frame])
    shared = header.get("SharedFunctionalGroupsSequence")
    if shared:
        sources.append(shared[0])
    for source in sources:
        items = source.get(group)
        if items and attribute in items[0]:
            return items[0][attribute].value
    return None


def _floats(value, count: int, what: str) -> tuple[float, ...]:
    try:
        numbers = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise DicomFramesError(f"{what} {value!r} is not {count} numbers") from None
    if len(numbers) != count or not all(np.isfinite(numbers)):
        raise DicomFramesError(f"{what} {list(numbers)} is not {count} finite numbers")
    return numbers


def frame_geometries(header: Dataset) -> list[SliceGeometry]:
    """One SliceGeometry per frame, in file order."""
    frames = number_of_frames(header)
    per_frame = header.get("PerFrameFunctionalGroupsSequence")
    if per_frame is not None and len(per_frame) != frames:
        raise DicomFramesError(f"the file places {len(per_frame)} frames but holds {frames}")
    if per_frame is not None or header.get("SharedFunctionalGroupsSequence"):
        return [_functional_group_geometry(header, frame) for frame in range(frames)]
    orientation = header.get("ImageOrientationPatient")
    position = header.get("ImagePositionPatient")
    spacing = pixel_spacing(header)[0]
    offsets = header.get("GridFrameOffsetVector")
    if orientation is not None and position is not None and offsets is not None:
        return _offset_vector_geometry(header, frames, orientation, position, spacing, offsets)
    # No geometry: stacked like a lone image, at the spacing the file hints at, if any.
    step = float(header.get("SpacingBetweenSlices") or header.get("SliceThickness") or DEFAULT_SPACING_MM)
    step = step if np.isfinite(step) and step > 0 else DEFAULT_SPACING_MM
    normal = slice_normal(DEFAULT_ORIENTATION)
    spacing_mm = _floats(spacing, 2, "the pixel spacing")
    return [
        SliceGeometry(DEFAULT_ORIENTATION, tuple(float(c) for c in normal * step * frame), spacing_mm)
        for frame in range(frames)
    ]


def _functional_group_geometry(header: Dataset, frame: int) -> SliceGeometry:
    position = _group_value(header, frame, "PlanePositionSequence", "ImagePositionPatient")
    orientation = _group_value(header, frame, "PlaneOrientationSequence", "ImageOrientationPatient")
    spacing = _group_value(header, frame, "PixelMeasuresSequence", "PixelSpacing")
    missing = [name for name, value in (("position", position), ("orientation", orientation),
                                        ("pixel spacing", spacing)) if value is None]
    if missing:
        raise DicomFramesError(f"frame {frame + 1} has no {', '.join(missing)}, so it cannot be placed")
    return SliceGeometry(
        _floats(orientation, 6, f"frame {frame + 1}'s orientation"),
        _floats(position, 3, f"frame {frame + 1}'s position"),
        _floats(spacing, 2, f"frame {frame + 1}'s pixel spacing"),
    )


def _offset_vector_geometry(header, frames, orientation, position, spacing, offsets) -> list[SliceGeometry]:
    orientation = _floats(orientation, 6, "the orientation")
    origin = np.asarray(_floats(position, 3, "the position"))
    offsets = _floats(offsets, frames, "the frames' offsets")
    normal = slice_normal(orientation)
    # Offsets are relative to the first frame when the first is 0, else absolute along the normal.
    relative = np.asarray(offsets) - offsets[0]
    spacing_mm = _floats(spacing, 2, "the pixel spacing")
    return [
        SliceGeometry(orientation, tuple(float(c) for c in origin + normal * offset), spacing_mm)
        for offset in relative
    ]


def frame_rescales(header: Dataset) -> list[tuple[float, float]]:
    """(slope, intercept) per frame: functional groups, else the top-level values; RT Dose's DoseGridScaling."""
    frames = number_of_frames(header)
    top_slope = header_number(header.get("RescaleSlope"), header_number(header.get("DoseGridScaling"), 1.0))
    top_intercept = header_number(header.get("RescaleIntercept"), 0.0)
    rescales = []
    for frame in range(frames):
        slope = _group_value(header, frame, "PixelValueTransformationSequence", "RescaleSlope")
        intercept = _group_value(header, frame, "PixelValueTransformationSequence", "RescaleIntercept")
        rescales.append((header_number(slope, top_slope), header_number(intercept, top_intercept)))
    return rescales


def header_number(value, default: float) -> float:
    """A header number, or the default when it is absent, not a number or not finite."""
    try:
        number = float(value) if value not in (None, "") else default
    except (TypeError, ValueError, OverflowError):
        return default
    return number if np.isfinite(number) else default
