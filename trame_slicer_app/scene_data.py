"""Opening and saving data, in plain Python data: the web layer's and the CLI's door to files.

Every file is treated as hostile: what it names must lie beside it and what it declares must fit
``IOLimits`` (engine.file_references); it is first read in a sandboxed child process
(engine.sandboxed_reading), and only what the child read without harm is loaded into the scene. The
voxels of a plain scalar volume come from the child (engine.voxel_handover, checked here before use),
so such a file is parsed once; other data is read again by the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from . import temp_folders
from .engine.io.bundle_file_names import files_named_after_nodes, safe_file_stem
from .engine.io.data_saving import save_data_node, save_suffixes
from .engine.io.freesurfer import FREESURFER_SUFFIXES
from .engine.io.loadables import (
    KINDS,
    classify_file,
    display_name,
    file_suffix,
    kind_choices,
    load_item,
    node_kind,
    remember_dicom_files,
)
from .engine.io.markups_files import MARKUPS_EXTENSIONS
from .engine.io.models import MODEL_EXTENSIONS
from .engine.io.scene_files import SCENE_EXTENSIONS, data_nodes, save_mrb
from .engine.io.scene_files import close_scene as close_engine_scene
from .engine.io.segmentations import SEGMENTATION_EXTENSIONS
from .engine.io.untrusted.file_references import check_file, is_inside
from .engine.io.untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits
from .engine.io.untrusted.sandboxed_reading import probe_items
from .engine.io.volumes import LOAD_WARNING_ATTRIBUTE, VOLUME_EXTENSIONS, show_volume
from .engine.io.voxel_handover import VoxelHandover, add_handed_over_volume
from .engine.scene.slicer_engine import SlicerEngine

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "DataError",
    "close_scene",
    "inspect_paths",
    "load_loadables",
    "open_paths",
    "savable_nodes",
    "save_node",
    "save_scene",
]

SUPPORTED_EXTENSIONS = tuple(dict.fromkeys(
    (*VOLUME_EXTENSIONS, *FREESURFER_SUFFIXES, *SEGMENTATION_EXTENSIONS, *MODEL_EXTENSIONS, *SCENE_EXTENSIONS,
     *MARKUPS_EXTENSIONS, ".zip", ".dcm")
))
MAX_REMEMBERED_LOADABLES = 256  # inspected loadables kept for load_loadables to accept

ProgressCallback = Callable[[float, str], None]


class DataError(ValueError):
    """Data could not be opened or saved. ``problems`` lists one message per file; ``loadables`` what
    inspect_paths could read despite them; ``loaded`` what load_loadables / open_paths loaded."""

    def __init__(
        self, problems: list[str] | str, loaded: list[dict] | None = None, loadables: list[dict] | None = None
    ) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.loaded = loaded or []
        self.loadables = loadables or []
        super().__init__("\n".join(self.problems))


# Loadables this process inspected (and the sandbox read): id -> loadable. load_loadables accepts only
# these, so a client cannot swap in other paths or a kind the sandbox never tried.
_inspected: OrderedDict[str, dict] = OrderedDict()
_inspected_lock = threading.Lock()  # inspect_paths may run in worker threads
# Voxels the sandboxed reader handed over for inspected volumes, until they are loaded: id -> handover,
# oldest first, at most ``IOLimits.max_handover_bytes`` in all (older ones are dropped: those volumes
# are then read from their file again when loaded).
_handovers: OrderedDict[str, VoxelHandover] = OrderedDict()
def _fingerprint(kind: str, paths: list[Path]) -> str:
    parts = [kind]
    for path in paths:
        stat = path.stat()
        parts.append(f"{path}|{stat.st_size}|{stat.st_mtime_ns}")
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:20]


def _shown(text: Path | str) -> str:
    """Text safe to show and log: control characters (newlines included) become '?'."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


def _problem(name: str, message: str) -> str:
    """One line per problem, naming the file once."""
    message = _shown(message)
    return message if _shown(name) in message else f"{_shown(name)}: {message}"


def _unsupported(path: Path) -> str:
    return (f"{_shown(path)}: not a volume file, segmentation, model, scene or DICOM this viewer reads "
            f"({', '.join(SUPPORTED_EXTENSIONS)})")


def _refuse_empty(path: Path) -> None:
    # Before the kind is guessed from the bytes: an empty file is no kind, and saying so helps more.
    if path.stat().st_size == 0:
        raise DataError(f"{_shown(path.name)}: the file is empty")


