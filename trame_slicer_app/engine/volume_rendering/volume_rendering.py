"""Volume rendering of a scalar volume in the 3D view, through Slicer's Volume Rendering logic.

What the user sees as "preset" and "shift" lives in MRML: the display node's
volume property node holds the transfer functions, and two attributes on it
remember which preset they came from and how far it was shifted along the
scalar axis (as Slicer's preset offset slider moves every point), so a saved
scene reopens as it was left.
"""

from __future__ import annotations

import logging
import math
import weakref
from pathlib import Path

from slicer import vtkMRMLScalarVolumeNode, vtkMRMLVolumePropertyNode, vtkMRMLVolumeRenderingDisplayNode

from ..errors import EngineError
from ..scene.slicer_engine import SlicerEngine
from .presets import (
    DEFAULT_CT_PRESET,
    DEFAULT_MR_PRESET,
    VOLUME_RENDERING_PRESETS,
    VolumeRenderingPreset,
)
from .quality import interactive_quality

log = logging.getLogger(__name__)

__all__ = [
    "VOLUME_RENDERING_PRESETS",
    "VolumeRenderingError",
    "rendering_method",
    "set_interacting",
    "set_vr_crop",
    "set_vr_preset",
    "set_vr_shift",
    "show_volume_rendering",
    "volume_rendering_state",
]

PRESET_ATTRIBUTE = "TrameSlicer.VolumeRenderingPreset"
SHIFT_ATTRIBUTE = "TrameSlicer.VolumeRenderingShift"
DISPLAY_NODE_CLASSES = {
    "cpu": "vtkMRMLCPURayCastVolumeRenderingDisplayNode",
    "gpu": "vtkMRMLGPURayCastVolumeRenderingDisplayNode",
}
# OpenGL renderer strings of Mesa's software rasterisers: no GPU behind them.
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast")
# Holds an empty presets scene so that the logic does not fail looking for Slicer's.
LOGIC_SHARE_DIRECTORY = Path(__file__).with_name("volume_rendering_share")
CT_MINIMUM_BELOW_HU = -500.0  # a volume whose darkest voxel is below this is taken for a CT (air is -1000 HU)

_methods: weakref.WeakKeyDictionary[SlicerEngine, str] = weakref.WeakKeyDictionary()


class VolumeRenderingError(EngineError):
    """A volume rendering request that cannot be done; the message says why."""


# -- the machine ------------------------------------------------------------------
def opengl_renderer(render_window) -> str:
    """The OpenGL renderer string of a render window ("llvmpipe (LLVM 15...)", "NVIDIA H100/PCIe/SSE2")."""
    for attempt in range(2):
        for line in render_window.ReportCapabilities().splitlines():
            if line.startswith("OpenGL renderer string:"):
                return line.split(":", 1)[1].strip()
        if attempt == 0:
            render_window.Render()  # capabilities are known once a context exists
    return ""


def rendering_method(engine: SlicerEngine) -> str:
    """"gpu" where the 3D view renders on a GPU, "cpu" on a software rasteriser."""
    method = _methods.get(engine)
    if method is None:
        renderer = opengl_renderer(engine.threed_view.render_window).lower()
        method = "cpu" if not renderer or any(name in renderer for name in SOFTWARE_RENDERERS) else "gpu"
        log.info("OpenGL renderer %r: %s ray casting for volume rendering", renderer, method.upper())
        _methods[engine] = method
    return method


# -- finding the nodes ------------------------------------------------------------
def _volume(engine: SlicerEngine, volume_id) -> vtkMRMLScalarVolumeNode:
    if not isinstance(volume_id, str) or not volume_id:
        raise VolumeRenderingError("volume id must be a non-empty string")
    node = engine.scene.GetNodeByID(volume_id)
    if node is None:
        raise VolumeRenderingError(f"no node {volume_id!r} in the scene")
    if not isinstance(node, vtkMRMLScalarVolumeNode) or node.IsA("vtkMRMLLabelMapVolumeNode"):
        raise VolumeRenderingError(f"{node.GetName()!r} is not a scalar volume")
    if node.GetImageData() is None:
        raise VolumeRenderingError(f"{node.GetName()!r} has no voxels")
    return node


def _display_node(engine: SlicerEngine, volume) -> vtkMRMLVolumeRenderingDisplayNode | None:
    return engine.volume_rendering_logic.GetFirstVolumeRenderingDisplayNode(volume)


