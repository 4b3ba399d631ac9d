"""Slicer scenes: ``.mrml`` files with their data, ``.mrb`` bundles, saving, and closing the scene.

Loading a scene adds to what is shown (MRML's Import), as Slicer's "Add data" does;
every file the scene names is confined to its folder (see file_references).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from slicer import vtkMRMLMessageCollection, vtkMRMLStorableNode

from ..errors import EngineError
from ..scene.data_kinds import is_user_data
from ..scene.scene_nodes import nodes_of_class
from .segmentations import remove_with_helpers
from .untrusted.file_references import check_mrml, is_inside
from .untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits

SCENE_EXTENSIONS = (".mrml", ".mrb")
MAX_MRML_SEARCH_DEPTH = 3  # folders inside a bundle searched for its scene file


# Nodes that only serve removed data (volume rendering's transfer functions and shaders) go with it.
DATA_HELPER_NODE_CLASSES = ("vtkMRMLVolumePropertyNode", "vtkMRMLShaderPropertyNode",
                            "vtkMRMLSequenceBrowserNode", "vtkMRMLSequenceNode")  # 4D volumes' frames


class SceneLoadError(EngineError):
    """A scene file or bundle could not be read; the message says why."""


def data_nodes(engine) -> list:
    """Nodes that hold the user's data (what Slicer's "Close scene" removes)."""
    nodes = []
    for index in range(engine.scene.GetNumberOfNodes()):
        node = engine.scene.GetNthNode(index)
        if node is not None and is_user_data(node):
            nodes.append(node)
    return nodes


def load_mrml(engine, path: Path, root: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> list:
    """Add a ``.mrml`` scene (and the data files it names, all under ``root``) to the scene.
    Returns the data nodes it added."""
    check_mrml(path, root, limits)
    scene = engine.scene
    before = {node.GetID() for node in data_nodes(engine)}
    old_url = scene.GetURL()
    messages = vtkMRMLMessageCollection()
    scene.SetURL(str(path))
    try:
        ok = scene.Import(messages)
    finally:
        scene.SetURL(old_url or "")
    added = [node for node in data_nodes(engine) if node.GetID() not in before]
    failed = [node for node in added if _has_storage_without_data(node)]
    if not ok:
        for node in added:
            remove_with_helpers(engine, node)
        detail = messages.GetAllMessagesAsString().strip()[:300] if messages.GetNumberOfMessages() else ""
        raise SceneLoadError(f"{path.name}: the scene could not be read{': ' + detail if detail else ''}")
    if failed:
        names = ", ".join(node.GetName() for node in failed[:5])
        for node in added:
            remove_with_helpers(engine, node)
        raise SceneLoadError(f"{path.name}: the scene's data could not be read ({names})")
    return added


def _has_storage_without_data(node) -> bool:
    if not isinstance(node, vtkMRMLStorableNode) or node.GetStorageNode() is None:
        return False
    if node.IsA("vtkMRMLVolumeNode"):
        image = node.GetImageData()
        return image is None or image.GetNumberOfPoints() == 0
    if node.IsA("vtkMRMLModelNode"):
        return node.GetPolyData() is None
    return False


def find_scene_file(folder: Path) -> Path:
    """The one ``.mrml`` file of an unpacked bundle (the shallowest)."""
    candidates = sorted(
        (p for p in folder.rglob("*.mrml") if len(p.relative_to(folder).parts) <= MAX_MRML_SEARCH_DEPTH),
        key=lambda p: (len(p.parts), str(p)),
    )
    if not candidates:
        raise SceneLoadError("the bundle holds no scene (.mrml) file")
    return candidates[0]


def unpack_bundle(path: Path, folder: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> Path:
    """Unpack a bundle into ``folder`` keeping its inner folders (a scene names its files by
    relative path), with the archive reader's limits on entries, sizes and inflation."""
    from .archives import ArchiveError, extract_zip  # helper DICOM's archive reader

    flat = folder / "flat"
    try:
        written = extract_zip(path, flat, limits)
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir() and not stat.S_ISLNK(m.external_attr >> 16)]
    except (ArchiveError, zipfile.BadZipFile, OSError) as error:
        message = str(error)
        raise SceneLoadError(message if message.startswith(path.name) else f"{path.name}: {message}") from None
    if len(members) != len(written):
        raise SceneLoadError(f"{path.name}: the bundle's members could not be matched to its files")
    bundle = folder / "bundle"
    for member, extracted in zip(members, written, strict=True):
        target = bundle / PurePosixPath(member.filename.replace("\\", "/"))
        if not is_inside(target, bundle):
            raise SceneLoadError(f"{path.name}: a member points outside the bundle; refused")
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise SceneLoadError(f"{path.name}: two members have the same name")
        os.replace(extracted, target)
    return bundle


def load_mrb(engine, path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> list:
    """Add a Slicer data bundle (a zip of a scene and its files) to the scene."""
    folder = Path(tempfile.mkdtemp(prefix="trame-slicer-mrb-"))
    try:
        bundle = unpack_bundle(path, folder, limits)
        scene_file = find_scene_file(bundle)
        added = load_mrml(engine, scene_file, bundle, limits)
        # The data now lives in memory; the storage nodes must not point at a folder that goes away.
        for node in added:
            storage = node.GetStorageNode() if isinstance(node, vtkMRMLStorableNode) else None
            if storage is not None:
                storage.SetFileName("")
        return added
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def save_mrb(engine, out_path: Path) -> Path:
    """Write the whole scene, data included, as a Slicer data bundle."""
    messages = vtkMRMLMessageCollection()
    if not engine.scene.WriteToMRB(str(out_path), None, messages):
        detail = messages.GetAllMessagesAsString().strip()[:300]
        raise SceneLoadError(f"{out_path.name}: the scene could not be saved{': ' + detail if detail else ''}")
    return out_path


def close_scene(engine) -> None:
    """Remove the user's data, keeping views, slice nodes, crosshair, selection and colours.
    Announced as MRML announces a closed scene (StartCloseEvent, EndCloseEvent): what holds on to
    the old scene, undo's history first, lets go of it."""
    scene = engine.scene
    scene.StartState(scene.CloseState)
    try:
        _remove_data(engine)
        _show_an_empty_scene(engine)
    finally:
        scene.EndState(scene.CloseState)


def _remove_data(engine) -> None:
    scene = engine.scene
    selection = engine.app_logic.GetSelectionNode()
    scene.StartState(scene.BatchProcessState)
    try:
        for node in data_nodes(engine):
            if scene.IsNodePresent(node):
                remove_with_helpers(engine, node)
        for class_name in DATA_HELPER_NODE_CLASSES:
            for node in nodes_of_class(scene, class_name):
                if not node.GetSingletonTag():
                    remove_with_helpers(engine, node)
        selection.SetActiveVolumeID(None)
        selection.SetActiveLabelVolumeID(None)
        selection.SetSecondaryVolumeID(None)
    finally:
        scene.EndState(scene.BatchProcessState)
    scene.ClearUndoStack()
    scene.ClearRedoStack()
    engine.app_logic.PropagateVolumeSelection(0)


def _show_an_empty_scene(engine) -> None:
    """Views as a new scene has them: with nothing to show, a slice plane in 3D is a black sheet,
    and the camera and fields of view no longer frame anything."""
    for view in engine.slice_views.values():
        view.slice_node.SetSliceVisible(False)
        view.reset_view()
    engine.threed_view.reset_view()
