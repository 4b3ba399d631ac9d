"""What surrounds the scene in the 3D view: background, orientation marker and ruler (view node settings)."""

from __future__ import annotations

import numpy as np
from slicer import vtkMRMLModelNode, vtkMRMLViewNode
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkCommonTransforms import vtkTransform
from vtkmodules.vtkFiltersCore import vtkAppendPolyData, vtkPolyDataNormals
from vtkmodules.vtkFiltersGeneral import vtkTransformPolyDataFilter
from vtkmodules.vtkFiltersSources import vtkConeSource, vtkCylinderSource, vtkSphereSource

from ..errors import EngineError
from ..scene.slicer_engine import SlicerEngine
from .camera_presets import threed_view_of

_DEFAULT_VIEW = vtkMRMLViewNode()  # holds Slicer's default colours
# name -> (top colour, bottom colour), RGB in 0..1. Slicer's default is its light blue gradient.
BACKGROUNDS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "light blue": (tuple(_DEFAULT_VIEW.GetBackgroundColor()), tuple(_DEFAULT_VIEW.GetBackgroundColor2())),
    "black": ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
    "white": ((1.0, 1.0, 1.0), (1.0, 1.0, 1.0)),
}
ORIENTATION_MARKERS: dict[str, int] = {
    "none": vtkMRMLViewNode.OrientationMarkerTypeNone,
    "cube": vtkMRMLViewNode.OrientationMarkerTypeCube,
    "human": vtkMRMLViewNode.OrientationMarkerTypeHuman,
    "axes": vtkMRMLViewNode.OrientationMarkerTypeAxes,
}
# Slicer's human marker is a model (Human.vtp) from its share directory, which the slicer-core
# wheel does not ship; the view node takes any model instead. This one is ours, made of simple
# shapes, facing anterior (+A), the nose saying so. (The displayable manager still tries to read
# Human.vtp once, and logs that it could not.)
HUMAN_MARKER_NODE_NAME = "OrientationMarkerHuman"
HUMAN_MARKER_SCALE = 0.55  # fits the marker's viewport as the cube does
_SKIN_RGB, _SHIRT_RGB, _TROUSERS_RGB, _NOSE_RGB = (233, 190, 160), (70, 110, 190), (60, 60, 70), (220, 80, 60)
RULERS: dict[str, int] = {
    "none": vtkMRMLViewNode.RulerTypeNone,
    "thin": vtkMRMLViewNode.RulerTypeThin,
    "thick": vtkMRMLViewNode.RulerTypeThick,
}


class ViewDecorationError(EngineError):
    """A decoration that does not exist; the message lists those that do."""


def _choice(kind: str, name, choices: dict):
    if not isinstance(name, str) or name not in choices:
        raise ViewDecorationError(f"{kind} must be one of: {', '.join(choices)}")
    return choices[name]


def set_background(engine: SlicerEngine, name: str, view_name: str | None = None) -> dict:
    top, bottom = _choice("background", name, BACKGROUNDS)
    view_node = threed_view_of(engine, view_name).view_node_3d
    was_modifying = view_node.StartModify()
    view_node.SetBackgroundColor(*top)
    view_node.SetBackgroundColor2(*bottom)
    view_node.EndModify(was_modifying)
    return view_decorations_state(engine, view_name)


def set_orientation_marker(engine: SlicerEngine, kind: str, view_name: str | None = None) -> dict:
    marker = _choice("orientation marker", kind, ORIENTATION_MARKERS)
    view_node = threed_view_of(engine, view_name).view_node_3d
    if kind == "human" and view_node.GetOrientationMarkerHumanModelNode() is None:
        view_node.SetOrientationMarkerHumanModelNodeID(_human_marker_model(engine).GetID())
    view_node.SetOrientationMarkerType(marker)
    return view_decorations_state(engine, view_name)


def _part(source, scale, centre, rotate_x_deg: float = 0.0, rotate_z_deg: float = 0.0, rgb=_SKIN_RGB) -> vtkPolyData:
    transform = vtkTransform()
    transform.Translate(*centre)
    transform.RotateZ(rotate_z_deg)
    transform.RotateX(rotate_x_deg)
    transform.Scale(*scale)
    moved = vtkTransformPolyDataFilter()
    moved.SetInputConnection(source.GetOutputPort())
    moved.SetTransform(transform)
    moved.Update()
    part = vtkPolyData()
    part.DeepCopy(moved.GetOutput())
    colours = np.tile(np.array(rgb, dtype=np.uint8), (part.GetNumberOfPoints(), 1))
    array = numpy_to_vtk(colours, deep=True)
    array.SetName("Color")  # the marker's displayable manager paints a "Color" array as is
    part.GetPointData().AddArray(array)
    return part


