"""How a volume looks in the slice views: window/level, colour map, interpolation,
and which volume each slice layer (background, foreground, label) shows."""

from __future__ import annotations

from ..scene.node_lookup import DisplayControlError, require_bool, require_finite, require_node
from ..scene.scene_nodes import nodes_of_class
from ..scene.slicer_engine import SlicerEngine
from .window_level_presets import AUTO_PRESET, PRESET_COLOR_NODE_ID, WINDOW_LEVEL_PRESETS

# Window/level beyond this is no image any scanner produces (float volumes included).
MAX_ABS_WINDOW_LEVEL = 1.0e9

SLICE_LAYERS = ("background", "foreground", "label")
OPACITY_LAYERS = ("foreground", "label")

# The colour tables Slicer's colour logic builds in code that suit a scalar volume, in the
# order a user picks them. "Labels" is there for label maps. Colour tables the user loads
# (not hidden from editors) are listed after these.
USEFUL_COLOR_MAP_NAMES = (
    "Grey", "InvertedGrey", "Iron", "Rainbow", "ReverseRainbow", "FullRainbow", "Ocean", "Desert",
    "fMRI", "fMRIPA", "PET-Heat", "PET-Rainbow2", "PET-DICOM", "PET-HotMetalBlue",
    "Red", "Green", "Blue", "Yellow", "Cyan", "Magenta", "Labels",
)


COLOUR_HAS_NO_WINDOW_LEVEL = "is a colour image, shown in its own colours: it has no window/level or colour map"


def _display_node(engine: SlicerEngine, volume_id: str, grey_levels: bool = True, grey_only: bool = False):
    """The volume and its display node. grey_levels: the caller needs window/level and
    interpolation, which a label map's display node does not have. grey_only: the caller maps grey
    values (window/level, colour maps), which a colour (vector) volume does not have."""
    volume = require_node(engine, volume_id, "vtkMRMLScalarVolumeNode", "volume")
    display = volume.GetDisplayNode()
    if display is None:
        volume.CreateDefaultDisplayNodes()
        display = volume.GetDisplayNode()
    if display is None:
        raise DisplayControlError(f"volume {volume.GetName()!r} has no display node")
    if grey_levels and not display.IsA("vtkMRMLScalarVolumeDisplayNode"):
        raise DisplayControlError(f"{volume.GetName()!r} is a label map: it has no window/level or interpolation")
    if grey_only and volume.IsA("vtkMRMLVectorVolumeNode"):
        raise DisplayControlError(f"{volume.GetName()!r} {COLOUR_HAS_NO_WINDOW_LEVEL}")
    return volume, display


def volume_display_state(engine: SlicerEngine, volume_id: str) -> dict:
    """Window/level, scalar range, colour map and interpolation of a volume's display node."""
    volume, display = _display_node(engine, volume_id, grey_levels=False)
    image = volume.GetImageData()
    low, high = image.GetScalarRange() if image is not None else (0.0, 0.0)
    grey = display.IsA("vtkMRMLScalarVolumeDisplayNode")  # label maps: None for what they lack
    return {
        "window": float(display.GetWindow()) if grey else None,
        "level": float(display.GetLevel()) if grey else None,
        "auto_window_level": bool(display.GetAutoWindowLevel()) if grey else None,
        "scalar_range": [float(low), float(high)],
        "color_node_id": display.GetColorNodeID(),
        "interpolate": bool(display.GetInterpolate()) if grey else None,
        "is_labelmap": bool(volume.IsA("vtkMRMLLabelMapVolumeNode")),
        "is_colour": bool(volume.IsA("vtkMRMLVectorVolumeNode")),
    }


def set_window_level(engine: SlicerEngine, volume_id: str, window: float, level: float) -> None:
    """Set window and level; like dragging in Slicer, this turns automatic window/level off."""
    window = require_finite(window, "window", 0.0, MAX_ABS_WINDOW_LEVEL)
    level = require_finite(level, "level", -MAX_ABS_WINDOW_LEVEL, MAX_ABS_WINDOW_LEVEL)
    if window <= 0.0:
        raise DisplayControlError("window must be greater than 0")
    _, display = _display_node(engine, volume_id, grey_only=True)
    was_modifying = display.StartModify()
    display.AutoWindowLevelOff()
    display.SetWindowLevel(window, level)
    display.EndModify(was_modifying)


