"""4D volumes (a NIfTI time series, a 4D FreeSurfer volume) as Slicer sequences.

Each frame is one volume in a ``vtkMRMLSequenceNode``; a ``vtkMRMLSequenceBrowserNode`` picks the
frame that its proxy volume (an ordinary scalar volume in the scene, the one the views show) holds.
Sequences' own logic (``vtkSlicerSequencesLogic``, registered by the engine) copies the selected frame
into the proxy whenever the browser's selected item changes. Playing is driven by the caller
(the web layer's timer calls ``step``), never by a thread here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from slicer import vtkMRMLScalarVolumeNode, vtkMRMLVectorVolumeNode, vtkSlicerSequencesLogic
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkCommonMath import vtkMatrix4x4

from ..scene.node_lookup import require_node
from .untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits
from .volumes import VolumeLoadError

NIFTI_SUFFIXES = (".nii", ".nii.gz", ".hdr")
MAX_PLAYBACK_FPS = 10.0
DEFAULT_PLAYBACK_FPS = 4.0
# NIfTI xyzt_units time codes (bits 3-5) -> (unit shown, factor to seconds is not applied: shown as stored)
NIFTI_TIME_UNITS = {8: "s", 16: "ms", 24: "us", 32: "Hz", 40: "ppm", 48: "rad/s"}


def sequences_logic(engine) -> vtkSlicerSequencesLogic:
    """The engine's sequences logic (registered by SlicerEngine and HeadlessScene)."""
    return engine.app_logic.GetModuleLogic("Sequences")


def nifti_frame_count(path: Path) -> int:
    """Frames of a NIfTI-1/-2 image (the 4th dimension; 1 for a 3D image), from its header only."""
    import nibabel

    try:
        header = nibabel.load(str(path)).header
    except Exception:  # damaged: the volume reader will say so
        return 1
    shape = header.get_data_shape()
    if len(shape) < 4 or any(n != 1 for n in shape[4:]):
        return 1
    return int(shape[3])


def add_volume_sequence(
    engine, frames, ijk_to_ras: np.ndarray, name: str, index_values: list[str],
    index_name: str = "time", index_unit: str = "",
):
    """A sequence of volumes from ``frames`` (an iterable of (slices, rows, columns) arrays, all one shape),
    a browser on it and its proxy volume. Returns the proxy volume node (what the views show).
    Frames of (slices, rows, columns, 3) bytes are colour (vector volumes, shown in their own colours)."""
    sequence = engine.scene.AddNewNodeByClass("vtkMRMLSequenceNode", name)
    sequence.SetIndexName(index_name)
    sequence.SetIndexUnit(index_unit)
    low, high = np.inf, -np.inf
    matrix = vtkMatrix4x4()
    matrix.DeepCopy([float(v) for v in np.asarray(ijk_to_ras, dtype=float).ravel()])
    for value, frame in zip(index_values, frames, strict=True):
        low, high = min(low, float(frame.min())), max(high, float(frame.max()))
        # Never in the scene: the sequence keeps its own copy, and the scene's observers (views, the
        # state binding) hear of one proxy, not of every frame.
        colour = frame.ndim == 4
        image = vtkImageData()
        image.SetDimensions(frame.shape[2], frame.shape[1], frame.shape[0])
        frame = np.ascontiguousarray(frame)
        image.GetPointData().SetScalars(numpy_to_vtk(frame.reshape(-1, 3) if colour else frame.ravel(), deep=True))
        volume = vtkMRMLVectorVolumeNode() if colour else vtkMRMLScalarVolumeNode()
        volume.SetName(name)
        volume.SetIJKToRASMatrix(matrix)
        volume.SetAndObserveImageData(image)
        sequence.SetDataNodeAtValue(volume, value)
    browser = engine.scene.AddNewNodeByClass("vtkMRMLSequenceBrowserNode", f"{name} browser")
    browser.SetPlaybackRateFps(DEFAULT_PLAYBACK_FPS)
    browser.SetPlaybackLooped(True)
    logic = sequences_logic(engine)
    browser.SetAndObserveMasterSequenceNodeID(sequence.GetID())
    logic.UpdateProxyNodesFromSequences(browser)
    proxy = browser.GetProxyNode(sequence)
    if proxy is None:
        raise VolumeLoadError(f"{name}: the frames could not be shown")
    proxy.SetName(name)
    if proxy.GetDisplayNode() is None:
        proxy.CreateDefaultDisplayNodes()
    display = proxy.GetDisplayNode()
    if proxy.IsA("vtkMRMLVectorVolumeNode"):  # colour: its own colours, never stretched (decision 0014)
        display.AutoWindowLevelOff()
        display.SetWindowLevel(255.0, 127.5)
        return proxy
    display.SetAndObserveColorNodeID("vtkMRMLColorTableNodeGrey")
    # One window for every frame, so that playing shows the signal change, not a new contrast each frame.
    if np.isfinite(low) and high > low:
        display.AutoWindowLevelOff()
        display.SetWindowLevel(high - low, (high + low) / 2.0)
    return proxy