def human_figure() -> vtkPolyData:
    """A standing figure, 0.55 tall, centred on the origin, facing +A with its head towards +S."""
    sphere = vtkSphereSource()
    sphere.SetThetaResolution(24)
    sphere.SetPhiResolution(16)
    cylinder = vtkCylinderSource()  # along +y, radius 0.5, height 1: rotated about x to stand along S
    cylinder.SetResolution(24)
    cone = vtkConeSource()  # along +x: rotated about z to point anterior
    cone.SetResolution(16)
    parts = [
        _part(sphere, (0.16, 0.17, 0.19), (0, 0, 0.40)),  # head
        _part(cone, (0.07, 0.05, 0.05), (0, 0.09, 0.40), rotate_z_deg=90, rgb=_NOSE_RGB),  # nose: anterior
        _part(cylinder, (0.30, 0.36, 0.16), (0, 0, 0.12), rotate_x_deg=90, rgb=_SHIRT_RGB),  # torso
        _part(cylinder, (0.09, 0.36, 0.09), (-0.20, 0, 0.10), rotate_x_deg=90, rgb=_SHIRT_RGB),  # right arm
        _part(cylinder, (0.09, 0.36, 0.09), (0.20, 0, 0.10), rotate_x_deg=90, rgb=_SHIRT_RGB),  # left arm
        _part(cylinder, (0.11, 0.44, 0.11), (-0.07, 0, -0.28), rotate_x_deg=90, rgb=_TROUSERS_RGB),  # legs
        _part(cylinder, (0.11, 0.44, 0.11), (0.07, 0, -0.28), rotate_x_deg=90, rgb=_TROUSERS_RGB),
    ]
    append = vtkAppendPolyData()
    for part in parts:
        append.AddInputData(part)
    shrink = vtkTransform()
    shrink.Scale(HUMAN_MARKER_SCALE, HUMAN_MARKER_SCALE, HUMAN_MARKER_SCALE)
    shrunk = vtkTransformPolyDataFilter()
    shrunk.SetInputConnection(append.GetOutputPort())
    shrunk.SetTransform(shrink)
    normals = vtkPolyDataNormals()
    normals.SetInputConnection(shrunk.GetOutputPort())
    normals.Update()
    figure = vtkPolyData()
    figure.DeepCopy(normals.GetOutput())
    figure.GetPointData().SetActiveScalars("Color")
    return figure


def _human_marker_model(engine: SlicerEngine) -> vtkMRMLModelNode:
    existing = engine.scene.GetFirstNodeByName(HUMAN_MARKER_NODE_NAME)
    if isinstance(existing, vtkMRMLModelNode):
        return existing
    model = vtkMRMLModelNode()
    model.SetName(HUMAN_MARKER_NODE_NAME)
    model.SetHideFromEditors(True)  # a helper of the view, not data
    model.SetAndObservePolyData(human_figure())
    engine.scene.AddNode(model)
    model.CreateDefaultDisplayNodes()
    model.GetDisplayNode().SetVisibility(False)  # drawn by the marker only, not in the scene
    return model


def set_ruler(engine: SlicerEngine, kind: str, view_name: str | None = None) -> dict:
    """Show a ruler. Slicer draws it only in orthographic projection (a length on screen means
    nothing in perspective), so a ruler switches the view to orthographic and "none" back."""
    ruler = _choice("ruler", kind, RULERS)
    view_node = threed_view_of(engine, view_name).view_node_3d
    was_modifying = view_node.StartModify()
    view_node.SetRulerType(ruler)
    view_node.SetRenderMode(vtkMRMLViewNode.Perspective if kind == "none" else vtkMRMLViewNode.Orthographic)
    view_node.EndModify(was_modifying)
    return view_decorations_state(engine, view_name)


def _name_of(value, choices: dict) -> str | None:
    return next((name for name, choice in choices.items() if choice == value), None)


def view_decorations_state(engine: SlicerEngine, view_name: str | None = None) -> dict:
    """{"background": name | None (a colour set elsewhere), "orientation_marker", "ruler", "orthographic"}."""
    view_node = threed_view_of(engine, view_name).view_node_3d
    colours = (tuple(view_node.GetBackgroundColor()), tuple(view_node.GetBackgroundColor2()))
    background = next(
        (name for name, (top, bottom) in BACKGROUNDS.items()
         if all(abs(a - b) < 1e-3 for a, b in zip(top + bottom, colours[0] + colours[1], strict=True))),
        None,
    )
    return {
        "background": background,
        "orientation_marker": _name_of(view_node.GetOrientationMarkerType(), ORIENTATION_MARKERS),
        "ruler": _name_of(view_node.GetRulerType(), RULERS),
        "orthographic": view_node.GetRenderMode() == vtkMRMLViewNode.Orthographic,
    }
