"""The segment editor: one segmentation and its source volume, the active segment, masking, and
``apply_modifier`` through Slicer's own vtkSlicerSegmentEditorLogic, one undo step per apply.

The parameters live on a vtkMRMLSegmentEditorNode as in Slicer (segmentation, source volume,
selected segment, masking); Slicer's vtkSegmentationHistory is not used: undo is the app's one
stack, and an apply records only the changed sub-box of each changed segment
(docs/decisions/0019-segment-editor.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from slicer import vtkSlicerSegmentEditorLogic

from ..undo.scene_undo import SceneUndo
from ..undo.undo_commands import CompositeCommand, FunctionCommand
from ..undo.voxel_edit import ChangedRegion
from . import masking
from . import segment_list as segments
from .errors import SegmentEditorError
from .surface_display import SurfaceUpdates
from .voxel_grid import clip_box, oriented_mask, volume_shape, whole_segment_mask, write_segment_mask
from .voxel_undo import VoxelRecorder, changed_voxels

MODES = {
    "add": vtkSlicerSegmentEditorLogic.ModificationModeAdd,
    "remove": vtkSlicerSegmentEditorLogic.ModificationModeRemove,
    "set": vtkSlicerSegmentEditorLogic.ModificationModeSet,
}
MAX_LABEL_CHARS = 80


class SegmentEditor:
    """The engine side of the Segment Editor panel, for one scene."""

    def __init__(self, engine, undo: SceneUndo | None = None) -> None:
        self.engine = engine
        self.undo = undo
        self.logic = vtkSlicerSegmentEditorLogic()
        self.logic.SetMRMLScene(engine.scene)
        self._node = None
        self.surfaces = SurfaceUpdates()
        self._collected: list | None = None  # the commands of a one_step() block
        # Told every voxel edit made through the editor (after it is done): an auto-complete
        # effect learns where its seeds changed without reading every segment again.
        self.voxel_edit_listeners: list = []
        # The label of the long edit computing in a worker (long_edit.py), None when none: the
        # editor's edits are refused meanwhile.
        self.busy: str | None = None

    def refuse_if_busy(self) -> None:
        if self.busy is not None:
            raise SegmentEditorError(f"{self.busy} is computing: wait for it to finish (or cancel it) "
                                     f"before editing the segmentation")

    # -- the parameter node and what it points at ---------------------------------------
    @property
    def node(self):
        """The vtkMRMLSegmentEditorNode (made again if a closed scene took it away)."""
        if self._node is None or not self.engine.scene.IsNodePresent(self._node):
            self._node = self.engine.scene.AddNewNodeByClass("vtkMRMLSegmentEditorNode", "SegmentEditor")
            self._node.SetOverwriteMode(masking.OVERWRITE_MODES["all"])
            self.logic.SetSegmentEditorNode(self._node)
        return self._node

    @property
    def segmentation(self):
        return self.node.GetSegmentationNode()

    @property
    def source_volume(self):
        return self.node.GetSourceVolumeNode()

    def select(self, segmentation_node, volume=None) -> None:
        """Edit this segmentation, on ``volume`` (default: its reference volume or the shown one)."""
        self.refuse_if_busy()
        if volume is None:
            volume = segmentation_node.GetNodeReference("referenceImageGeometryRef") or self.shown_volume()
        if volume is None:
            raise SegmentEditorError("there is no source volume for this segmentation: open a volume first")
        self.node.SetAndObserveSegmentationNode(segmentation_node)
        self.node.SetAndObserveSourceVolumeNode(volume)
        self.logic.SetSegmentationNode(segmentation_node)
        self.logic.SetSourceVolumeNode(volume)
        ids = segments.segment_ids(segmentation_node)
        if self.active_segment_id not in ids:
            self.node.SetSelectedSegmentID(ids[0] if ids else None)

    def shown_volume(self):
        volume_id = self.engine.app_logic.GetSelectionNode().GetActiveVolumeID()
        return self.engine.scene.GetNodeByID(volume_id) if volume_id else None

    def create_segmentation(self, volume=None, name: str | None = None):
        """A new segmentation on ``volume`` (default: the shown volume), made the edited one."""
        self.refuse_if_busy()
        volume = volume or self.shown_volume()
        if self.undo is not None:
            self.undo.checkpoint("New segmentation")
        node = segments.create_segmentation(self.engine, volume, name)
        self.select(node, volume)
        return node

    def require(self):
        """(segmentation, volume), or a SegmentEditorError saying what is missing."""
        segmentation, volume = self.segmentation, self.source_volume
        if segmentation is None:
            raise SegmentEditorError("no segmentation is being edited: create one first")
        if volume is None or volume.GetImageData() is None:
            raise SegmentEditorError("the segmentation has no source volume: open a volume first")
        return segmentation, volume

    # -- the active segment -------------------------------------------------------------------
    @property
    def active_segment_id(self) -> str | None:
        return self.node.GetSelectedSegmentID() or None

    def set_active_segment(self, segment_id: str | None) -> None:
        segmentation, _volume = self.require()
        if segment_id is not None:
            segments.require_segment(segmentation, segment_id)
        self.node.SetSelectedSegmentID(segment_id)

    def require_active_segment(self) -> str:
        segmentation, _volume = self.require()
        segment_id = self.active_segment_id
        if segment_id is None or segmentation.GetSegmentation().GetSegment(segment_id) is None:
            raise SegmentEditorError("no segment is selected: add or select a segment first")
        return segment_id

    # -- segments (each an undo step) ---------------------------------------------------------------
    def add_segment(self, name: str | None = None, colour: str | None = None) -> str:
        self.refuse_if_busy()
        segmentation, _volume = self.require()
        segment_id = segments.add_segment(segmentation, name, colour)
        state = _segment_properties(segmentation, segment_id)
        previous_active = self.active_segment_id
        self.node.SetSelectedSegmentID(segment_id)

        def undo() -> None:
            segmentation.GetSegmentation().RemoveSegment(segment_id)
            self.node.SetSelectedSegmentID(previous_active)

        def redo() -> None:
            _add_segment_back(segmentation, segment_id, state)
            self.node.SetSelectedSegmentID(segment_id)

        self._push(f"Add segment {state['name']}", FunctionCommand(undo, redo))
        return segment_id

    def remove_segment(self, segment_id: str) -> None:
        self.refuse_if_busy()
        segmentation, volume = self.require()
        segments.require_segment(segmentation, segment_id)
        state = _segment_properties(segmentation, segment_id)
        mask = whole_segment_mask(segmentation, segment_id, volume)
        region = _bounding_region(segment_id, mask)
        ids = segments.segment_ids(segmentation)
        segmentation.GetSegmentation().RemoveSegment(segment_id)
        if self.active_segment_id in (None, segment_id):
            rest = [sid for sid in ids if sid != segment_id]
            self.node.SetSelectedSegmentID(rest[0] if rest else None)

        def undo() -> None:
            _add_segment_back(segmentation, segment_id, state, ids.index(segment_id))
            if region is not None:
                write_segment_mask(segmentation, volume, segment_id, region.offset, region.unpacked("after"))
            self.node.SetSelectedSegmentID(segment_id)

        def redo() -> None:
            segmentation.GetSegmentation().RemoveSegment(segment_id)

        self._push(f"Remove segment {state['name']}", FunctionCommand(undo, redo, region.nbytes if region else 0))
        self.surfaces.changed(segmentation)

    def edit_segment(self, segment_id: str, label: str, change) -> None:
        """Apply ``change(segmentation)`` to one segment's properties as one undo step."""
        self.refuse_if_busy()
        segmentation, _volume = self.require()
        segments.require_segment(segmentation, segment_id)
        before = _segment_properties(segmentation, segment_id)
        change(segmentation)
        after = _segment_properties(segmentation, segment_id)
        if before != after:
            self._push(label, FunctionCommand(lambda: _set_segment_properties(segmentation, segment_id, before),
                                              lambda: _set_segment_properties(segmentation, segment_id, after)))

    # -- voxels ----------------------------------------------------------------------------------------
    def apply_modifier(self, mask: np.ndarray, mode: str, offset: Sequence[int] = (0, 0, 0),
                       label: str | None = None, segment_id: str | None = None,
                       bypass_masking: bool = False) -> int:
        """Apply a boolean ``mask`` (z, y, x, in the source volume's voxel grid, its corner at ``offset``)
        to the active segment (or ``segment_id``): "add", "remove" or "set" (inside the mask's box),
        honouring the masking settings as Slicer does (unless ``bypass_masking``). One undo step;
        returns how many of the segment's voxels changed (0: nothing changed, no step)."""
        self.refuse_if_busy()
        segmentation, volume = self.require()
        segment_id = segment_id or self.require_active_segment()
        segment = self._editable_segment(segmentation, segment_id)
        if mode not in MODES:
            raise SegmentEditorError(f"mode is one of {', '.join(MODES)}, not {str(mode)[:20]!r}")
        mask, offset = _checked_mask(mask, offset)
        box = clip_box(offset, mask.shape, volume_shape(volume))
        if box is None:
            return 0
        (bz, by, bx), (nz, ny, nx) = box
        oz, oy, ox = offset
        clipped = mask[bz - oz:bz - oz + nz, by - oy:by - oy + ny, bx - ox:bx - ox + nx]
        if mode == "set":
            box, clipped = _keep_outside_the_box(whole_segment_mask(segmentation, segment_id, volume), box, clipped)
        edit = self._recorded(segmentation, volume, box, [(segment_id, clipped, mode)], bypass_masking,
                              label or f"{mode.capitalize()} {segment.GetName()}")
        return changed_voxels(edit, segment_id)

    def apply_segment_masks(self, masks: dict, label: str, bypass_masking: bool = True) -> int:
        """Set several segments at once, each to its whole-volume bool mask, as ONE undo step
        (joint smoothing, grow from seeds, split islands). Returns how many voxels changed in all."""
        self.refuse_if_busy()
        segmentation, volume = self.require()
        shape = volume_shape(volume)
        changes = []
        for segment_id, mask in masks.items():
            self._editable_segment(segmentation, segment_id)
            mask, _offset = _checked_mask(mask, (0, 0, 0))
            if mask.shape != shape:
                raise SegmentEditorError(f"a whole-volume mask is {shape} voxels (z, y, x), not {mask.shape}")
            changes.append((segment_id, mask, "set"))
        edit = self._recorded(segmentation, volume, ((0, 0, 0), shape), changes, bypass_masking, label)
        return 0 if edit is None else sum(changed_voxels(edit, segment_id) for segment_id in masks)

    def _editable_segment(self, segmentation, segment_id: str):
        segment = segments.require_segment(segmentation, segment_id)
        if segments.is_locked(segment):
            raise SegmentEditorError(f"segment {segment.GetName()!r} is locked: unlock it to edit it")
        return segment

    def _recorded(self, segmentation, volume, box, changes, bypass_masking: bool, label: str):
        """Run the changes [(segment id, mask in box, mode)] through Slicer's editor logic and push
        what they changed as one undo step; returns the step (None: nothing changed)."""
        recorder = VoxelRecorder(segmentation, volume, box, on_write=self.surfaces.changed)
        recorder.before()
        self.logic.SetSegmentationNode(segmentation)
        self.logic.SetSourceVolumeNode(volume)
        for segment_id, mask, mode in changes:
            modifier = oriented_mask(volume, mask, box[0])
            self.logic.ModifySegmentByLabelmap(segmentation, segment_id, modifier, MODES[mode],
                                               modifier.GetExtent(), True, bool(bypass_masking))
        edit = recorder.after()
        if edit is not None:
            self._push(label, edit)
            self.surfaces.changed(segmentation)
            for listener in list(self.voxel_edit_listeners):
                listener(edit)
        return edit

    def segment_array(self, segment_id: str | None = None) -> np.ndarray:
        """A segment's voxels (default: the active one) over the whole source volume, bool (z, y, x)."""
        segmentation, volume = self.require()
        segment_id = segment_id or self.require_active_segment()
        segments.require_segment(segmentation, segment_id)
        return whole_segment_mask(segmentation, segment_id, volume)

    def source_array(self) -> np.ndarray:
        """The source volume's voxels as a read-only (z, y, x) view."""
        from .voxel_grid import image_array

        _segmentation, volume = self.require()
        voxels = image_array(volume.GetImageData())
        voxels.flags.writeable = False
        return voxels

    def _push(self, label: str, command) -> None:
        if self._collected is not None:
            self._collected.append(command)
        elif self.undo is not None:
            self.undo.push(label[:MAX_LABEL_CHARS], command)

    @contextmanager
    def one_step(self, label: str) -> Iterator[None]:
        """Every edit inside the block becomes ONE undo step named ``label`` (when it changed
        anything). If the block raises, the edits made so far are undone: nothing is half done."""
        if self._collected is not None:  # nested: the outer block makes the step
            yield
            return
        self._collected = []
        try:
            yield
        except BaseException:
            commands, self._collected = self._collected, None
            CompositeCommand(commands).undo()
            raise
        commands, self._collected = self._collected, None
        if commands:
            self._push(label, commands[0] if len(commands) == 1 else CompositeCommand(commands))


