"""Looking at the scene from one anatomical direction, as the 3D view controller's A/P/L/R/S/I buttons do."""

from __future__ import annotations

import math

from slicer import vtkMRMLCameraNode

from ..errors import EngineError
from ..scene.scene_nodes import nodes_of_class
from ..scene.slicer_engine import SlicerEngine

# Slicer names the camera direction by where the camera stands: "A" puts it anterior of the
# focal point, looking towards posterior.
CAMERA_DIRECTIONS: dict[str, int] = {
    "A": vtkMRMLCameraNode.Anterior,
    "P": vtkMRMLCameraNode.Posterior,
    "L": vtkMRMLCameraNode.Left,
    "R": vtkMRMLCameraNode.Right,
    "S": vtkMRMLCameraNode.Superior,
    "I": vtkMRMLCameraNode.Inferior,
}


class CameraPresetError(EngineError):
    """A camera request that cannot be done; the message says why."""


def threed_view_of(engine: SlicerEngine, view_name: str | None = None):
    """The 3D view named ``view_name`` (a desktop may have several: "1", "2"...); the first one for None."""
    if view_name is None:
        return engine.threed_view
    view = engine.views.get(view_name) if isinstance(view_name, str) else None
    if view is None or view.kind != "3d":
        raise CameraPresetError(f"no 3D view {str(view_name)[:40]!r}")
    return view


def scene_centre(engine: SlicerEngine) -> tuple[float, float, float]:
    """Centre (RAS, mm) of the data the user sees: shown volumes, models, segmentations, markups.

    Slicer's own helper nodes (slice plane models and the like) are hidden from editors and left
    out. The origin when nothing is shown.
    """
    low, high = [math.inf] * 3, [-math.inf] * 3
    for node in nodes_of_class(engine.scene, "vtkMRMLDisplayableNode"):
        display = node.GetDisplayNode()
        if node.GetHideFromEditors() or display is None or not display.GetVisibility():
            continue
        bounds = [0.0] * 6
        node.GetRASBounds(bounds)
        if bounds[0] > bounds[1] or not all(math.isfinite(b) for b in bounds):
            continue
        for axis in range(3):
            low[axis] = min(low[axis], bounds[2 * axis])
            high[axis] = max(high[axis], bounds[2 * axis + 1])
    if low[0] > high[0]:
        return 0.0, 0.0, 0.0
    return tuple((low[axis] + high[axis]) / 2 for axis in range(3))


def _look_at_scene_centre(engine: SlicerEngine, view) -> None:
    """Move the camera, without turning it, so that its focal point is the scene centre."""
    camera = view.camera_node.GetCamera()
    centre = scene_centre(engine)
    offset = [c - f for c, f in zip(centre, camera.GetFocalPoint(), strict=True)]
    camera.SetFocalPoint(*centre)
    camera.SetPosition(*[p + o for p, o in zip(camera.GetPosition(), offset, strict=True)])


def set_camera_direction(engine: SlicerEngine, direction: str, view_name: str | None = None) -> dict:
    """Put the camera on the ``direction`` side of the scene centre, at its current distance, looking at it.

    Returns {"position": [r, a, s], "focal_point": [r, a, s], "view_up": [r, a, s]}.
    """
    if not isinstance(direction, str) or direction.upper() not in CAMERA_DIRECTIONS:
        raise CameraPresetError(f"camera direction must be one of {', '.join(CAMERA_DIRECTIONS)}")
    view = threed_view_of(engine, view_name)
    camera_node = view.camera_node
    if camera_node is None:
        raise CameraPresetError("the 3D view has no camera yet")
    # Rotate about the focal point at the current distance (the user's zoom), then centre on the scene.
    was_modifying = camera_node.StartModify()
    camera_node.RotateTo(CAMERA_DIRECTIONS[direction.upper()])
    _look_at_scene_centre(engine, view)
    camera_node.ResetClippingRange()
    camera_node.EndModify(was_modifying)
    view.request_render()
    return camera_state(engine, view_name)


def reset_camera(engine: SlicerEngine, view_name: str | None = None) -> dict:
    """Slicer's reset: the scene fitted, seen from the front-left and above, centred on the scene."""
    view = threed_view_of(engine, view_name)
    view.reset_view()
    if view.camera_node is not None:
        # The fit above centres on all props, the box's axis labels included.
        _look_at_scene_centre(engine, view)
        view.camera_node.ResetClippingRange()
    return camera_state(engine, view_name)


def camera_state(engine: SlicerEngine, view_name: str | None = None) -> dict:
    camera_node = threed_view_of(engine, view_name).camera_node
    if camera_node is None:
        return {"position": None, "focal_point": None, "view_up": None}
    return {
        "position": [float(c) for c in camera_node.GetPosition()],
        "focal_point": [float(c) for c in camera_node.GetFocalPoint()],
        "view_up": [float(c) for c in camera_node.GetViewUp()],
    }
