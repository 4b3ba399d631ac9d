"""A Red, Yellow or Green slice view, wired as Slicer's qMRMLSliceWidget wires it."""

from __future__ import annotations

from slicer import (
    vtkMRMLApplicationLogic,
    vtkMRMLScene,
    vtkMRMLSliceLogic,
    vtkMRMLSliceNode,
    vtkMRMLSliceViewDisplayableManagerFactory,
    vtkMRMLSliceViewInteractorStyle,
)
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleUser
from vtkmodules.vtkRenderingCore import vtkActor2D, vtkImageMapper

from ...view_names import GREEN, RED, YELLOW
from .view import SlicerView, WindowMaker

SLICE_DISPLAYABLE_MANAGERS = [
    "vtkMRMLCrosshairDisplayableManager",  # crosshair and slice intersections
    "vtkMRMLVolumeGlyphSliceDisplayableManager",
    "vtkMRMLModelSliceDisplayableManager",
    "vtkMRMLOrientationMarkerDisplayableManager",
    "vtkMRMLRulerDisplayableManager",
    "vtkMRMLScalarBarDisplayableManager",
    "vtkMRMLSegmentationsDisplayableManager2D",
    "vtkMRMLMarkupsDisplayableManager",
    "vtkMRMLTransformsDisplayableManager2D",
    "vtkMRMLColorLegendDisplayableManager",
]

# Slicer's own names, orientations and colours for the three slice views.
SLICE_VIEW_ORIENTATIONS = {RED: "Axial", YELLOW: "Sagittal", GREEN: "Coronal"}
SLICE_VIEW_COLORS = {
    RED: vtkMRMLSliceNode.GetRedColor(),
    YELLOW: vtkMRMLSliceNode.GetYellowColor(),
    GREEN: vtkMRMLSliceNode.GetGreenColor(),
}


