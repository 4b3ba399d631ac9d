"""Data in and out: open (upload, drop, server data folder), save/download, close scene.

Uploads arrive through ``UploadProtocol`` (chunked wslink RPCs) into a
per-session ``UploadStore``; the browser then names the finished uploads by
id and the server inspects and loads them. Downloads are written into a
per-session ``DownloadFolder`` served as static files, and offered to the
browser through ``data_io_download`` (``web/ui/slicer-upload.js`` clicks a link).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

from trame_client.widgets.core import AbstractElement

from ... import scene_data
from ...data_folder import FILE, DataFolder, DataFolderError
from ...engine.display.scene_tree import rename_node
from ...engine.errors import EngineError
from ...layouts import layout_of_arrangement
from ..browser_components import enable_browser_components
from ..downloads import DownloadFolder, download_name
from ..file_sizes import size_text
from ..layout_screenshot import compose_layout, png_bytes
from ..upload_protocol import UploadProtocol
from ..upload_store import UploadError, UploadStore
from .data_io_ui import build_dialogs, build_toolbar_items
from .feature import Feature, FeatureHost, tab_trigger

log = logging.getLogger(__name__)

LAYOUT_SCREENSHOT = "layout"
SCREENSHOT_SUFFIX = ".png"
SCENE_SUFFIX = ".mrb"
STATE_FLUSH_PAUSE_S = 0.05  # lets the busy indicator reach the browser before a blocking load


class SlicerFileDrop(AbstractElement):
    def __init__(self, view: str, **kwargs) -> None:
        super().__init__("slicer-file-drop", view=view, **kwargs)
        self._attr_names += ["view"]


class SlicerUploadManager(AbstractElement):
    def __init__(self, download=None, disabled=None, **kwargs) -> None:
        super().__init__("slicer-upload-manager", download=download, disabled=disabled, **kwargs)
        self._attr_names += ["download", "disabled"]


def _empty_folder() -> dict:
    return {"path": "", "parent": None, "entries": [], "left_out": 0}


@dataclass(frozen=True)
class DataIOSharedState:
    data_io_has_data_dir: bool = False  # whether --data-dir named a server folder


@dataclass(frozen=True)
class DataIOTabState:
    """Progress, messages, dialogs and downloads: each tab's own (docs/decisions/0011)."""

    data_io_busy: bool = False
    data_io_progress: float | None = None
    data_io_progress_text: str = ""
    data_io_error: str = ""
    data_io_error_show: bool = False
    data_io_notice: str = ""
    data_io_notice_show: bool = False
    data_io_warning: str = ""
    data_io_warning_show: bool = False
    data_io_choices: list = field(default_factory=list)
    data_io_chosen: list = field(default_factory=list)
    data_io_kinds: dict = field(default_factory=dict)
    data_io_choose_dialog: bool = False
    data_io_folder_dialog: bool = False
    data_io_folder: dict = field(default_factory=_empty_folder)
    data_io_folder_selected: list = field(default_factory=list)
    data_io_savable: list = field(default_factory=list)
    data_io_save_node_id: str | None = None
    data_io_save_format: str | None = None
    data_io_save_dialog: bool = False
    data_io_close_dialog: bool = False
    data_io_download: dict | None = None