def _ensure_display_node(engine: SlicerEngine, volume) -> vtkMRMLVolumeRenderingDisplayNode:
    logic = engine.volume_rendering_logic
    wanted = DISPLAY_NODE_CLASSES[rendering_method(engine)]
    display = _display_node(engine, volume)
    if display is None:
        _install_presets(logic)
        logic.SetDefaultRenderingMethod(wanted)
        # The nodes are made step by step rather than by CreateDefaultVolumeRenderingNodes, which
        # then copies a "recommended" preset found by name and crashes (a null copy) on 8-bit
        # volumes, whose preset ("US-Fetal") no presets scene here holds.
        display = logic.CreateVolumeRenderingDisplayNode()
        display.SetVisibility(False)
        engine.scene.AddNode(display)
        volume.AddAndObserveDisplayNodeID(display.GetID())
        logic.UpdateDisplayNodeFromVolumeNode(display, volume)  # adds the volume property and ROI nodes
        _apply_preset(display, _default_preset(volume), 0.0)
    elif not display.IsA(wanted):
        # A scene saved on another machine: render it the way this one can.
        logic.ChangeVolumeRenderingMethod(wanted)
        display = _display_node(engine, volume)
    _keep_left_drag_rotating(engine)
    # Made lazily: the view's interactor and render window are known by now.
    controller = interactive_quality(engine.threed_view)
    for slice_view in engine.slice_views.values():
        controller.watch_other_view(slice_view.interactor)
    return display


def _keep_left_drag_rotating(engine: SlicerEngine) -> None:
    """In Slicer's "Adjust window/level" mouse mode (the engine's mode, for the slice views), a
    left-drag over a volume rendering adjusts its transfer function instead of rotating. Here the
    3D view rotates, as the README's mouse conventions say; the shift slider moves the transfer
    function instead."""
    manager = engine.threed_view.displayable_managers.GetDisplayableManagerByClassName(
        "vtkMRMLVolumeRenderingDisplayableManager"
    )
    widget = manager.GetVolumeRenderingWindowLevelWidget() if manager is not None else None
    if widget is not None:
        widget.SetMRMLViewNode(None)  # without a view node it claims no event


def _install_presets(logic) -> None:
    """Put our presets in the logic's presets scene, where Slicer's own code looks them up (it picks
    one by name for some volumes, and crashes on a missing one)."""
    if not logic.GetModuleShareDirectory():
        logic.SetModuleShareDirectory(str(LOGIC_SHARE_DIRECTORY))
    for preset in VOLUME_RENDERING_PRESETS.values():
        if logic.GetPresetByName(preset.name) is None:
            node = vtkMRMLVolumePropertyNode()
            node.SetName(preset.name)
            _fill_volume_property(node, preset, 0.0)
            logic.AddPreset(node)


def _default_preset(volume) -> VolumeRenderingPreset:
    low, _high = volume.GetImageData().GetScalarRange()
    return VOLUME_RENDERING_PRESETS[DEFAULT_CT_PRESET if low < CT_MINIMUM_BELOW_HU else DEFAULT_MR_PRESET]


# -- transfer functions -----------------------------------------------------------
def _apply_preset(display, preset: VolumeRenderingPreset, shift: float) -> None:
    property_node = display.GetVolumePropertyNode()
    was_modifying = property_node.StartModify()
    _fill_volume_property(property_node, preset, shift)
    property_node.SetAttribute(PRESET_ATTRIBUTE, preset.name)
    property_node.SetAttribute(SHIFT_ATTRIBUTE, repr(float(shift)))
    property_node.Modified()
    property_node.EndModify(was_modifying)


def _fill_volume_property(property_node, preset: VolumeRenderingPreset, shift: float) -> None:
    volume_property = property_node.GetVolumeProperty()
    opacity = volume_property.GetScalarOpacity()
    opacity.RemoveAllPoints()
    for value, alpha in preset.scalar_opacity:
        opacity.AddPoint(value + shift, alpha)
    color = volume_property.GetRGBTransferFunction()
    color.RemoveAllPoints()
    for value, red, green, blue in preset.color:
        color.AddRGBPoint(value + shift, red, green, blue)
    gradient = volume_property.GetGradientOpacity()
    gradient.RemoveAllPoints()
    for magnitude, alpha in preset.gradient_opacity:
        gradient.AddPoint(magnitude, alpha)
    volume_property.SetAmbient(preset.ambient)
    volume_property.SetDiffuse(preset.diffuse)
    volume_property.SetSpecular(preset.specular)
    volume_property.SetSpecularPower(preset.specular_power)
    volume_property.SetShade(preset.shade)


def _stored_preset(display) -> VolumeRenderingPreset | None:
    name = display.GetVolumePropertyNode().GetAttribute(PRESET_ATTRIBUTE)
    return VOLUME_RENDERING_PRESETS.get(name) if name else None


def _stored_shift(display) -> float:
    try:
        shift = float(display.GetVolumePropertyNode().GetAttribute(SHIFT_ATTRIBUTE) or 0.0)
    except ValueError:
        return 0.0
    return shift if math.isfinite(shift) else 0.0


