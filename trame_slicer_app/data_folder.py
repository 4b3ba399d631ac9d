"""A server-side data folder (``--data-dir``) that the browser may browse; no trame, no VTK.

The browser names entries by paths relative to the folder. Every request is
resolved (symbolic links followed) and checked with ``os.path.commonpath``
against the resolved folder, so neither ``..`` nor a link pointing out ever
reaches a file outside it.
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_LISTED_ENTRIES = 2000  # entries one listing returns; the rest are counted, not sent
MAX_RELATIVE_PATH_CHARS = 4096
FOLDER, FILE = "folder", "file"


class DataFolderError(ValueError):
    """A path was refused or could not be listed; the message says why."""


class DataFolder:
    """The folder given with ``--data-dir``, confined."""

    def __init__(self, root: str | Path) -> None:
        root_path = Path(root).expanduser()
        if not root_path.is_dir():
            raise DataFolderError(f"{root}: not a folder")
        self.root = root_path.resolve(strict=True)

    def _inside(self, path: Path) -> bool:
        return os.path.commonpath([str(self.root), str(path)]) == str(self.root)

    def resolve(self, relative: object) -> Path:
        """The real path of an entry given relative to the folder; refused if it is outside."""
        if not isinstance(relative, str):
            raise DataFolderError("a path must be text")
        if "\x00" in relative or len(relative) > MAX_RELATIVE_PATH_CHARS:
            raise DataFolderError("not a usable path")
        if relative.startswith(("/", "\\")) or os.path.isabs(relative):
            raise DataFolderError(f"{relative}: only paths inside the data folder are allowed")
        try:
            path = (self.root / relative).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a symlink loop
            raise DataFolderError(f"{relative or '.'}: no such file or folder in the data folder") from None
        if not self._inside(path):
            raise DataFolderError(f"{relative}: outside the data folder")
        return path

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path != self.root else ""

    def list(self, relative: object = "") -> dict:
        """One folder's entries, folders first: {"path", "parent", "entries": [{"name", "path", "kind",
        "size_bytes"}], "left_out": n}. Entries whose real path is outside the folder are left out."""
        folder = self.resolve(relative)
        if not folder.is_dir():
            raise DataFolderError(f"{relative}: not a folder")
        entries, left_out = [], 0
        try:
            with os.scandir(folder) as scan:
                children = sorted(scan, key=lambda e: e.name)
        except OSError as error:
            raise DataFolderError(f"{relative or '.'}: cannot be listed ({error.strerror})") from None
        for child in children:
            try:
                real = Path(child.path).resolve(strict=True)
            except (OSError, RuntimeError):
                continue  # dangling link
            if not self._inside(real):
                continue  # a link out of the folder: not shown, and resolve() refuses it anyway
            if len(entries) >= MAX_LISTED_ENTRIES:
                left_out += 1
                continue
            is_folder = real.is_dir()
            entries.append({
                "name": child.name,
                "path": self.relative(folder / child.name),
                "kind": FOLDER if is_folder else FILE,
                "size_bytes": 0 if is_folder else real.stat().st_size,
            })
        entries.sort(key=lambda e: (e["kind"] != FOLDER, e["name"].lower()))
        here = self.relative(folder)
        parent = None if folder == self.root else self.relative(folder.parent)
        return {"path": here, "parent": parent, "entries": entries, "left_out": left_out}