class DataIO(Feature):
    name = "data_io"
    title = "Data"
    icon = "mdi-folder-open-outline"
    shared_state = DataIOSharedState
    tab_state = DataIOTabState  # messages, dialogs and downloads go to the tab that asked

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.uploads = UploadStore()
        self.downloads = DownloadFolder()
        # Both folders are removed when the process ends, however it ends (temp_folders.py), or by close().
        self.data_folder = DataFolder(self.config.data_dir) if self.config.data_dir is not None else None
        self._pending: dict = {}  # tab -> the loadables waiting for its user's choice
        self.tabs.close_listeners.append(lambda client: self._pending.pop(client, None))
        self._names: dict[str, str] = {}  # file path -> the user's name, for messages
        self._download_count = 0
        enable_browser_components(self.server)  # drop and upload: web/ui/slicer-upload.js
        self.server.enable_module({"serve": self.downloads.serve})
        self.server.add_protocol_to_configure(
            lambda root: root.registerLinkProtocol(UploadProtocol(self.uploads)))
        self.state.data_io_has_data_dir = self.data_folder is not None

    def close(self) -> None:
        self.uploads.close()
        self.downloads.close()

    # -- messages ------------------------------------------------------------
    def _fail(self, message: str) -> None:
        log.info("data: a request was refused")  # the message names the user's files: DEBUG only
        log.debug("data: %s", message)
        # Then stems: a message may name a generated upload's sibling ("its data file upload-....img").
        message = _with_display_names(_with_display_names(message, self._names), self._stems())
        self.tabs.update(data_io_busy=False, data_io_progress=None, data_io_error=message, data_io_error_show=True)

    def _busy(self, text: str, progress: float | None = None) -> None:
        self.tabs.update(data_io_busy=True, data_io_progress=progress, data_io_progress_text=text)

    def _done(self, notice: str = "") -> None:
        self.tabs.update(data_io_busy=False, data_io_progress=None, data_io_progress_text="",
                         data_io_notice=notice, data_io_notice_show=bool(notice))

    @tab_trigger("data_io_upload_error")
    def on_upload_error(self, message=None, *_args) -> None:
        self._fail(f"Upload failed: {str(message)[:500]}")

    # -- opening ------------------------------------------------------------
    @tab_trigger("data_io_uploaded")
    async def on_uploaded(self, upload_ids=None, *_args) -> None:
        try:
            files = self.uploads.uploaded(upload_ids)
        except UploadError as error:
            self._fail(str(error))
            return
        names = {str(f.path): f.display_name for f in files}
        await self._inspect_and_offer([f.path for f in files], self.uploads.folder, names)

    async def _inspect_and_offer(self, paths: list[Path], root: Path, names: dict[str, str]) -> None:
        shown = ", ".join(list(names.values())[:3]) + (" ..." if len(names) > 3 else "")
        self._names = names
        self._busy(f"Reading {shown}")
        try:
            loadables = await asyncio.get_running_loop().run_in_executor(
                None, lambda: scene_data.inspect_paths(paths, allowed_root=root, user_names=names))
        except scene_data.DataError as error:
            self._fail(str(error))
            # What could be read is still offered beside the message.
            loadables = list(getattr(error, "loadables", None) or [])
            if not loadables:
                return
        except Exception as error:  # a reader crashed: the session must go on
            log.exception("inspecting %s", paths)
            self._fail(f"Could not read {shown}: {error}")
            return
        for loadable in loadables:  # shown with the user's file names, not the generated ones
            loadable["name"] = _with_display_names(loadable["name"], self._stems())
            loadable["detail"] = _with_display_names(loadable.get("detail", ""), self._stems())
        if not loadables:
            self._fail(f"Nothing in {shown} could be opened")
        elif len(loadables) == 1:
            await self._load(loadables)
        else:
            self._pending[self.tabs.caller] = loadables
            self.tabs.update(
                data_io_busy=False,
                data_io_choices=[{k: item[k] for k in ("id", "kind", "name", "detail", "kind_choices") if k in item}
                                 for item in loadables],
                data_io_chosen=[item["id"] for item in loadables],
                data_io_kinds={item["id"]: item["kind"] for item in loadables},
                data_io_choose_dialog=True,
            )

    @tab_trigger("data_io_load_chosen")
    async def load_chosen(self, chosen=None, kinds=None, *_args) -> None:
        chosen = {c for c in chosen if isinstance(c, str)} if isinstance(chosen, list) else set()
        kinds = kinds if isinstance(kinds, dict) else {}
        # The kind the user picked travels with the id; scene_data refuses one the file was not offered as.
        loadables = [{**item, "kind": kinds.get(item["id"], item["kind"])}
                     for item in self._pending.pop(self.tabs.caller, []) if item["id"] in chosen]
        self.tabs.update(data_io_choose_dialog=False)
        if loadables:
            await self._load(loadables)

    async def _load(self, loadables: list[dict]) -> None:
        self._busy(f"Loading {len(loadables)} item(s)", 0)
        await asyncio.sleep(STATE_FLUSH_PAUSE_S)

        def progress(fraction: float, text: str) -> None:
            self.tabs.update(data_io_progress=round(100 * max(0.0, min(1.0, float(fraction)))),
                             data_io_progress_text=str(text))

        try:
            # Rendering needs the event-loop thread, so loading runs here, not in a worker.
            loaded = scene_data.load_loadables(self.session.engine, loadables, progress)
        except scene_data.DataError as error:
            self._name_as_the_user_does(getattr(error, "loaded", []))
            self._fail(str(error))
            return
        except Exception as error:
            log.exception("loading %s", [item.get("name") for item in loadables])
            self._fail(f"Could not load: {error}")
            return
        self._name_as_the_user_does(loaded)
        self._show_stored_layout()
        self._done(f"Loaded {', '.join(node['name'] for node in loaded)}")
        warnings = [f"{node['name']}: {node['warning']}" for node in loaded if node.get("warning")]
        if warnings:  # what the reader had to guess stays on screen until the user closes it
            self.tabs.update(data_io_warning="\n".join(warnings), data_io_warning_show=True)

    def _show_stored_layout(self) -> None:
        """A scene that holds its layout is shown in it (one without leaves the layout as it is)."""
        layout_name = layout_of_arrangement(self.session.stored_layout())
        if layout_name is not None and layout_name != self.state.layout_name:
            self.state.layout_name = layout_name

    def _stems(self) -> dict[str, str]:
        """Generated upload names without extension -> the user's, for node names."""
        return {_stem(Path(path).name): _stem(name) for path, name in self._names.items()}

    def _name_as_the_user_does(self, loaded: list[dict]) -> None:
        stems = self._stems()
        for node in loaded:
            name = _with_display_names(node["name"], stems)
            if name == node["name"]:
                continue
            try:
                rename_node(self.session.engine, node["node_id"], name)
            except EngineError as error:  # keep the generated name rather than fail the load
                log.debug("could not rename %s to %r: %s", node["node_id"], name, error)
                continue
            node["name"] = name

    # -- the server's data folder ----------------------------------------------
    @tab_trigger("data_io_folder_show")
    def show_data_folder(self, *_args) -> None:
        if self.data_folder is None:
            self._fail("This server has no data folder (start it with --data-dir)")
            return
        # Back where this tab was, or at the top when that folder went away.
        if not self.open_folder(self.tabs.get("data_io_folder")["path"], quiet=True):
            self.open_folder("")
        self.tabs.update(data_io_folder_dialog=True)

    @tab_trigger("data_io_folder_open")
    def open_folder(self, relative="", *_args, quiet: bool = False) -> bool:
        if self.data_folder is None:
            return False
        try:
            listing = self.data_folder.list(relative)
        except DataFolderError as error:
            if not quiet:
                self._fail(str(error))
            return False
        listing["entries"] = [{**entry, "size": size_text(entry["size_bytes"]) if entry["kind"] == FILE else ""}
                              for entry in listing["entries"]]
        self.tabs.update(data_io_folder=listing, data_io_folder_selected=[])
        return True

    @tab_trigger("data_io_folder_load")
    async def load_from_data_folder(self, selected=None, *_args) -> None:
        if self.data_folder is None or not isinstance(selected, list) or not selected:
            return
        try:
            paths = [self.data_folder.resolve(relative) for relative in selected[: self.uploads.max_files]]
        except DataFolderError as error:
            self._fail(str(error))
            return
        self.tabs.update(data_io_folder_dialog=False)
        await self._inspect_and_offer(paths, self.data_folder.root, {str(p): p.name for p in paths})

    # -- saving ---------------------------------------------------------------
    def offer_download(self, path: Path, name: str) -> None:
        """Let the calling tab download a file another feature wrote into ``downloads.new_folder()``."""
        self._offer(path, name)

    def _offer(self, path: Path, name: str) -> None:
        self._download_count += 1
        self.tabs.update(data_io_download={"url": self.downloads.url_of(path), "name": name,
                                           "nonce": self._download_count})

    @tab_trigger("data_io_save_scene")
    def save_scene(self, *_args) -> None:
        self._busy("Saving the scene")
        try:
            path = scene_data.save_scene(self.session.engine, self.downloads.new_folder() / f"scene{SCENE_SUFFIX}")
        except Exception as error:
            log.exception("saving the scene")
            self._fail(f"Could not save the scene: {error}")
            return
        self._done()
        self._offer(path, f"Slicer scene{SCENE_SUFFIX}")

    @tab_trigger("data_io_save_dialog_show")
    def show_save_dialog(self, *_args) -> None:
        nodes = scene_data.savable_nodes(self.session.engine)
        first = nodes[0] if nodes else None
        self.tabs.update(data_io_savable=nodes, data_io_save_node_id=first["node_id"] if first else None,
                         data_io_save_format=first["formats"][0] if first and first["formats"] else None,
                         data_io_save_dialog=True)

    @tab_trigger("data_io_save_node")
    def save_node(self, node_id=None, suffix=None, *_args) -> None:
        # Looked up in the scene as it is now: another tab may have changed it since the dialog opened.
        node = next((n for n in scene_data.savable_nodes(self.session.engine) if n["node_id"] == node_id), None)
        if node is None or suffix not in node["formats"]:
            self._fail("Pick a data node and one of its formats")
            return
        self.tabs.update(data_io_save_dialog=False)
        self._busy(f"Saving {node['name']}")
        try:
            path = scene_data.save_node(self.session.engine, node_id, suffix, self.downloads.new_folder())
        except Exception as error:
            log.exception("saving %s", node_id)
            self._fail(f"Could not save {node['name']}: {error}")
            return
        self._done()
        self._offer(path, download_name(node["name"], suffix))

    @tab_trigger("data_io_screenshot")
    def screenshot(self, which=LAYOUT_SCREENSHOT, *_args) -> None:
        visible = list(self.state.visible_views or ())
        if which != LAYOUT_SCREENSHOT and which not in visible:
            self._fail(f"No visible view named {str(which)[:40]!r}")
            return
        try:
            if which == LAYOUT_SCREENSHOT:
                rows = self.host.layout_rows()  # a live desktop's own layout included
                picture = compose_layout(rows, {name: self._capture(name) for name in visible})
            else:
                picture = self._capture(which)
            path = self.downloads.new_folder() / f"screenshot{SCREENSHOT_SUFFIX}"
            path.write_bytes(png_bytes(picture))
        except Exception as error:
            log.exception("screenshot of %s", which)
            self._fail(f"Could not take the screenshot: {error}")
            return
        titles = {look.name: look.title for look in self.session.view_looks()}  # a live desktop's extra views too
        self._offer(path, f"Slicer {titles.get(which, which)}{SCREENSHOT_SUFFIX}")

    def _capture(self, view_name: str):
        view = self.session.view(view_name)
        was_dirty = view.dirty
        pixels = view.capture()
        if was_dirty:  # capturing rendered it: make sure the browser still gets that frame
            view.request_render()
        return pixels

    # -- closing --------------------------------------------------------------
    @tab_trigger("data_io_close_scene")
    def close_scene(self, *_args) -> None:
        self.tabs.update(data_io_close_dialog=False)
        try:
            scene_data.close_scene(self.session.engine)
        except Exception as error:
            log.exception("closing the scene")
            self._fail(f"Could not close the scene: {error}")
            return
        self.uploads.release_all()
        self._done("Scene closed")

    # -- UI -----------------------------------------------------------------
    def build_toolbar(self) -> None:
        build_toolbar_items(SlicerUploadManager)
        build_dialogs()

    def build_view_overlay(self, view_name: str) -> None:
        SlicerFileDrop(view=view_name)


def _with_display_names(message: str, names: dict[str, str]) -> str:
    """Messages name files as the user knows them, not by their generated upload names."""
    for path, display_name in names.items():
        message = message.replace(path, display_name).replace(Path(path).name, display_name)
    return message


def _stem(display_name: str) -> str:
    for suffix in (".seg.nii.gz", ".nii.gz", ".seg.nrrd"):
        if display_name.lower().endswith(suffix):
            return display_name[: -len(suffix)]
    return Path(display_name).stem or display_name


FEATURE = DataIO