def shift_range(volume) -> tuple[float, float]:
    """How far a preset may move along the scalar axis: the width of the volume's scalar range either way."""
    low, high = volume.GetImageData().GetScalarRange()
    width = max(1.0, float(high - low))
    return -width, width


# -- what the user does ---------------------------------------------------------------
def volume_rendering_state(engine: SlicerEngine, volume_id: str) -> dict:
    """{"visible", "preset", "shift", "shift_range": [lo, hi], "crop", "method"} of a volume."""
    volume = _volume(engine, volume_id)
    display = _display_node(engine, volume)
    method = rendering_method(engine)
    if display is None:
        preset = _default_preset(volume)
        return {"visible": False, "preset": preset.name, "shift": 0.0, "shift_range": list(shift_range(volume)),
                "crop": False, "method": method}
    preset = _stored_preset(display)
    return {
        "visible": bool(display.GetVisibility()),
        "preset": preset.name if preset else None,
        "shift": _stored_shift(display),
        "shift_range": list(shift_range(volume)),
        "crop": bool(display.GetCroppingEnabled()),
        "method": "gpu" if display.IsA("vtkMRMLGPURayCastVolumeRenderingDisplayNode") else "cpu",
    }


def show_volume_rendering(engine: SlicerEngine, volume_id: str, on: bool) -> dict:
    """Show or hide the volume rendering of a volume (made, with a preset that fits the modality, on first use)."""
    volume = _volume(engine, volume_id)
    if not isinstance(on, bool):
        raise VolumeRenderingError("on must be true or false")
    if on:
        _ensure_display_node(engine, volume).SetVisibility(True)
    else:
        display = _display_node(engine, volume)
        if display is not None:
            display.SetVisibility(False)
    return volume_rendering_state(engine, volume_id)


def set_vr_preset(engine: SlicerEngine, volume_id: str, name: str) -> dict:
    """Replace the transfer functions by a preset's, keeping the current shift."""
    volume = _volume(engine, volume_id)
    if not isinstance(name, str) or name not in VOLUME_RENDERING_PRESETS:
        raise VolumeRenderingError(f"unknown preset {name!r}; presets: {', '.join(VOLUME_RENDERING_PRESETS)}")
    display = _ensure_display_node(engine, volume)
    _apply_preset(display, VOLUME_RENDERING_PRESETS[name], _stored_shift(display))
    return volume_rendering_state(engine, volume_id)


def set_vr_shift(engine: SlicerEngine, volume_id: str, shift: float) -> dict:
    """Move the preset's opacity and colour points by ``shift`` (scalar units) from where the preset puts them."""
    volume = _volume(engine, volume_id)
    if isinstance(shift, bool) or not isinstance(shift, (int, float)) or not math.isfinite(shift):
        raise VolumeRenderingError("shift must be a finite number")
    low, high = shift_range(volume)
    shift = float(min(max(shift, low), high))
    display = _ensure_display_node(engine, volume)
    preset = _stored_preset(display) or _default_preset(volume)
    _apply_preset(display, preset, shift)
    return volume_rendering_state(engine, volume_id)


def set_vr_crop(engine: SlicerEngine, volume_id: str, on: bool) -> dict:
    """Crop the rendering to the display node's ROI box (made around the volume on first use; its
    handles show in the 3D view while cropping is on)."""
    volume = _volume(engine, volume_id)
    if not isinstance(on, bool):
        raise VolumeRenderingError("on must be true or false")
    display = _ensure_display_node(engine, volume)
    roi = display.GetMarkupsROINode()
    if roi is None and on:
        engine.volume_rendering_logic.CreateROINode(display)
        engine.volume_rendering_logic.FitROIToVolume(display)
        roi = display.GetMarkupsROINode()
    if roi is not None and roi.GetDisplayNode() is not None:
        roi.GetDisplayNode().SetVisibility(on)
    display.SetCroppingEnabled(on)
    return volume_rendering_state(engine, volume_id)


def crop_roi_id(engine: SlicerEngine, volume_id: str) -> str | None:
    """The id of the markups ROI node that crops a volume's rendering, if there is one."""
    display = _display_node(engine, _volume(engine, volume_id))
    roi = display.GetMarkupsROINode() if display is not None else None
    return roi.GetID() if roi is not None else None


def set_interacting(engine: SlicerEngine, on: bool) -> None:
    """Say that the user is (or no longer is) moving the 3D camera, for interactive quality.

    Drags and wheel steps replayed on the view's interactor are recognised
    without it; a caller that moves the camera some other way calls this.
    """
    controller = interactive_quality(engine.threed_view)
    was = controller.forced_interacting
    controller.forced_interacting = bool(on)
    if was and not on:
        engine.threed_view.request_render()  # the full-quality frame