def load_nifti_sequence(engine, path: Path, name: str, limits: IOLimits = DEFAULT_IO_LIMITS):
    """A 4D NIfTI-1/-2 image (a time series) as a sequence of 3D volumes; sizes were checked
    (file_references.check_nifti) before. Geometry: nibabel's affine (RAS), as Slicer reads NIfTI."""
    import nibabel

    try:
        image = nibabel.load(str(path))
        shape = image.shape
    except Exception as error:
        raise VolumeLoadError(f"{path.name}: could not be read as an image ({type(error).__name__})") from None
    if len(shape) < 4 or shape[3] < 1 or any(n != 1 for n in shape[4:]):
        raise VolumeLoadError(f"{path.name}: not a time series (dimensions {shape})")
    return add_image_sequence(engine, image, path, name, limits)


def add_image_sequence(engine, image, path: Path, name: str, limits: IOLimits = DEFAULT_IO_LIMITS):
    """A nibabel 4D image (NIfTI or MGH) as a sequence; frames are read one at a time."""
    shape = image.shape
    frames = int(shape[3])
    voxels = int(np.prod(shape[:4]))
    if voxels > limits.max_voxels:
        raise VolumeLoadError(f"{path.name}: {voxels:,} voxels, more than the {limits.max_voxels:,} allowed")
    step, unit = _time_step(image)
    values = [f"{index * step:g}" if step else str(index) for index in range(frames)]

    def frame_arrays():
        for index in range(frames):
            try:
                frame = np.asanyarray(image.dataobj[:, :, :, index, ...])
            except Exception as error:
                raise VolumeLoadError(f"{path.name}: frame {index + 1} could not be read "
                                      f"({type(error).__name__}); the file is damaged or cut short") from None
            # Native byte order: VTK reads the bytes as they are (MGH and some NIfTI files are big-endian).
            yield np.ascontiguousarray(frame.reshape(shape[:3]).transpose(2, 1, 0), dtype=frame.dtype.newbyteorder("="))

    return add_volume_sequence(engine, frame_arrays(), np.asarray(image.affine, dtype=float), name, values,
                               "time" if step else "frame", unit)


def _time_step(image) -> tuple[float, str]:
    """The time between frames and its unit, when the header gives them (NIfTI pixdim[4])."""
    header = image.header
    try:
        if hasattr(header, "get_xyzt_units"):
            _space, time_unit = header.get_xyzt_units()
            step = float(header.get_zooms()[3])
            units = {"sec": "s", "msec": "ms", "usec": "us"}
            if time_unit in units and step > 0 and np.isfinite(step):
                return step, units[time_unit]
    except (IndexError, ValueError, TypeError):
        pass
    return 0.0, ""


# -- browsing ------------------------------------------------------------------------------------
def browser_nodes(engine) -> list:
    scene = engine.scene
    return [scene.GetNthNodeByClass(i, "vtkMRMLSequenceBrowserNode")
            for i in range(scene.GetNumberOfNodesByClass("vtkMRMLSequenceBrowserNode"))]


def browser_for_volume(engine, volume_id: str | None):
    """The browser whose proxy is the volume ``volume_id`` (None when it is no sequence's proxy)."""
    if not volume_id:
        return None
    for browser in browser_nodes(engine):
        sequence = browser.GetMasterSequenceNode()
        proxy = browser.GetProxyNode(sequence) if sequence is not None else None
        if proxy is not None and proxy.GetID() == volume_id:
            return browser
    return None


def remove_sequences_of(engine, proxy) -> None:
    """Remove the browsers (and their sequences) whose proxy is ``proxy``: the volume is being deleted."""
    for browser in browser_nodes(engine):
        sequence = browser.GetMasterSequenceNode()
        if sequence is not None and browser.GetProxyNode(sequence) is proxy:
            engine.scene.RemoveNode(browser)
            if engine.scene.IsNodePresent(sequence):
                engine.scene.RemoveNode(sequence)


