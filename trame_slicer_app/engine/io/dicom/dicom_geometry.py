"""Where the slices of a DICOM series lie: their order and the IJK -> RAS matrix.

Pure numpy over the few header values that fix the geometry (ImageOrientationPatient,
ImagePositionPatient, PixelSpacing), so it can be checked independently of any reader.

DICOM patient coordinates are LPS; MRML is RAS, so x and y change sign. The slice step is
taken from the positions, not from SliceThickness or SpacingBetweenSlices (which scanners
fill in loosely), and it is kept as a full vector: a gantry-tilted acquisition, whose
slices are shifted sideways as they advance, keeps that shear in its matrix instead of
being straightened into a wrong shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...errors import EngineError

LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0])
# Two slices closer than this along the normal are the same slice twice.
DUPLICATE_SLICE_TOLERANCE_MM = 1e-3
# A slice further than this (or than this fraction of the step) from its place on a regular
# grid means a missing slice or a mixed series; reading it as regular would misplace anatomy.
IRREGULAR_SPACING_TOLERANCE_MM = 0.05
IRREGULAR_SPACING_TOLERANCE_FRACTION = 0.02
# Orientation cosines that differ by more than this between slices are different orientations.
ORIENTATION_TOLERANCE = 1e-3


class DicomGeometryError(EngineError):
    """The slices do not make one regular volume; the message says why, ``slices`` which (ordered indices)."""

    def __init__(self, message: str, slices: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.slices = slices


@dataclass(frozen=True)
class SliceGeometry:
    """The geometry one image header gives."""

    orientation: tuple[float, ...]  # ImageOrientationPatient: row cosines then column cosines (LPS)
    position_mm: tuple[float, float, float]  # ImagePositionPatient of the first voxel (LPS)
    pixel_spacing_mm: tuple[float, float]  # PixelSpacing: between rows, then between columns


def slice_normal(orientation: Sequence[float]) -> np.ndarray:
    """The unit normal of the image plane (LPS): row direction x column direction."""
    row, column = _unit_directions(orientation)
    return np.cross(row, column)


def _unit_directions(orientation: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    values = np.asarray(orientation, dtype=float)
    if values.shape != (6,) or not np.all(np.isfinite(values)):
        raise DicomGeometryError(f"the slice orientation must be 6 finite numbers, not {list(orientation)}")
    row, column = values[:3], values[3:]
    row_norm, column_norm = np.linalg.norm(row), np.linalg.norm(column)
    if row_norm < 0.5 or column_norm < 0.5 or abs(np.dot(row, column)) > 0.1 * row_norm * column_norm:
        raise DicomGeometryError(f"the slice orientation {list(orientation)} is not two perpendicular directions")
    return row / row_norm, column / column_norm


def order_along_normal(geometries: Sequence[SliceGeometry]) -> list[int]:
    """Indices of the slices sorted by their position along the slice normal (ascending)."""
    normal = slice_normal(geometries[0].orientation)
    distances = [float(np.dot(normal, g.position_mm)) for g in geometries]
    return sorted(range(len(geometries)), key=lambda index: distances[index])


def ijk_to_ras_matrix(ordered: Sequence[SliceGeometry]) -> np.ndarray:
    """The 4x4 IJK -> RAS matrix of slices already in order along the normal.

    I runs along a row (columns), J down the columns (rows), K from the first slice to the last.
    Raises DicomGeometryError when the slices do not share an orientation and pixel spacing,
    when two lie at the same place, or when they are not evenly spaced along one line.
    """
    first = ordered[0]
    row, column = _unit_directions(first.orientation)
    for index, geometry in enumerate(ordered[1:], start=1):
        if np.max(np.abs(np.subtract(geometry.orientation, first.orientation))) > ORIENTATION_TOLERANCE:
            raise DicomGeometryError(f"slice {index} has another orientation ({list(geometry.orientation)})", (index,))
        if not np.allclose(geometry.pixel_spacing_mm, first.pixel_spacing_mm, rtol=1e-4, atol=1e-6):
            raise DicomGeometryError(
                f"slice {index} has another pixel spacing ({list(geometry.pixel_spacing_mm)})", (index,)
            )
    spacing = np.asarray(first.pixel_spacing_mm, dtype=float)
    if spacing.shape != (2,) or not np.all(np.isfinite(spacing)) or np.any(spacing <= 0):
        raise DicomGeometryError(f"the pixel spacing must be two positive numbers, not {list(first.pixel_spacing_mm)}")
    positions = np.asarray([g.position_mm for g in ordered], dtype=float)
    if positions.shape != (len(ordered), 3) or not np.all(np.isfinite(positions)):
        raise DicomGeometryError("every slice's position must be 3 finite numbers")
    step = _slice_step(positions, slice_normal(first.orientation))

    matrix_lps = np.eye(4)
    matrix_lps[:3, 0] = row * spacing[1]
    matrix_lps[:3, 1] = column * spacing[0]
    matrix_lps[:3, 2] = step
    matrix_lps[:3, 3] = positions[0]
    matrix_ras = np.eye(4)
    matrix_ras[:3, :] = LPS_TO_RAS @ matrix_lps[:3, :]
    return matrix_ras


def _slice_step(positions: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """The vector from one slice origin to the next; for one slice, the normal times 1 mm."""
    if len(positions) == 1:
        return normal.copy()
    distances = positions @ normal
    gaps = np.diff(distances)
    if np.min(gaps) < DUPLICATE_SLICE_TOLERANCE_MM:
        at = int(np.argmin(gaps))
        raise DicomGeometryError(
            f"slices {at} and {at + 1} are at the same position along the slice normal "
            f"({distances[at]:.3f} mm): duplicate or mixed images",
            (at, at + 1),
        )
    step = (positions[-1] - positions[0]) / (len(positions) - 1)
    expected = positions[0] + np.outer(np.arange(len(positions)), step)
    off_grid_mm = float(np.max(np.linalg.norm(positions - expected, axis=1)))
    tolerance_mm = max(IRREGULAR_SPACING_TOLERANCE_MM, IRREGULAR_SPACING_TOLERANCE_FRACTION * np.linalg.norm(step))
    if off_grid_mm > tolerance_mm:
        raise DicomGeometryError(
            f"slices are not evenly spaced (gaps {np.min(gaps):.3f} to {np.max(gaps):.3f} mm along the normal): "
            "missing slices or a mixed series"
        )
    return step
