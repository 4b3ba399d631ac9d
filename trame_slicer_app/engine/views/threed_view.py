"""The 3D view, wired as Slicer's qMRMLThreeDWidget wires it."""

from __future__ import annotations

from slicer import (
    vtkMRMLApplicationLogic,
    vtkMRMLCameraDisplayableManager,
    vtkMRMLScene,
    vtkMRMLThreeDViewDisplayableManagerFactory,
    vtkMRMLThreeDViewInteractorStyle,
    vtkMRMLViewLogic,
    vtkMRMLViewNode,
)
from vtkmodules.vtkRenderingCore import vtkInteractorStyle3D

from .view import MULTISAMPLES, SlicerView, WindowMaker

THREED_DISPLAYABLE_MANAGERS = [
    "vtkMRMLCameraDisplayableManager",
    "vtkMRMLViewDisplayableManager",
    "vtkMRMLModelDisplayableManager",  # also draws the slice planes
    "vtkMRMLThreeDReformatDisplayableManager",
    "vtkMRMLCrosshairDisplayableManager3D",
    "vtkMRMLOrientationMarkerDisplayableManager",
    "vtkMRMLRulerDisplayableManager",
    "vtkMRMLSegmentationsDisplayableManager3D",
    "vtkMRMLMarkupsDisplayableManager",
    "vtkMRMLTransformsDisplayableManager3D",
    "vtkMRMLVolumeRenderingDisplayableManager",
    "vtkMRMLColorLegendDisplayableManager",
]

VIEW_AZIMUTH_DEG = 35.0
VIEW_ELEVATION_DEG = 20.0


class ThreeDView(SlicerView):
    """View logic + 3D displayable managers + Slicer's 3D interactor style."""

    kind = "3d"
    # Edges of slice planes and models in perspective are jagged without it (a slice view shows
    # an image drawn pixel for pixel, with overlay lines, and gets no multisampling at all).
    still_multisamples = MULTISAMPLES

    def __init__(self, name: str, scene: vtkMRMLScene, app_logic: vtkMRMLApplicationLogic,
                 window_maker: WindowMaker | None = None) -> None:
        super().__init__(name, window_maker=window_maker)
        self._attach_displayable_managers(
            vtkMRMLThreeDViewDisplayableManagerFactory, app_logic, THREED_DISPLAYABLE_MANAGERS
        )
        self.logic = vtkMRMLViewLogic()
        self.logic.SetMRMLApplicationLogic(app_logic)
        self.logic.SetMRMLScene(scene)
        app_logic.GetViewLogics().AddItem(self.logic)

        self.view_node_3d: vtkMRMLViewNode = self.logic.AddViewNode(name)
        self._set_view_node(self.view_node_3d)

        self.interactor.SetInteractorStyle(vtkInteractorStyle3D())
        self.interactor_style = vtkMRMLThreeDViewInteractorStyle()
        self.interactor_style.SetDisplayableManagers(self.displayable_managers)
        self.interactor_style.SetInteractor(self.interactor)
        # Wired as Slicer's 3D view wires it: the interactor style knows the view's camera node, and the
        # new one when the camera displayable manager changes it (it had none here until now).
        camera_manager = self.displayable_managers.GetDisplayableManagerByClassName("vtkMRMLCameraDisplayableManager")
        camera_manager.AddObserver(vtkMRMLCameraDisplayableManager.ActiveCameraChangedEvent,
                                   self._give_the_style_its_camera)
        self._give_the_style_its_camera()

    def _give_the_style_its_camera(self, *_args) -> None:
        self.interactor_style.SetCameraNode(self.camera_node)

    @property
    def camera_node(self):
        """The camera node the camera displayable manager made for this view."""
        manager = self.displayable_managers.GetDisplayableManagerByClassName("vtkMRMLCameraDisplayableManager")
        return manager.GetCameraNode()

    def fit_box_to_content(self) -> None:
        """Refit the 3D box and its axis labels to what the scene holds, the camera staying where it is
        (a reopened scene brings its own camera; the box was still the empty scene's)."""
        camera = self.renderer.GetActiveCamera()
        kept = (camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp(), camera.GetParallelScale())
        # Slicer's view displayable manager refits the box on this event, and centres the camera too.
        self.view_node_3d.InvokeEvent(vtkMRMLViewNode.ResetFocalPointRequestedEvent)
        position, focal_point, view_up, parallel_scale = kept
        camera.SetPosition(*position)
        camera.SetFocalPoint(*focal_point)
        camera.SetViewUp(*view_up)
        camera.SetParallelScale(parallel_scale)
        if self.camera_node is not None:
            self.camera_node.ResetClippingRange()
        self.request_render()

    def reset_view(self, bounds_ras: list[float] | None = None) -> None:
        """Centre the camera on ``bounds_ras`` (or on what is shown), seen from
        the front-left and above so that all three slice planes show."""
        # Slicer's view displayable manager refits the bounding box to the
        # scene's content when asked through this event.
        self.view_node_3d.InvokeEvent(vtkMRMLViewNode.ResetFocalPointRequestedEvent)
        camera = self.renderer.GetActiveCamera()
        camera.SetFocalPoint(0.0, 0.0, 0.0)
        camera.SetPosition(0.0, 1.0, 0.0)  # anterior, as Slicer's default
        camera.SetViewUp(0.0, 0.0, 1.0)
        camera.Azimuth(VIEW_AZIMUTH_DEG)
        camera.Elevation(VIEW_ELEVATION_DEG)
        camera.OrthogonalizeViewUp()
        if bounds_ras is None:
            self.renderer.ResetCamera()
        else:
            self.renderer.ResetCamera(bounds_ras)
        camera_node = self.camera_node
        if camera_node is not None:
            camera_node.ResetClippingRange()
        self.request_render()