def _candidates(path: Path, limits: IOLimits, user_name: str | None = None) -> list[dict]:
    """The loadables one file gives, before sandboxed reading: {"kind", "paths", "name"[, "detail"],
    "kind_choices"}. ``user_name``: the file's name as the user knows it, when stored under another."""
    _refuse_empty(path)
    kind = classify_file(path, user_name)
    if kind is None:
        raise DataError(_unsupported(path))
    if kind == "dicom" and file_suffix(path) == ".zip":
        from .engine.io.archives import extract_zip

        folder = temp_folders.make("trame-slicer-zip-")  # removed when the process ends
        files = extract_zip(path, folder, limits)
        return _dicom_candidates(files, path.name, limits)
    if kind == "dicom":
        return _dicom_candidates([path], path.name, limits)
    # Declared sizes and referenced files are checked here, before any reader sees the file.
    check_file(path, path.parent, limits)
    name = display_name(Path(user_name) if user_name else path)
    return [{"kind": kind, "paths": [path], "name": name, "kind_choices": kind_choices(path, kind)}]


def _folder_candidates(folder: Path, limits: IOLimits, allowed_root: Path | None) -> tuple[list[dict], list[str]]:
    """Every file we read directly inside a folder, each its own loadable, then the DICOM series found in
    it and below it. Returns the candidates and one problem per file that cannot be offered."""
    candidates: list[dict] = []
    problems: list[str] = []
    files: list[Path] = []
    with os.scandir(folder) as entries:
        for scanned, entry in enumerate(entries, start=1):
            if scanned > limits.max_dicom_files:
                problems.append(f"{_shown(folder.name)}: more than {limits.max_dicom_files} entries; "
                                "only the first were looked at")
                break
            # Links are not followed (as the DICOM search does not), hidden files are not data.
            if not entry.name.startswith(".") and entry.is_file(follow_symlinks=False):
                files.append(Path(entry.path))
    offered = 0
    for path in sorted(files):
        try:
            if allowed_root is not None and not is_inside(path, allowed_root):
                continue
            kind = classify_file(path)
            if kind is None or (kind == "dicom" and file_suffix(path) != ".zip"):
                continue  # not ours (a text file, ...), or a DICOM file: found with its series below
            offered += 1
            if offered > limits.max_folder_files:
                problems.append(f"{_shown(folder.name)}: more than {limits.max_folder_files} files to offer; "
                                "open fewer at a time")
                break
            candidates += _candidates(path, limits)
        except (ValueError, OSError) as error:
            problems.append(_problem(path.name, str(error)))
    try:
        candidates += _dicom_candidates([folder], folder.name, limits, required=False)
    except (ValueError, OSError) as error:
        problems.append(_problem(folder.name, str(error)))
    if not candidates and not problems:
        problems.append(f"{_shown(folder.name)}: no file this viewer reads ({', '.join(SUPPORTED_EXTENSIONS)})")
    return candidates, problems


def _dicom_candidates(paths: list[Path], where: str, limits: IOLimits, required: bool = True) -> list[dict]:
    from .engine.io.dicom.dicom_series import find_dicom_series

    series_list = find_dicom_series(paths, limits)
    if not series_list and required:
        raise DataError(f"{where}: no DICOM series found")
    candidates = []
    for series in series_list:
        if series.modality == "SEG":  # a DICOM segmentation: each file is one, opened as a segmentation
            candidates += [{"kind": "segmentation", "paths": [Path(p)], "name": series.name[:80],
                            "kind_choices": ["segmentation"]} for p in series.files]
            continue
        if series.problem:
            raise DataError(f"{where}: {series.name}: {series.problem}")
        candidates.append({
            "kind": "dicom", "paths": [Path(p) for p in series.files], "name": series.name[:80],
            "detail": f"{series.modality} {series.columns} x {series.rows} x {series.number_of_slices}"
                      + (f", {series.time_points} time points" if series.time_points > 1 else ""),
            "kind_choices": ["dicom"],
        })
    return candidates