def apply_window_level_preset(engine: SlicerEngine, volume_id: str, name: str) -> None:
    """A named preset of window_level_presets, or AUTO_PRESET for Slicer's automatic window/level."""
    if name == AUTO_PRESET:
        _, display = _display_node(engine, volume_id, grey_only=True)
        display.AutoWindowLevelOn()
        return
    if not isinstance(name, str) or name not in WINDOW_LEVEL_PRESETS:
        known = ", ".join([*WINDOW_LEVEL_PRESETS, AUTO_PRESET])
        raise DisplayControlError(f"no window/level preset {str(name)[:80]!r}; known: {known}")
    window, level = WINDOW_LEVEL_PRESETS[name]
    _, display = _display_node(engine, volume_id, grey_only=True)
    was_modifying = display.StartModify()
    display.AutoWindowLevelOff()
    display.SetWindowLevel(window, level)
    if engine.scene.GetNodeByID(PRESET_COLOR_NODE_ID) is not None:
        display.SetAndObserveColorNodeID(PRESET_COLOR_NODE_ID)
    display.EndModify(was_modifying)


def color_maps(engine: SlicerEngine) -> list[dict]:
    """Colour maps a volume can use: [{"id", "name"}], Slicer's useful built-ins first."""
    by_name, loaded = {}, []
    for node in nodes_of_class(engine.scene, "vtkMRMLColorNode"):
        entry = {"id": node.GetID(), "name": node.GetName()}
        if node.GetHideFromEditors():
            by_name.setdefault(node.GetName(), entry)
        else:
            loaded.append(entry)
    return [by_name[name] for name in USEFUL_COLOR_MAP_NAMES if name in by_name] + loaded


def set_color_map(engine: SlicerEngine, volume_id: str, color_node_id: str) -> None:
    color_node = require_node(engine, color_node_id, "vtkMRMLColorNode", "colour map")
    _, display = _display_node(engine, volume_id, grey_levels=False, grey_only=True)
    display.SetAndObserveColorNodeID(color_node.GetID())


def set_interpolation(engine: SlicerEngine, volume_id: str, on: bool) -> None:
    """Linear interpolation of the resliced image (on) or nearest voxel (off)."""
    on = require_bool(on, "interpolation")
    _, display = _display_node(engine, volume_id)
    display.SetInterpolate(on)


def _composite_nodes(engine: SlicerEngine) -> list:
    return [view.logic.GetSliceCompositeNode() for view in engine.slice_views.values()]


def slice_layers(engine: SlicerEngine) -> dict:
    """What the slice views show, read from the first slice view's composite node
    (set_slice_layer keeps the three the same, as Slicer's linked views do)."""
    composite = _composite_nodes(engine)[0]
    return {
        "background": composite.GetBackgroundVolumeID(),
        "foreground": composite.GetForegroundVolumeID(),
        "label": composite.GetLabelVolumeID(),
        "foreground_opacity": float(composite.GetForegroundOpacity()),
        "label_opacity": float(composite.GetLabelOpacity()),
    }


def set_slice_layer(engine: SlicerEngine, layer: str, volume_id: str | None) -> None:
    """Show a volume (or nothing, for None) in one layer of every slice view."""
    if layer not in SLICE_LAYERS:
        raise DisplayControlError(f"no slice layer {str(layer)[:40]!r}; layers are {', '.join(SLICE_LAYERS)}")
    if volume_id is not None:
        # Slicer's label layer takes label maps only; the other layers take any volume.
        class_name = "vtkMRMLLabelMapVolumeNode" if layer == "label" else "vtkMRMLVolumeNode"
        what = "label map" if layer == "label" else "volume"
        volume_id = require_node(engine, volume_id, class_name, what).GetID()
    for composite in _composite_nodes(engine):
        if layer == "background":
            composite.SetBackgroundVolumeID(volume_id)
        elif layer == "foreground":
            composite.SetForegroundVolumeID(volume_id)
        else:
            composite.SetLabelVolumeID(volume_id)
    selection = engine.app_logic.GetSelectionNode()
    if layer == "background" and volume_id is not None:
        selection.SetActiveVolumeID(volume_id)
    elif layer == "label":
        selection.SetActiveLabelVolumeID(volume_id)


def set_layer_opacity(engine: SlicerEngine, layer: str, opacity: float) -> None:
    if layer not in OPACITY_LAYERS:
        raise DisplayControlError(f"layer {str(layer)[:40]!r} has no opacity; use foreground or label")
    opacity = require_finite(opacity, f"{layer} opacity", 0.0, 1.0)
    for composite in _composite_nodes(engine):
        if layer == "foreground":
            composite.SetForegroundOpacity(opacity)
        else:
            composite.SetLabelOpacity(opacity)