def _keep_outside_the_box(segment: np.ndarray, box, mask: np.ndarray):
    """Slicer's Set clears the segment outside the modifier's extent, where the undo step would not see it:
    the box grows to cover the segment, and outside the given box the mask holds the segment's own voxels,
    so "set" changes the box only and undo records everything it changed."""
    (bz, by, bx), (nz, ny, nx) = box
    where = np.nonzero(segment)
    if where[0].size == 0:
        return box, mask
    low = [min(b, int(w.min())) for b, w in zip((bz, by, bx), where, strict=True)]
    high = [max(b + n, int(w.max()) + 1) for b, n, w in zip((bz, by, bx), (nz, ny, nx), where, strict=True)]
    if low == [bz, by, bx] and high == [bz + nz, by + ny, bx + nx]:
        return box, mask
    grown = segment[low[0]:high[0], low[1]:high[1], low[2]:high[2]].copy()
    grown[bz - low[0]:bz - low[0] + nz, by - low[1]:by - low[1] + ny, bx - low[2]:bx - low[2] + nx] = mask
    return (tuple(low), tuple(h - lo for h, lo in zip(high, low, strict=True))), grown


def _checked_mask(mask: object, offset: object) -> tuple[np.ndarray, tuple[int, int, int]]:
    if not isinstance(mask, np.ndarray) or mask.ndim != 3 or mask.size == 0:
        raise SegmentEditorError("a mask is a non-empty 3D array (z, y, x)")
    if mask.dtype != bool:
        if not np.issubdtype(mask.dtype, np.integer):
            raise SegmentEditorError("a mask holds true/false or whole numbers")
        mask = mask != 0
    if (not isinstance(offset, (list, tuple)) or len(offset) != 3
            or not all(isinstance(o, (int, np.integer)) and not isinstance(o, bool) for o in offset)):
        raise SegmentEditorError("a mask's offset is three whole numbers (z, y, x)")
    return mask, tuple(int(o) for o in offset)