def inspect_paths(
    paths: list[Path], limits: IOLimits = DEFAULT_IO_LIMITS, allowed_root: Path | None = None,
    user_names: dict[str, str] | None = None,
) -> list[dict]:
    """What can be loaded from these files and folders, each read once in the sandboxed child.

    A folder gives every file directly inside it that this viewer reads, each on its own, and the
    DICOM series in it and below it. Returns loadables {"id", "kind", "name", "detail", "paths",
    "kind_choices"}: a NRRD/NIfTI volume whose voxels can be labels may be loaded as "volume" or
    "labelmap" (then one segment per label). ``user_names`` maps a given path (as given) to the name
    the user knows the file by, when it is stored under another (an upload): kinds and node names
    follow the user's name, so a file gets the same kind however it arrives. Raises DataError listing
    every path that cannot be loaded (``error.loadables`` holds the good ones)."""
    problems: list[str] = []
    candidates: list[dict] = []
    dicom_files: list[Path] = []
    if not isinstance(paths, (list, tuple)):
        raise DataError("expected a list of paths")
    for given in paths:
        if not isinstance(given, (str, Path)) or not str(given):
            problems.append(f"not a path: {_shown(repr(given))[:80]}")
            continue
        path = Path(given).expanduser()
        user_name = (user_names or {}).get(str(given))
        try:
            if allowed_root is not None and not is_inside(path, allowed_root):
                raise DataError(f"{_shown(path)}: outside the folder data may be opened from")
            if not path.exists():
                raise DataError(f"{_shown(path)}: no such file")
            resolved = path.resolve()
            if not (resolved.is_file() or resolved.is_dir()):
                raise DataError(f"{_shown(path)}: not a file")
            if resolved.is_file():
                _refuse_empty(path)
            if resolved.is_file() and classify_file(resolved, user_name) is None:
                raise DataError(_unsupported(path))
            if resolved.is_file() and classify_file(resolved, user_name) == "dicom" and file_suffix(resolved) != ".zip":
                dicom_files.append(resolved)  # one series' files come one by one (a drop): grouped below
                continue
            if resolved.is_dir():
                found, folder_problems = _folder_candidates(resolved, limits, allowed_root)
                candidates += found
                problems += folder_problems
                continue
            candidates += _candidates(resolved, limits, user_name)
        except (ValueError, OSError) as error:  # readers refuse with EngineError; libraries' ValueErrors too
            problems.append(_problem(path.name, str(error)))
    if dicom_files:
        where = dicom_files[0].name if len(dicom_files) == 1 else f"{len(dicom_files)} DICOM files"
        try:
            candidates += _dicom_candidates(dicom_files, where, limits)
        except (ValueError, OSError) as error:
            problems.append(_problem(where, str(error)))

    loadables = []
    if candidates:
        items = [{"kind": c["kind"], "paths": [str(p) for p in c["paths"]], "name": c["name"],
                  "kind_choices": c["kind_choices"]} for c in candidates]
        for candidate, result in zip(candidates, probe_items(items, limits), strict=True):
            where = candidate["paths"][0].name if candidate["kind"] != "dicom" else candidate["name"]
            if not result["ok"]:
                _release_handovers(result)
                problems.append(_problem(where, result["error"]))
                continue
            try:
                loadables.append(_remember(candidate, result, limits))
            finally:
                _release_handovers(result)  # what _remember did not keep
    if problems:
        raise DataError(problems, loadables=loadables)
    return loadables


def _proved_kinds(candidate: dict, result: dict) -> tuple[str, list[str]]:
    """The default kind and the kinds offered, as the child found them, but never beyond what this
    process offered the child (its answer comes from a process that read a hostile file)."""
    offered = candidate["kind_choices"]
    choices = [k for k in result.get("kind_choices") or () if k in offered] if "kind_choices" in result else []
    kind = result.get("kind", candidate["kind"])
    if kind not in offered:
        kind = candidate["kind"]
    return kind, choices if kind in choices else [kind]


def _release_handovers(result: dict) -> None:
    for handover in result.pop("handovers", None) or ():
        if handover is not None:
            handover.release()


def _keep_handover(loadable_id: str, result: dict, limits: IOLimits) -> None:
    """Keep the voxels the child handed over for a one-volume loadable; release the others."""
    handovers = result.pop("handovers", None) or []
    kept = handovers[0] if len(handovers) == 1 and result.get("kind", "volume") in ("volume", "dicom") else None
    dropped = [h for h in handovers if h is not None and h is not kept]
    if kept is not None:
        with _inspected_lock:
            if loadable_id in _handovers:
                dropped.append(_handovers.pop(loadable_id))
            _handovers[loadable_id] = kept
            total = sum(h.nbytes for h in _handovers.values())
            while total > limits.max_handover_bytes and len(_handovers) > 1:
                _oldest, handover = _handovers.popitem(last=False)
                total -= handover.nbytes
                dropped.append(handover)
    for handover in dropped:
        handover.release()


def _take_handover(loadable_id: str) -> VoxelHandover | None:
    with _inspected_lock:
        return _handovers.pop(loadable_id, None)


