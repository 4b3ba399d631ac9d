"""A MRML scene with the logics that read data, and no views: what the sandboxed reader loads into."""

from __future__ import annotations

from slicer import (
    vtkMRMLScene,
    vtkSlicerApplicationLogic,
    vtkSlicerMarkupsLogic,
    vtkSlicerModelsLogic,
    vtkSlicerSegmentationsModuleLogic,
    vtkSlicerSequencesLogic,
    vtkSlicerSubjectHierarchyModuleLogic,
    vtkSlicerVolumeRenderingLogic,
    vtkSlicerVolumesLogic,
)


class HeadlessScene:
    """The parts of SlicerEngine that loaders use (scene, application and module logics).

    Loaders take either this or a SlicerEngine; nothing here renders.
    """

    def __init__(self) -> None:
        self.scene = vtkMRMLScene()
        self.app_logic = vtkSlicerApplicationLogic()
        self.app_logic.SetMRMLScene(self.scene)
        self.color_logic = self._register_logic("Colors", self.app_logic.GetColorLogic())
        self.color_logic.AddDefaultColorNodes()
        self.volumes_logic = self._register_logic("Volumes", vtkSlicerVolumesLogic())
        self.segmentations_logic = self._register_logic("Segmentations", vtkSlicerSegmentationsModuleLogic())
        self.models_logic = self._register_logic("Models", vtkSlicerModelsLogic())
        self.sequences_logic = self._register_logic("Sequences", vtkSlicerSequencesLogic())
        # These register the node classes a saved scene may hold (volume rendering, markups/ROI,
        # subject hierarchy): without them a scene's nodes could not be created.
        self._register_logic("VolumeRendering", vtkSlicerVolumeRenderingLogic())
        self.markups_logic = self._register_logic("Markups", vtkSlicerMarkupsLogic())  # kept: it reads markups files
        self._register_logic("SubjectHierarchy", vtkSlicerSubjectHierarchyModuleLogic())

    def _register_logic(self, name: str, logic):
        if hasattr(logic, "SetMRMLApplicationLogic"):
            logic.SetMRMLApplicationLogic(self.app_logic)
        logic.SetMRMLScene(self.scene)
        self.app_logic.SetModuleLogic(name, logic)
        return logic
