"""Interactive quality of CPU volume rendering: fewer rays while the user moves the camera.

Without a GPU, Slicer's CPU ray caster (vtkFixedPointVolumeRayCastMapper) needs
~90 ms for the head CT at 800x600 on two cores, on top of the view's other props.
Slicer lowers quality during interaction through the mapper's
AutoAdjustSampleDistances and the render window's DesiredUpdateRate, but VTK
shares the frame time among all props of the renderer (the slice planes, the
box, its labels...), so the volume gets a sliver of it and the image sample
distance jumps to its maximum (10 pixels: a blur). Here the image sample
distance is set from the measured cost of the volume instead, so that an
interactive frame fits ``INTERACTIVE_RENDER_BUDGET_S``, and set back to full
quality for the still frame that follows.

Interaction is read from the view's interactor: a mouse button held down
(rotate, pan, zoom by drag) or a wheel step or key press in the last few
tens of milliseconds; a raised DesiredUpdateRate on the render window (what VTK's
interactor styles set while they drag) counts too, and whoever drives the view
may say so explicitly (``set_interacting``).
"""

from __future__ import annotations

import math
import time
import weakref

from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkRenderingVolume import vtkFixedPointVolumeRayCastMapper

from ..views.threed_view import ThreeDView

INTERACTIVE_RENDER_BUDGET_S = 0.05  # whole-view render time aimed at while interacting
STILL_IMAGE_SAMPLE_DISTANCE_PX = 1.0  # one ray per pixel: full quality
MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE_PX = 4.0  # beyond this the skull is a blur
# A render this soon after a wheel step or a key (the camera keys) is part of the move. Below the
# streamer's 80 ms settle time, so its still frame is rendered at full quality.
STEP_INTERACTION_S = 0.07
# Slicer's interactor style aborts the events it handles: look at them before it does.
INPUT_OBSERVER_PRIORITY = 100.0
COST_SMOOTHING = 0.5  # weight of the newest measurement in the running cost estimate

_controllers: weakref.WeakKeyDictionary[ThreeDView, InteractiveVolumeQuality] = weakref.WeakKeyDictionary()