class SliceView(SlicerView):
    """Slice logic + slice displayable managers + Slicer's slice interactor style.

    Slicer desktop draws the resliced image through CTK's light-box renderer
    manager, which slicer-core does not ship; a 2D image actor in the
    background of the renderer takes its place.
    """

    kind = "slice"

    def __init__(self, name: str, scene: vtkMRMLScene, app_logic: vtkMRMLApplicationLogic,
                 window_maker: WindowMaker | None = None) -> None:
        super().__init__(name, window_maker=window_maker)
        self.renderer.GetActiveCamera().ParallelProjectionOn()

        self._image_mapper = vtkImageMapper()
        # The slice logic already maps window/level to 0..255 RGBA.
        self._image_mapper.SetColorWindow(255)
        self._image_mapper.SetColorLevel(127.5)
        self._image_actor = vtkActor2D()
        self._image_actor.SetMapper(self._image_mapper)
        self._image_actor.GetProperty().SetDisplayLocationToBackground()
        self._image_actor.VisibilityOff()
        self.renderer.AddViewProp(self._image_actor)

        self._attach_displayable_managers(
            vtkMRMLSliceViewDisplayableManagerFactory, app_logic, SLICE_DISPLAYABLE_MANAGERS
        )

        self.logic = vtkMRMLSliceLogic()
        self.logic.SetMRMLApplicationLogic(app_logic)
        self.logic.SetMRMLScene(scene)
        app_logic.GetSliceLogics().AddItem(self.logic)
        self.logic.AddObserver(vtkCommand.ModifiedEvent, self._on_slice_logic_modified)

        self.slice_node: vtkMRMLSliceNode = self.logic.AddSliceNode(name)
        self.slice_node.SetOrientation(SLICE_VIEW_ORIENTATIONS.get(name, "Axial"))
        # Slicer's layout manager colours each view: its slice plane in 3D and its
        # intersection lines in the other slice views are drawn in it.
        self.slice_node.SetLayoutColor(*SLICE_VIEW_COLORS.get(name, vtkMRMLSliceNode.GetGrayColor()))
        self._set_view_node(self.slice_node)
        # Displayable managers hold their updates while a scene is opened (imported) or restored, and
        # the segmentations' one then builds the pipeline of a segmentation the scene brought without
        # cutting it at this slice: until the slice node next changed, the view showed the scene
        # without it. Slicer's slice widgets get that change from their controllers; here the view
        # announces its slice node itself once the scene is whole.
        for event in (vtkMRMLScene.EndImportEvent, vtkMRMLScene.EndRestoreEvent):
            scene.AddObserver(event, self._on_scene_complete)

        # Slicer's style handles every mouse/key event; the VTK style must do nothing.
        self.interactor.SetInteractorStyle(vtkInteractorStyleUser())
        self.interactor_style = vtkMRMLSliceViewInteractorStyle()
        self.interactor_style.SetSliceLogic(self.logic)
        self.interactor_style.SetDisplayableManagers(self.displayable_managers)
        self.interactor_style.SetInteractor(self.interactor)

        self._after_resize()
        self._on_slice_logic_modified()

    def _on_slice_logic_modified(self, *_args) -> None:
        if "logic" not in self.__dict__:  # the view is being torn down
            return
        connection = self.logic.GetImageDataConnection()
        if connection is not self._image_mapper.GetInputConnection(0, 0):
            self._image_mapper.SetInputConnection(connection)
        self._image_actor.SetVisibility(connection is not None)
        self._let_go_of_removed_volumes()
        self._keep_colour_out_of_window_level()
        self.request_render()

    def _let_go_of_removed_volumes(self) -> None:
        """Slicer's layer logic gives its reslice filters a volume's image when it shows one, and leaves
        them holding it when the volume goes (it updates them only while it has a volume): a removed or
        closed volume's voxels stayed in memory, 216 MiB for a real-size CT, until another volume was
        shown in the same layer. An empty layer lets go of its image here."""
        for layer in (self.logic.GetBackgroundLayer(), self.logic.GetForegroundLayer(), self.logic.GetLabelLayer()):
            if layer is None or layer.GetVolumeNode() is not None:
                continue
            for reslice in (layer.GetReslice(), layer.GetResliceUVW()):
                if reslice.GetNumberOfInputConnections(0):
                    reslice.RemoveAllInputConnections(0)

    def _keep_colour_out_of_window_level(self) -> None:
        """Dragging window/level does not touch a colour (vector) volume: it is shown in its own colours,
        where window/level would only shift them (the Volumes panel says so)."""
        manager = self.displayable_managers.GetDisplayableManagerByClassName("vtkMRMLScalarBarDisplayableManager")
        widget = manager.GetWindowLevelWidget() if manager is not None else None
        composite = self.logic.GetSliceCompositeNode()
        if widget is None or composite is None or self.logic.GetMRMLScene() is None:
            return
        scene = self.logic.GetMRMLScene()
        for volume_id, set_editable in ((composite.GetBackgroundVolumeID(), widget.SetBackgroundVolumeEditable),
                                        (composite.GetForegroundVolumeID(), widget.SetForegroundVolumeEditable)):
            volume = scene.GetNodeByID(volume_id) if volume_id else None
            set_editable(not (volume is not None and volume.IsA("vtkMRMLVectorVolumeNode")))

    def _after_resize(self) -> None:
        self.logic.ResizeSliceNode(*self.size)

    def _on_scene_complete(self, *_args) -> None:
        if "logic" in self.__dict__:  # not while the view is torn down
            self.slice_node.Modified()
            self.request_render()

    def reset_view(self) -> None:
        self._after_resize()
        self.logic.FitSliceToBackground()
        self.logic.SnapSliceOffsetToIJK()
        self.request_render()

    def xy_to_ras(self, x: float, y: float) -> tuple[float, float, float]:
        """The RAS point under view pixel (x, y), y counted from the bottom as VTK does."""
        ras = self.slice_node.GetXYToRAS().MultiplyPoint((x, y, 0.0, 1.0))
        return ras[0], ras[1], ras[2]

    @property
    def slice_offset_mm(self) -> float:
        return float(self.logic.GetSliceOffset())
