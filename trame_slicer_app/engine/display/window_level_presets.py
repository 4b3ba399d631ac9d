"""Window/level presets, in window and level (Hounsfield units for CT).

Slicer's own presets (Modules/Loadable/Volumes/Resources/VolumeDisplayPresets.json)
give CT-Bone 1000/400, CT-Air 1000/-426, CT-Brain 100/50, CT-Abdomen 350/40 and
CT-Lung 1400/-500; they are used unchanged here. Slicer has no soft-tissue preset:
400/40 is the soft-tissue window radiology texts and other viewers use.
slicer-core ships without that JSON file, so the numbers live here.
"""

from __future__ import annotations

WINDOW_LEVEL_PRESETS: dict[str, tuple[float, float]] = {
    "CT bone": (1000.0, 400.0),
    "CT lung": (1400.0, -500.0),
    "CT brain": (100.0, 50.0),
    "CT abdomen": (350.0, 40.0),
    "CT soft tissue": (400.0, 40.0),
    "CT air": (1000.0, -426.0),
}

# Slicer's automatic window/level (the display node's AutoWindowLevel), the right choice for MR
# whose intensities have no fixed scale.
AUTO_PRESET = "MR automatic"

# Slicer's presets also switch the volume to the grey colour table.
PRESET_COLOR_NODE_ID = "vtkMRMLColorTableNodeGrey"


def preset_names() -> list[str]:
    return [*WINDOW_LEVEL_PRESETS, AUTO_PRESET]
