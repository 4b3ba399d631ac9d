"""Where a pointer event falls in a slice view, and the view's plane, in RAS."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .plane_polygon import PlaneAxes


def ras_under(view, event: Mapping) -> np.ndarray:
    """The RAS point under an event's client position (mapped as the interactor maps it)."""
    x, y = view.client_to_display(float(event.get("x", 0)), float(event.get("y", 0)))
    return np.array(view.xy_to_ras(x, y))


def slice_plane(view) -> PlaneAxes:
    """The slice view's plane: its centre, in-plane axes and normal (SliceToRAS's columns)."""
    matrix = view.slice_node.GetSliceToRAS()
    column = [np.array([matrix.GetElement(r, c) for r in range(3)]) for c in range(4)]
    return PlaneAxes(column[3], column[0], column[1])


def ras_to_xy(view, ras) -> tuple[float, float]:
    """A RAS point in the view's XY pixels (origin bottom left), the frame 2D actors draw in."""
    xy_to_ras = view.slice_node.GetXYToRAS()
    matrix = np.array([[xy_to_ras.GetElement(r, c) for c in range(4)] for r in range(4)])
    xy = np.linalg.solve(matrix, np.r_[np.asarray(ras, dtype=float), 1.0])
    return float(xy[0]), float(xy[1])


def mm_per_pixel(view) -> float:
    return float(view.slice_node.GetFieldOfView()[0]) / max(1, view.size[0])