def sequence_nodes_of(proxy) -> list:
    """The sequences and then the browsers that show their frames in ``proxy`` (empty for a plain volume):
    what deleting it removes and undoing that brings back, in the order they are added back."""
    scene = proxy.GetScene()
    if scene is None or not proxy.IsA("vtkMRMLVolumeNode"):
        return []
    sequences_found, browsers = [], []
    for index in range(scene.GetNumberOfNodesByClass("vtkMRMLSequenceBrowserNode")):
        browser = scene.GetNthNodeByClass(index, "vtkMRMLSequenceBrowserNode")
        sequence = browser.GetMasterSequenceNode()
        if sequence is not None and browser.GetProxyNode(sequence) is proxy:
            sequences_found.append(sequence)
            browsers.append(browser)
    return sequences_found + browsers


def frame_count(node) -> int | None:
    """How many frames the sequence behind a proxy volume has (None when it is a plain volume)."""
    scene = node.GetScene()
    if scene is None:
        return None
    for index in range(scene.GetNumberOfNodesByClass("vtkMRMLSequenceBrowserNode")):
        browser = scene.GetNthNodeByClass(index, "vtkMRMLSequenceBrowserNode")
        sequence = browser.GetMasterSequenceNode()
        if sequence is not None and browser.GetProxyNode(sequence) is node:
            return browser.GetNumberOfItems()
    return None


def sequence_state(engine, browser_id: str) -> dict:
    """{"id", "name", "frames", "frame" (0-based), "index" (the frame's time or number as text), "playing", "fps"}."""
    browser = require_node(engine, browser_id, "vtkMRMLSequenceBrowserNode", "sequence")
    sequence = browser.GetMasterSequenceNode()
    frame = browser.GetSelectedItemNumber()
    index = ""
    if sequence is not None and 0 <= frame < sequence.GetNumberOfDataNodes():
        unit = sequence.GetIndexUnit()
        index = f"{sequence.GetNthIndexValue(frame)}{' ' + unit if unit else ''}"
    proxy = browser.GetProxyNode(sequence) if sequence is not None else None
    return {
        "id": browser.GetID(), "name": proxy.GetName() if proxy is not None else browser.GetName(),
        "volume_id": proxy.GetID() if proxy is not None else None,
        "frames": browser.GetNumberOfItems(), "frame": frame, "index": index,
        "playing": bool(browser.GetPlaybackActive()), "fps": browser.GetPlaybackRateFps(),
    }


def _has_proxy(engine, browser) -> bool:
    sequence = browser.GetMasterSequenceNode()
    proxy = browser.GetProxyNode(sequence) if sequence is not None else None
    return proxy is not None and engine.scene.IsNodePresent(proxy)


def sequences(engine) -> list[dict]:
    """The sequences whose volume is in the scene (one deleted from the Data panel has no controls)."""
    return [sequence_state(engine, browser.GetID()) for browser in browser_nodes(engine) if _has_proxy(engine, browser)]


def set_frame(engine, browser_id: str, frame: int) -> int:
    """Show frame ``frame`` (0-based, clamped to the sequence); returns the frame shown."""
    browser = require_node(engine, browser_id, "vtkMRMLSequenceBrowserNode", "sequence")
    count = browser.GetNumberOfItems()
    if count == 0 or not _has_proxy(engine, browser):
        return -1
    frame = max(0, min(count - 1, int(frame)))
    if browser.GetSelectedItemNumber() != frame:
        browser.SetSelectedItemNumber(frame)
    return frame


def set_playing(engine, browser_id: str, playing: bool) -> None:
    """Mark a sequence as playing or not; the caller's timer calls ``step`` while it plays."""
    browser = require_node(engine, browser_id, "vtkMRMLSequenceBrowserNode", "sequence")
    browser.SetPlaybackActive(bool(playing))


def step(engine, browser_id: str) -> int:
    """The next frame of a playing sequence (looping at the end); returns the frame shown."""
    browser = require_node(engine, browser_id, "vtkMRMLSequenceBrowserNode", "sequence")
    count = browser.GetNumberOfItems()
    if count == 0:
        return -1
    return set_frame(engine, browser_id, (browser.GetSelectedItemNumber() + 1) % count)


def playing_browsers(engine) -> list[str]:
    return [browser.GetID() for browser in browser_nodes(engine)
            if browser.GetPlaybackActive() and _has_proxy(engine, browser)]


def current_sequence(engine) -> dict | None:
    """The sequence the controls act on: the one whose volume the slice views show, else the last loaded."""
    found = sequences(engine)
    if not found:
        return None
    # The background of the first slice view, as display.volume_display.slice_layers reads it (the
    # slice views show the same layers); read here because io sits below display (decision 0017).
    first_slice_view = next(iter(engine.slice_views.values()))
    shown = first_slice_view.logic.GetSliceCompositeNode().GetBackgroundVolumeID()
    return next((item for item in found if item["volume_id"] == shown), found[-1])
