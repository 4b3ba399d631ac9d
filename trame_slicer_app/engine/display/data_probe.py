"""Slicer's Data Probe: what lies under a point of a slice view, layer by layer.

As Slicer's DataProbe module does, each layer's volume is looked up through that layer's
XY-to-IJK transform, IJK is rounded to the nearest voxel, points outside the volume have
no value, and a label map's value comes with the name its colour table gives the label.
"""

from __future__ import annotations

from ..scene.node_lookup import require_finite
from ..scene.slicer_engine import SlicerEngine
from .slice_controls import require_slice_view

# Far beyond any view's pixels; bigger input is nonsense (or hostile).
MAX_ABS_VIEW_COORDINATE_PX = 1.0e6
# Slicer shows "N components" rather than the values past this many.
MAX_SHOWN_COMPONENTS = 4

PROBED_LAYERS = ("background", "foreground", "label")


def _layer_logic(slice_logic, layer: str):
    return {
        "background": slice_logic.GetBackgroundLayer,
        "foreground": slice_logic.GetForegroundLayer,
        "label": slice_logic.GetLabelLayer,
    }[layer]()


def _number_text(value: float) -> str:
    # Slicer's Data Probe: integers as such, other values with trailing zeros dropped.
    return str(int(value)) if float(value).is_integer() else f"{value:f}".rstrip("0").rstrip(".")


def _probe_layer(layer: str, layer_logic, xy: tuple[float, float, float]) -> dict | None:
    volume = layer_logic.GetVolumeNode()
    if volume is None:
        return None
    ijk = [round(c) for c in layer_logic.GetXYToIJKTransform().TransformDoublePoint(xy)]
    entry = {"layer": layer, "volume": volume.GetName(), "volume_id": volume.GetID(), "ijk": ijk,
             "value": None, "label_name": None, "text": "Out of Frame"}
    image = volume.GetImageData()
    if image is None:
        entry["text"] = "No Image"
        return entry
    dims = image.GetDimensions()
    if any(not 0 <= ijk[axis] < dims[axis] for axis in range(3)):
        return entry
    components = image.GetNumberOfScalarComponents()
    values = [image.GetScalarComponentAsDouble(*ijk, c) for c in range(components)]
    if volume.IsA("vtkMRMLLabelMapVolumeNode"):
        label = int(values[0])
        display = volume.GetDisplayNode()
        color_node = display.GetColorNode() if display is not None else None
        name = color_node.GetColorName(label) if color_node is not None else None
        entry.update(value=float(label), label_name=name or None, text=f"{name or 'Unknown'} ({label})")
    elif components == 1:
        entry.update(value=values[0], text=_number_text(values[0]))
    else:
        text = (f"{components} components" if components > MAX_SHOWN_COMPONENTS
                else ", ".join(_number_text(v) for v in values))
        entry.update(value=text, text=text)
    return entry


def probe(engine: SlicerEngine, view_name: str, x: float, y: float) -> dict:
    """{"ras": [r, a, s], "layers": [{"layer", "volume", "volume_id", "ijk", "value", "label_name", "text"}]}
    for view pixel (x, y), origin bottom-left as VTK counts. Layers without a volume are left out;
    "value" is None outside the volume, the label index for label maps, a float for scalar volumes
    and a "a, b, c" string for multi-component ones."""
    view = require_slice_view(engine, view_name)
    x = require_finite(x, "x", -MAX_ABS_VIEW_COORDINATE_PX, MAX_ABS_VIEW_COORDINATE_PX)
    y = require_finite(y, "y", -MAX_ABS_VIEW_COORDINATE_PX, MAX_ABS_VIEW_COORDINATE_PX)
    xy = (x, y, 0.0)  # z is the light-box slice index; these views show one slice
    layers = [_probe_layer(layer, _layer_logic(view.logic, layer), xy) for layer in PROBED_LAYERS]
    return {
        "ras": [float(c) for c in view.xy_to_ras(x, y)],
        "orientation": view.slice_node.GetOrientationString(),
        "layers": [entry for entry in layers if entry is not None],
    }
