"""Built-in sample data, shown when the app starts with no file."""

from __future__ import annotations

from slicer import vtkMRMLScalarVolumeNode

from ..scene.slicer_engine import SlicerEngine
from .head_phantom import PHANTOM_SPACING_MM, make_head_phantom
from .volumes import add_volume_from_array

SAMPLE_HEAD_NAME = "SampleHeadCT"
BRAIN_WINDOW_LEVEL_HU = (80.0, 40.0)


def add_sample_head(engine: SlicerEngine) -> vtkMRMLScalarVolumeNode:
    return add_volume_from_array(
        engine, make_head_phantom(), SAMPLE_HEAD_NAME, PHANTOM_SPACING_MM, window_level=BRAIN_WINDOW_LEVEL_HU
    )