def _remember(candidate: dict, result: dict, limits: IOLimits = DEFAULT_IO_LIMITS) -> dict:
    nodes = result["nodes"]
    kind, choices = _proved_kinds(candidate, result)
    paths = candidate["paths"]
    if kind == "scene":
        names = ", ".join(node["name"] for node in nodes[:5])
        more = ", ..." if len(nodes) > 5 else ""
        detail = f"{len(nodes)} data node{'s' if len(nodes) != 1 else ''}: {names}{more}"
    else:
        detail = candidate.get("detail") or (nodes[0]["detail"] if nodes else "")
        if nodes and kind == "dicom":
            detail = f"{detail}; {nodes[0]['detail']}"
    loadable = {
        "id": _fingerprint(kind, paths), "kind": kind, "name": candidate["name"], "detail": detail,
        "paths": [str(p) for p in paths], "kind_choices": choices,
    }
    forgotten = []
    with _inspected_lock:
        _inspected[loadable["id"]] = loadable
        _inspected.move_to_end(loadable["id"])
        while len(_inspected) > MAX_REMEMBERED_LOADABLES:
            old_id, _old = _inspected.popitem(last=False)
            forgotten.append(_handovers.pop(old_id, None))
    for handover in forgotten:
        if handover is not None:
            handover.release()
    _keep_handover(loadable["id"], result, limits)
    return {**loadable, "kind_choices": list(choices)}


def _known_loadable(given) -> dict:
    """The inspected loadable a client's dict stands for; its paths come from our record, and its kind
    too unless the client picked another of the record's ``kind_choices``."""
    loadable_id = given.get("id") if isinstance(given, dict) else None
    with _inspected_lock:
        known = _inspected.get(loadable_id) if isinstance(loadable_id, str) else None
    if known is None or known["kind"] not in KINDS:
        raise DataError("this data was not inspected first (or was forgotten); open it again")
    paths = [Path(p) for p in known["paths"]]
    try:
        changed = _fingerprint(known["kind"], paths) != known["id"]
    except OSError:
        changed = True
    if changed:
        raise DataError(f"{known['name']}: the file changed or went away since it was inspected; open it again")
    kind = given.get("kind", known["kind"])
    if kind not in known["kind_choices"]:
        raise DataError(f"{known['name']}: cannot be loaded as {_shown(repr(kind))[:40]} "
                        f"(only as {' or '.join(known['kind_choices'])})")
    return {**known, "kind": kind}


def _load_known(engine: SlicerEngine, known: dict) -> list:
    """A known loadable's nodes: from the voxels the sandboxed reader handed over when it is loaded as
    the kind it was inspected as, else read from its files."""
    paths = [Path(p) for p in known["paths"]]
    handover = _take_handover(known["id"])
    try:
        if known["kind"] != "dicom":
            check_file(paths[0], paths[0].parent)
        if handover is not None and known["kind"] in ("volume", "dicom"):
            file_path = paths[0] if known["kind"] == "volume" else None
            node = add_handed_over_volume(engine, handover, known["name"], file_path)
            if known["kind"] == "dicom":
                remember_dicom_files(node, paths)
            return [node]
        return load_item(engine, known["kind"], paths, known["name"])
    finally:
        if handover is not None:
            handover.release()


def _name_apart(name: str, taken: set[str]) -> str:
    """``name_1``, ``name_2``, ...: the first the scene's data does not have yet."""
    number = 1
    while f"{name}_{number}" in taken:
        number += 1
    return f"{name}_{number}"


