"""Files the browser downloads (saved scenes, nodes, screenshots); no trame, no VTK.

They are written into one temporary folder per session, which the web server
serves as static files under a URL with an unguessable token; the browser then
fetches them with a plain link, so a large scene streams from disk.
"""

from __future__ import annotations

import re
import secrets
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import quote

from .. import temp_folders

MAX_KEPT_DOWNLOADS = 8  # older downloads are deleted when a new one is made
DOWNLOAD_FOLDER_PREFIX = "slicer-download-"
MAX_DOWNLOAD_NAME_CHARS = 80
# Letters and digits of every script are safe in a file name; markup, path separators, the
# characters Windows refuses (<>:"/\|?*) and control characters are not.
_UNSAFE_NAME_CHARS = re.compile(r"[^\w. -]+")


def download_name(title: str, suffix: str) -> str:
    """A file name for the user's disk built from a node name: its letters and digits (accented
    ones included: "é" stays "é"), ``._ -``; each run of anything else becomes one ``_``."""
    # Composed form: a decomposed "é" is "e" plus a combining accent, which is no letter.
    composed = unicodedata.normalize("NFC", title)
    stem = _UNSAFE_NAME_CHARS.sub("_", composed).strip(" ._")[:MAX_DOWNLOAD_NAME_CHARS] or "slicer"
    return stem + suffix


class DownloadFolder:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else temp_folders.make(DOWNLOAD_FOLDER_PREFIX)
        self.url_prefix = f"__slicer_download_{secrets.token_hex(16)}"
        self._count = 0

    @property
    def serve(self) -> dict[str, str]:
        """For trame's ``server.enable_module({"serve": ...})``."""
        return {self.url_prefix: str(self.folder)}

    def new_folder(self) -> Path:
        """A fresh, empty folder for one download (writers may name files as they like inside it)."""
        self._count += 1
        self._prune()
        folder = self.folder / f"{self._count:05d}-{secrets.token_hex(4)}"
        folder.mkdir()
        return folder

    def _prune(self) -> None:
        kept = sorted(p for p in self.folder.iterdir() if p.is_dir())
        for old in kept[: max(0, len(kept) - MAX_KEPT_DOWNLOADS + 1)]:
            shutil.rmtree(old, ignore_errors=True)

    def url_of(self, path: Path) -> str:
        relative = path.resolve().relative_to(self.folder.resolve())
        return f"{self.url_prefix}/{quote(relative.as_posix())}"

    def close(self) -> None:
        temp_folders.remove(self.folder)
