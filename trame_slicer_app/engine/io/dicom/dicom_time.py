"""Series that image the same slices several times (dynamic contrast, cardiac phases, perfusion, an
fMRI run stored as DICOM): which images belong to which time point.

Such a series repeats every slice position once per time point, so as one volume it is refused for its
duplicate positions. Slicer's multi-volume import looks for a header value that tells the repeats apart;
so does this, in a fixed order of preference, and takes the first value that splits the images into
time points that each cover the same slice positions once. Images of one file (an enhanced multi-frame
object) say it in their functional groups; single-frame files in their top-level attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydicom.dataset import Dataset

from .dicom_geometry import SliceGeometry

# Positions closer than this (mm) are the same slice position.
POSITION_TOLERANCE_MM = 0.01


@dataclass(frozen=True)
class TimeKey:
    """One header value that may tell time points apart: how it is named, its unit and how to read it."""

    name: str  # shown as the sequence's index name
    unit: str
    read: Callable[[Dataset, int], object]  # (header, frame) -> the value or None


@dataclass(frozen=True)
class TimePoints:
    """Images (file or frame indices) grouped by time point, in time order, and the values that order them."""

    groups: list[list[int]]
    values: list[str]
    key: TimeKey


def _top_level(attribute: str) -> Callable[[Dataset, int], object]:
    return lambda header, _frame: header.get(attribute)


def _per_frame(group: str, attribute: str) -> Callable[[Dataset, int], object]:
    def read(header: Dataset, frame: int):
        per_frame = header.get("PerFrameFunctionalGroupsSequence")
        if per_frame is None or frame >= len(per_frame):
            return None
        items = per_frame[frame].get(group)
        return items[0].get(attribute) if items else None

    return read


# Single-frame files, each image its own header. Identifier first: it says "time point" outright.
FILE_TIME_KEYS = (
    TimeKey("time point", "", _top_level("TemporalPositionIdentifier")),
    TimeKey("trigger time", "ms", _top_level("TriggerTime")),
    TimeKey("acquisition time", "", _top_level("AcquisitionTime")),
    TimeKey("content time", "", _top_level("ContentTime")),
    TimeKey("acquisition", "", _top_level("AcquisitionNumber")),
)
# The frames of one enhanced multi-frame file.
FRAME_TIME_KEYS = (
    TimeKey("time point", "", _per_frame("FrameContentSequence", "TemporalPositionIndex")),
    TimeKey("trigger delay", "ms", _per_frame("CardiacSynchronizationSequence", "NominalCardiacTriggerDelayTime")),
    TimeKey("acquisition time", "", _per_frame("FrameContentSequence", "FrameAcquisitionDateTime")),
    TimeKey("reference time", "", _per_frame("FrameContentSequence", "FrameReferenceDateTime")),
)


def _position_key(geometry: SliceGeometry) -> tuple[int, ...]:
    return tuple(round(c / POSITION_TOLERANCE_MM) for c in geometry.position_mm)


def repeats_positions(geometries: Sequence[SliceGeometry]) -> bool:
    """Whether two images lie at the same position: a time series, or duplicates."""
    keys = [_position_key(g) for g in geometries]
    return len(set(keys)) < len(keys)


def _sortable(value) -> tuple:
    """Numbers by value, everything else (times as text, HHMMSS.ffffff) by its text."""
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def _shown(value) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value).strip()


def time_points(
    geometries: Sequence[SliceGeometry], reads: Sequence[tuple[Dataset, int]], keys: Sequence[TimeKey]
) -> TimePoints | None:
    """The time points of images that repeat their positions, or None when no key splits them cleanly.

    ``reads`` gives, per image, the header and frame to read a key from. A key splits cleanly when every
    image has it, there are at least two values, and each value's images cover the same positions, each
    once. Series that do not repeat positions are not time series (None)."""
    if len(geometries) < 2 or not repeats_positions(geometries):
        return None
    positions = [_position_key(g) for g in geometries]
    for key in keys:
        values = [key.read(header, frame) for header, frame in reads]
        if any(value in (None, "") for value in values):
            continue
        groups: dict[str, list[int]] = {}
        for index, value in enumerate(values):
            groups.setdefault(_shown(value), []).append(index)
        if len(groups) < 2:
            continue
        covered = [sorted(positions[i] for i in members) for members in groups.values()]
        if any(len(set(c)) != len(c) for c in covered) or any(c != covered[0] for c in covered):
            continue
        ordered = sorted(groups, key=lambda shown: _sortable(values[groups[shown][0]]))
        return TimePoints([groups[shown] for shown in ordered], ordered, key)
    return None