def load_loadables(
    engine: SlicerEngine, loadables: list[dict], progress: ProgressCallback | None = None
) -> list[dict]:
    """Add inspected loadables to the scene; show the last volume opened from a data file (a scene
    brings back what its views showed). Returns [{"node_id", "name", "kind"[, "warning"]}]: a warning says
    what the reader had to guess (a DICOM image without pixel spacing shown at 1 mm, ...).
    A loadable is named by its "id"; its "kind" may be changed to another of its "kind_choices".
    What loads stays loaded when another fails; the DataError then lists the failures."""
    if not isinstance(loadables, list):
        raise DataError("expected a list of loadables")
    loaded: list[dict] = []
    problems: list[str] = []
    last_volume = None
    shown_bounds = None
    # A model or segmentation opened beside what the views already show keeps the 3D camera where the
    # user left it; into an empty scene, the camera is fitted to it.
    something_shown = any(view.logic.GetSliceCompositeNode().GetBackgroundVolumeID()
                          for view in engine.slice_views.values())
    scene_opened = False
    # As Slicer does: a node loaded from a data file under a name the scene's data already has gets its
    # own ("ch2_1"), so that the panels' lists and the Save dialog tell them apart; a scene's nodes keep
    # the names they were saved with.
    taken = {node.GetName() for node in data_nodes(engine)}
    for number, given in enumerate(loadables):
        try:
            known = _known_loadable(given)
            if progress is not None:
                progress(number / len(loadables), f"Loading {known['name']}")
            nodes = _load_known(engine, known)
        except (ValueError, OSError) as error:
            problems.append(_shown(error))
            continue
        for node in nodes:
            kind = node_kind(node)
            if node.GetName() in taken and known["kind"] != "scene":
                node.SetName(_name_apart(node.GetName(), taken))
            taken.add(node.GetName())
            loaded.append({"node_id": node.GetID(), "name": node.GetName(), "kind": kind})
            if node.GetAttribute(LOAD_WARNING_ATTRIBUTE):  # what the reader guessed, for the user to see
                loaded[-1]["warning"] = _shown(node.GetAttribute(LOAD_WARNING_ATTRIBUTE))
            if known["kind"] == "scene":
                # Its slice, composite, camera and view nodes were read with it: showing one of its
                # volumes here would undo what the user saved.
                scene_opened = True
                continue
            if kind == "volume":
                last_volume = node
            elif kind in ("model", "segmentation") and not something_shown:
                shown_bounds = [0.0] * 6
                node.GetRASBounds(shown_bounds)
    if scene_opened:
        engine.threed_view.fit_box_to_content()
    if last_volume is not None:
        show_volume(engine, last_volume)
    elif shown_bounds is not None and shown_bounds[0] <= shown_bounds[1]:
        engine.threed_view.reset_view(shown_bounds)
    if progress is not None:
        progress(1.0, "Loaded")
    if problems:
        raise DataError(problems, loaded)
    return loaded


def open_paths(engine: SlicerEngine, paths: list[Path], progress: ProgressCallback | None = None) -> list[dict]:
    """Inspect and load everything the paths hold (the CLI's ``--data``)."""
    return load_loadables(engine, inspect_paths([Path(p) for p in paths]), progress)


def savable_nodes(engine: SlicerEngine) -> list[dict]:
    """Data nodes that can be written to a file, with the suffixes each can be written as."""
    nodes = []
    for node in data_nodes(engine):
        formats = save_suffixes(node)
        if formats:
            nodes.append({"node_id": node.GetID(), "name": node.GetName(), "kind": node_kind(node),
                          "formats": list(formats)})
    return nodes


def _free_path(out_dir: Path, name: str, suffix: str) -> Path:
    stem = safe_file_stem(name)
    path = out_dir / f"{stem}{suffix}"
    number = 1
    while path.exists():
        path = out_dir / f"{stem}_{number}{suffix}"
        number += 1
    return path


def save_node(engine: SlicerEngine, node_id: str, suffix: str, out_dir: Path) -> Path:
    """Write one node into ``out_dir`` as ``suffix``; the file name comes from the node's name
    (made safe, never overwriting). Returns the path written."""
    node = engine.scene.GetNodeByID(node_id) if isinstance(node_id, str) else None
    if node is None or node not in data_nodes(engine):
        raise DataError(f"no data node {_shown(repr(node_id))[:80]} in the scene")
    formats = save_suffixes(node)
    if suffix not in formats:
        raise DataError(f"{node.GetName()}: cannot be saved as {suffix!r} (choose one of {', '.join(formats)})")
    if not isinstance(out_dir, (str, Path)) or not Path(out_dir).is_dir():
        raise DataError(f"{_shown(out_dir)}: no such folder")
    path = _free_path(Path(out_dir), node.GetName(), suffix)
    try:
        return save_data_node(engine, node, path)
    except ValueError as error:
        raise DataError(str(error)) from None


def save_scene(engine: SlicerEngine, out_path: Path) -> Path:
    """Write the whole scene with its data as a Slicer bundle (``.mrb``)."""
    if not isinstance(out_path, (str, Path)):
        raise DataError("expected a path to save the scene to")
    out_path = Path(out_path)
    if out_path.exists():
        raise DataError(f"{_shown(out_path)}: already exists; not overwritten")
    if out_path.suffix.lower() != ".mrb":
        raise DataError(f"{_shown(out_path)}: a scene is saved as .mrb")
    if not out_path.parent.is_dir():
        raise DataError(f"{_shown(out_path.parent)}: no such folder")
    try:
        with files_named_after_nodes(data_nodes(engine)):
            return save_mrb(engine, out_path)
    except ValueError as error:
        raise DataError(str(error)) from None


def close_scene(engine: SlicerEngine) -> None:
    """Remove all data; views, slice planes, crosshair and selection stay and work."""
    close_engine_scene(engine)

