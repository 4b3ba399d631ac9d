"""Long edits: an effect whose computation takes seconds on a whole head (joint smoothing, grow from
seeds) computes in a worker thread, so that the server's asyncio loop keeps streaming every view of
every user meanwhile (decision 0025, addendum).

An edit has three parts:

- ``prepare`` (on the loop): reads what the computation needs from MRML and VTK objects of the
  scene, as copies (numpy arrays, vtkImageData of its own), and returns ``compute``;
- ``compute`` (in the worker): touches only those copies and objects the effect owns (VTK's filters
  release the GIL while they run, so the loop turns meanwhile);
- ``finish`` (on the loop): applies the result to the scene (one undo step).

While one runs the editor is busy (``SegmentEditor.busy``): its edits are refused with a message.
What the editor cannot refuse (an undo, a closed scene, a node deleted elsewhere) is caught at the
end: the inputs are read again and, if they changed, the result is dropped, never applied to
something it was not computed from."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .errors import SegmentEditorError
from .segment_list import segment_ids
from .voxel_grid import LABELMAP

# Shared by every scene session of the process: the machine's cores bound how many can usefully run.
WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="long-edit")


class LongEditDropped(SegmentEditorError):
    """The result was not applied (the scene changed under it, or it was cancelled)."""


@dataclass
class LongEdit:
    label: str  # what the panel shows while it runs ("Joint smoothing")
    compute: Callable[[], Any]  # in the worker, on copies
    finish: Callable[[Any], Any]  # on the loop: applies the result
    drop: Callable[[], None] = lambda: None  # on the loop: the result is not applied (forget state)
    cancelled: bool = field(default=False)


def edit_inputs(editor) -> tuple | None:
    """What a long edit computed from, as comparable values: the edited segmentation and source
    volume (the very nodes, still in the scene), the volume's voxels' modification time and each
    segment's label map layer (its address and modification time) and visibility. None: nothing."""
    node = editor.node
    segmentation, volume = node.GetSegmentationNode(), node.GetSourceVolumeNode()
    scene = editor.engine.scene
    if segmentation is None or volume is None or volume.GetImageData() is None \
            or not scene.IsNodePresent(segmentation) or not scene.IsNodePresent(volume):
        return None
    display = segmentation.GetDisplayNode()
    layers = []
    for sid in segment_ids(segmentation):
        layer = segmentation.GetSegmentation().GetSegment(sid).GetRepresentation(LABELMAP)
        layers.append((sid, layer.GetAddressAsString("vtkObject") if layer else None,
                       layer.GetMTime() if layer else 0,
                       bool(display.GetSegmentVisibility(sid)) if display else True))
    return (segmentation.GetAddressAsString("vtkObject"), volume.GetAddressAsString("vtkObject"),
            volume.GetImageData().GetMTime(), tuple(layers))


class LongEdits:
    """Runs one long edit at a time for one segment editor."""

    def __init__(self, editor) -> None:
        self.editor = editor
        self.running: LongEdit | None = None
        self.task: asyncio.Task | None = None

    def start(self, label: str, prepare: Callable[[], LongEdit]) -> asyncio.Task:
        """Prepare now (refusals are raised here, nothing changed) and compute in the worker; the
        returned task applies the result on the loop and gives ``finish``'s value, or raises
        LongEditDropped. Must be called on the running loop."""
        self.editor.refuse_if_busy()
        self.editor.busy = label
        try:
            edit = prepare()
            before = edit_inputs(self.editor)
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(WORKERS, edit.compute)
        except BaseException:
            self.editor.busy = None
            raise
        self.running = edit
        self.task = loop.create_task(self._complete(edit, future, before))
        return self.task

    async def _complete(self, edit: LongEdit, future, before):
        try:
            result = await asyncio.shield(future)  # a cancelled task leaves the worker to finish alone
        except BaseException:
            self._end()
            edit.drop()
            raise
        self._end()
        if edit.cancelled:
            edit.drop()
            raise LongEditDropped(f"{edit.label} was cancelled: its result was dropped")
        if edit_inputs(self.editor) != before:
            edit.drop()
            raise LongEditDropped(f"the segmentation changed while {edit.label.lower()} computed (an undo, "
                                  f"a closed scene or a removed node): its result was dropped: start it again")
        return edit.finish(result)

    def _end(self) -> None:
        self.running = None
        self.editor.busy = None

    def cancel(self) -> bool:
        """Drop the running edit's result when it comes (the worker is not interrupted)."""
        if self.running is None:
            return False
        self.running.cancelled = True
        return True
