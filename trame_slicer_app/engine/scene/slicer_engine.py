"""One Slicer scene with its application logic, module logics and views.

Knows nothing of trame: whatever shows the views (a web server, a test, a
benchmark) drives it through this class.
"""

from __future__ import annotations

import logging

from slicer import (
    vtkMRMLCrosshairNode,
    vtkMRMLScene,
    vtkMRMLSliceNode,
    vtkMRMLSliceViewDisplayableManagerFactory,
    vtkMRMLThreeDViewDisplayableManagerFactory,
    vtkSlicerApplicationLogic,
    vtkSlicerDataModuleLogic,
    vtkSlicerMarkupsLogic,
    vtkSlicerModelsLogic,
    vtkSlicerSegmentationsModuleLogic,
    vtkSlicerSequencesLogic,
    vtkSlicerSubjectHierarchyModuleLogic,
    vtkSlicerVolumeRenderingLogic,
    vtkSlicerVolumesLogic,
)
from vtkmodules.vtkCommonCore import vtkCollection, vtkOutputWindow

from ...view_names import THREED
from ..views.interaction_mode import WINDOW_LEVEL, InteractionModes
from ..views.slice_view import SLICE_VIEW_ORIENTATIONS, SliceView
from ..views.threed_view import ThreeDView
from ..views.view import SlicerView, WindowMaker

log = logging.getLogger(__name__)

THREED_VIEW_NAME = THREED  # Slicer names its first 3D view node "View1"
SLICE_VIEW_NAMES = tuple(SLICE_VIEW_ORIENTATIONS)


class SlicerEngine:
    """The MRML scene, Slicer's logics and the four standard views."""

    def __init__(self, window_maker: WindowMaker | None = None) -> None:
        """``window_maker``: where the views draw (off-screen unless a desktop host gives its own windows)."""
        _send_vtk_messages_to_stderr()
        self.scene = vtkMRMLScene()

        # Slicer's core application adds one crosshair node before anything else.
        crosshair = vtkMRMLCrosshairNode()
        crosshair.SetCrosshairName("default")
        self.scene.AddNode(crosshair)

        self.app_logic = vtkSlicerApplicationLogic()
        self.app_logic.SetMRMLScene(self.scene)
        self.app_logic.SetSliceLogics(vtkCollection())
        self.app_logic.SetViewLogics(vtkCollection())
        # Process-wide state forced by slicer-core: the displayable manager
        # factories are singletons, so they point at the latest application logic.
        vtkMRMLSliceViewDisplayableManagerFactory.GetInstance().SetMRMLApplicationLogic(self.app_logic)
        vtkMRMLThreeDViewDisplayableManagerFactory.GetInstance().SetMRMLApplicationLogic(self.app_logic)

        # The application logic's colour logic makes Slicer's built-in colour
        # tables in code; the Colors module's file-based tables need a Slicer home.
        self.color_logic = self._register_logic("Colors", self.app_logic.GetColorLogic())
        self.color_logic.AddDefaultColorNodes()
        self.volumes_logic = self._register_logic("Volumes", vtkSlicerVolumesLogic())
        self.volume_rendering_logic = self._register_logic("VolumeRendering", vtkSlicerVolumeRenderingLogic())
        self.segmentations_logic = self._register_logic("Segmentations", vtkSlicerSegmentationsModuleLogic())
        self.markups_logic = self._register_logic("Markups", vtkSlicerMarkupsLogic())
        self.models_logic = self._register_logic("Models", vtkSlicerModelsLogic())
        self.subject_hierarchy_logic = self._register_logic(
            "SubjectHierarchy", vtkSlicerSubjectHierarchyModuleLogic()
        )
        self.data_logic = self._register_logic("Data", vtkSlicerDataModuleLogic())
        # 4D volumes: browser nodes update their proxy volume (engine/io/sequences.py).
        self.sequences_logic = self._register_logic("Sequences", vtkSlicerSequencesLogic())

        vtkMRMLSliceNode.AddDefaultSliceOrientationPresets(self.scene, True)
        # Slicer's "Adjust window/level" mouse mode: left-drag sets window/level
        # in slice views, while pan, zoom, scroll, crosshair and 3D rotation
        # behave as in the default mode. Every other mode (place, paint) is chosen through this owner.
        self.interaction_modes = InteractionModes(self.app_logic.GetInteractionNode(), initial=WINDOW_LEVEL)

        self.views: dict[str, SlicerView] = {}
        self.threed_view = ThreeDView(THREED_VIEW_NAME, self.scene, self.app_logic, window_maker)
        self.views[THREED_VIEW_NAME] = self.threed_view
        self.slice_views: dict[str, SliceView] = {}
        for name in SLICE_VIEW_NAMES:
            view = SliceView(name, self.scene, self.app_logic, window_maker)
            self.slice_views[name] = view
            self.views[name] = view
        self.set_views_in_layout(self.views)

    def _register_logic(self, name: str, logic):
        # Application logic first: some logics look it up when given the scene.
        if hasattr(logic, "SetMRMLApplicationLogic"):
            logic.SetMRMLApplicationLogic(self.app_logic)
        logic.SetMRMLScene(self.scene)
        self.app_logic.SetModuleLogic(name, logic)
        return logic

    def view(self, name: str) -> SlicerView:
        return self.views[name]

    def close(self) -> None:
        """Empty the scene and let go of the views' GL contexts, while the interpreter is whole.
        The engine's Python observers make reference cycles through VTK objects, which Python's
        collector cannot see: a dropped engine is never freed, with its data and its views' frame
        buffers (270 MiB with the big CT shown). A process serves one engine for its life, but a test
        process makes hundreds; a closed engine keeps about 30 MiB."""
        self.interaction_modes.close()
        self.scene.Clear(True)
        for view in self.views.values():
            view.render_window.Finalize()

    def set_views_in_layout(self, names) -> None:
        """Mark the views the layout shows, as Slicer's layout manager does: a slice view draws
        the intersection lines of the other slice views only while they are in the layout."""
        for name, view in self.views.items():
            if view.view_node is not None:
                view.view_node.SetMappedInLayout(name in names)

    def reset_views(self) -> None:
        for view in self.views.values():
            view.reset_view()


def _send_vtk_messages_to_stderr() -> None:
    output = vtkOutputWindow()
    output.SetDisplayModeToAlwaysStdErr()
    vtkOutputWindow.SetInstance(output)