def _bounding_region(segment_id: str, mask: np.ndarray) -> ChangedRegion | None:
    where = np.nonzero(mask)
    if where[0].size == 0:
        return None
    low = [int(a.min()) for a in where]
    high = [int(a.max()) + 1 for a in where]
    box = tuple(slice(lo, hi) for lo, hi in zip(low, high, strict=True))
    inside = mask[box]
    return ChangedRegion.of(segment_id, low, np.zeros_like(inside), inside)


def _segment_properties(segmentation, segment_id: str) -> dict:
    row = next(r for r in segments.segments_state(segmentation) if r["id"] == segment_id)
    display = segmentation.GetDisplayNode()
    row["opacity_2d_fill"] = float(display.GetSegmentOpacity2DFill(segment_id))
    row["opacity_2d_outline"] = float(display.GetSegmentOpacity2DOutline(segment_id))
    row["opacity_3d"] = float(display.GetSegmentOpacity3D(segment_id))
    return row


def _set_segment_properties(segmentation, segment_id: str, state: dict) -> None:
    segment = segmentation.GetSegmentation().GetSegment(segment_id)
    if segment is None:
        return
    segment.SetName(state["name"])
    segment.SetColor(*segments.hex_to_rgb(state["colour"]))
    segment.SetTag(segments.LOCK_TAG, "1" if state["locked"] else "0")
    display = segmentation.GetDisplayNode()
    display.SetSegmentVisibility(segment_id, state["visible"])
    display.SetSegmentVisibility2DFill(segment_id, state["fill_2d"])
    display.SetSegmentVisibility2DOutline(segment_id, state["outline_2d"])
    display.SetSegmentVisibility3D(segment_id, state["surface_3d"])
    display.SetSegmentOpacity2DFill(segment_id, state["opacity_2d_fill"])
    display.SetSegmentOpacity2DOutline(segment_id, state["opacity_2d_outline"])
    display.SetSegmentOpacity3D(segment_id, state["opacity_3d"])


def _add_segment_back(segmentation, segment_id: str, state: dict, index: int | None = None) -> None:
    segmentation.GetSegmentation().AddEmptySegment(segment_id, state["name"], segments.hex_to_rgb(state["colour"]))
    if index is not None:
        segmentation.GetSegmentation().SetSegmentIndex(segment_id, index)
    _set_segment_properties(segmentation, segment_id, state)
