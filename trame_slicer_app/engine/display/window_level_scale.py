"""How finely the window/level controls move for one volume: their bounds, step and decimals.

Slicer's window/level widget (qMRMLVolumeWidget, updateRangeForVolumeDisplayNode and
updateSingleStep) derives them from the volume's display scalar range, so that a CT in
Hounsfield units and a 0-1 probability map both get sliders that move usefully:

- the slider span is the scalar range widened by a tenth of it on each side; for ranges of 10
  or more it also covers at least -600..600 (room for the CT presets on any CT);
- the step is a hundredth of the span's order of magnitude, the decimals what that step needs.

Here the bounds are also moved out to whole steps: a browser slider snaps its thumb to
``min + n * step``, and a grid not anchored on a whole step would leave round values (the
presets) unreachable. Whole-number voxels print their range without decimals.
"""

from __future__ import annotations

import math

from vtkmodules.vtkCommonCore import VTK_DOUBLE, VTK_FLOAT

from ..scene.node_lookup import require_node
from ..scene.slicer_engine import SlicerEngine

SMALL_RANGE = 10.0  # below this Slicer keeps the sliders close to the data
WIDE_RANGE_COVERS = 600.0  # ...above it they reach at least -600..600
MARGIN_FRACTION = 0.1
STEPS_PER_ORDER = 2  # step = 10 ** (order of magnitude of the span - 2)
FLAT_IMAGE_HALF_SPAN = 1.0  # an image of one value still needs sliders that move


def scale_for_range(low: float, high: float, whole_voxels: bool) -> dict:
    """{"level_min", "level_max", "window_max", "step", "decimals", "range_decimals"} for a
    volume whose voxels span [low, high]."""
    interval = max(0.0, high - low)
    if interval == 0.0:
        low, high = low - FLAT_IMAGE_HALF_SPAN, high + FLAT_IMAGE_HALF_SPAN
    elif interval < SMALL_RANGE:
        low, high = low - interval * MARGIN_FRACTION, high + interval * MARGIN_FRACTION
    else:
        low = min(-WIDE_RANGE_COVERS, low - interval * MARGIN_FRACTION)
        high = max(WIDE_RANGE_COVERS, high + interval * MARGIN_FRACTION)
    order = math.floor(math.log10(high - low))
    decimals = max(0, STEPS_PER_ORDER - order)
    step = 10.0 ** (order - STEPS_PER_ORDER)
    level_min = round(math.floor(low / step) * step, decimals)
    level_max = round(math.ceil(high / step) * step, decimals)
    return {
        "level_min": level_min,
        "level_max": level_max,
        "window_max": round(level_max - level_min, decimals),
        "step": round(step, decimals),
        "decimals": decimals,
        "range_decimals": 0 if whole_voxels else decimals,
    }


def window_level_scale(engine: SlicerEngine, volume_id: str) -> dict | None:
    """scale_for_range for a volume, from the scalar range its display node shows (as Slicer's
    widget reads it); None for a label map, which has no window/level."""
    volume = require_node(engine, volume_id, "vtkMRMLScalarVolumeNode", "volume")
    display = volume.GetDisplayNode()
    if display is None or not display.IsA("vtkMRMLScalarVolumeDisplayNode"):
        return None
    image = volume.GetImageData()
    if image is None:
        return scale_for_range(0.0, 0.0, whole_voxels=True)
    low, high = image.GetScalarRange()
    if display.GetInputImageData() is not None:
        shown = [0.0, 0.0]
        display.GetDisplayScalarRange(shown)
        low, high = shown
    return scale_for_range(float(low), float(high), image.GetScalarType() not in (VTK_FLOAT, VTK_DOUBLE))