class InteractiveVolumeQuality:
    """Sets the CPU ray caster's image sample distance before each render of one 3D view."""

    def __init__(self, view: ThreeDView, clock=time.perf_counter) -> None:
        self._view = weakref.ref(view)
        self._clock = clock
        self.forced_interacting = False
        self.last_step_at = -math.inf
        self.image_sample_distance_px = STILL_IMAGE_SAMPLE_DISTANCE_PX
        self.last_frame_interactive = False
        self.last_render_s = 0.0
        # Milliseconds the volume alone would take at one ray per pixel, and the rest of the frame.
        self._volume_s_per_unit: float | None = None
        self._other_s = 0.0
        self._started_at = 0.0
        view.render_window.AddObserver(vtkCommand.StartEvent, self._before_render)
        view.render_window.AddObserver(vtkCommand.EndEvent, self._after_render)
        self.buttons_down: set[tuple[str, str]] = set()  # (interactor address, button)
        self._watched: set[str] = set()
        for event in (vtkCommand.MouseWheelForwardEvent, vtkCommand.MouseWheelBackwardEvent, vtkCommand.KeyPressEvent):
            view.interactor.AddObserver(event, self._on_step, INPUT_OBSERVER_PRIORITY)
        self._watch_buttons(view.interactor)

    def watch_other_view(self, interactor) -> None:
        """Count drags in another view (a window/level drag in a slice view re-renders the slice
        planes in 3D at every step) as interaction too; when the drag ends the 3D view renders again
        at full quality, since no input of its own owes it a still frame."""
        self._watch_buttons(interactor)

    def _watch_buttons(self, interactor) -> None:
        address = interactor.GetAddressAsString("vtkObject")
        if address in self._watched:
            return
        self._watched.add(address)
        for button in ("Left", "Middle", "Right"):
            for action in ("Press", "Release"):
                event = getattr(vtkCommand, f"{button}Button{action}Event")
                interactor.AddObserver(event, self._on_button, INPUT_OBSERVER_PRIORITY)

    # -- what counts as interaction ------------------------------------------
    def interacting(self) -> bool:
        view = self._view()
        if view is None:
            return False
        window, interactor = view.render_window, view.interactor
        dragging = bool(self.buttons_down) or window.GetDesiredUpdateRate() > interactor.GetStillUpdateRate() * 1.5
        stepping = self._clock() - self.last_step_at < STEP_INTERACTION_S
        # Whoever streams the view says which frames are interactive ones: a wheel step in a slice
        # view moves the slice plane here without any input of this view's own.
        streamed_interactive = not view.still_frame
        return self.forced_interacting or dragging or stepping or streamed_interactive

    def _on_step(self, *_args) -> None:
        self.last_step_at = self._clock()

    def _on_button(self, interactor, event_name: str) -> None:
        key = (interactor.GetAddressAsString("vtkObject"), event_name.split("Button", 1)[0])
        if event_name.endswith("PressEvent"):
            self.buttons_down.add(key)
            return
        self.buttons_down.discard(key)
        view = self._view()
        if view is not None and interactor is not view.interactor and not self.buttons_down \
                and self.last_frame_interactive:
            view.request_render()  # the full-quality frame

    # -- around each render ------------------------------------------------------
    def _cpu_mappers(self) -> list[vtkFixedPointVolumeRayCastMapper]:
        view = self._view()
        if view is None:
            return []
        mappers = []
        volumes = view.renderer.GetVolumes()
        volumes.InitTraversal()
        for _ in range(volumes.GetNumberOfItems()):
            volume = volumes.GetNextVolume()
            mapper = volume.GetMapper() if volume.GetVisibility() else None
            if isinstance(mapper, vtkFixedPointVolumeRayCastMapper):
                mappers.append(mapper)
        return mappers

    def _before_render(self, *_args) -> None:
        mappers = self._cpu_mappers()
        self.last_frame_interactive = bool(mappers) and self.interacting()
        distance = self._interactive_distance() if self.last_frame_interactive else STILL_IMAGE_SAMPLE_DISTANCE_PX
        self.image_sample_distance_px = distance
        for mapper in mappers:
            # Slicer's own adaptive mode would fight this one: switch it off.
            mapper.SetAutoAdjustSampleDistances(False)
            mapper.SetImageSampleDistance(distance)
        self._started_at = self._clock()

    def _after_render(self, *_args) -> None:
        self.last_render_s = self._clock() - self._started_at
        mappers = self._cpu_mappers()
        if not mappers:
            return
        volume_s = sum(mapper.GetTimeToDraw() for mapper in mappers)
        # Rays are cast per image sample: cost ~ 1 / distance^2.
        per_unit = volume_s * self.image_sample_distance_px**2
        if self._volume_s_per_unit is None:
            self._volume_s_per_unit = per_unit
        else:
            self._volume_s_per_unit += COST_SMOOTHING * (per_unit - self._volume_s_per_unit)
        self._other_s = max(0.0, self.last_render_s - volume_s)

    def _interactive_distance(self) -> float:
        if self._volume_s_per_unit is None:
            return MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE_PX / 2
        view = self._view()
        view_budget_s = view.frame_budget_s if view is not None else None
        frame_budget_s = INTERACTIVE_RENDER_BUDGET_S if view_budget_s is None else min(
            INTERACTIVE_RENDER_BUDGET_S, view_budget_s
        )
        budget_s = frame_budget_s - self._other_s
        if budget_s <= 0:
            return MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE_PX
        distance = math.sqrt(self._volume_s_per_unit / budget_s)
        return min(MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE_PX, max(STILL_IMAGE_SAMPLE_DISTANCE_PX, distance))


def interactive_quality(view: ThreeDView) -> InteractiveVolumeQuality:
    """The view's controller, made on first use."""
    controller = _controllers.get(view)
    if controller is None:
        controller = InteractiveVolumeQuality(view)
        _controllers[view] = controller
    return controller
