"""Files uploaded from the browser, written to disk chunk by chunk; no trame, no VTK.

An upload never sits whole in memory: each chunk is written at its offset as
it arrives. The name the browser sends is only display text and the source
of an extension; on disk every file gets a generated name inside one folder
per session, so no client string ever becomes a path.

Every argument comes from the network and is checked here: a refused call
raises ``UploadError`` with a message and changes nothing.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from .. import temp_folders
from ..engine.io.untrusted.io_limits import DEFAULT_IO_LIMITS, MIB, IOLimits

MAX_UPLOAD_CHUNK_BYTES = 4 * MIB  # the browser sends 1 MiB; anything larger is refused
MAX_UPLOAD_FILES_PER_SESSION = 10_000  # files kept in one session's upload folder
MAX_UPLOAD_BYTES_PER_SESSION = 8192 * MIB  # bytes kept (or promised by open uploads) in one session
MAX_OPEN_UPLOADS = 16  # uploads begun and not yet finished (each holds a file descriptor)
MAX_DISPLAY_NAME_CHARS = 255
UPLOAD_FOLDER_PREFIX = "slicer-upload-"
# Extensions that are more than their last part; the longest match wins.
COMPOUND_SUFFIXES = (".seg.nii.gz", ".seg.nrrd", ".nii.gz", ".mrk.json")  # a bare ".json" is no file we read
_SUFFIX_PART = re.compile(r"\.[a-z0-9]{1,8}")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


class UploadError(ValueError):
    """An upload call was refused; the message says why."""


@dataclass(frozen=True)
class UploadedFile:
    upload_id: str
    path: Path  # generated, inside the session's upload folder
    display_name: str  # what the user called it (sanitised), never used as a path
    size_bytes: int

    def as_dict(self) -> dict:
        return {"upload_id": self.upload_id, "name": self.display_name, "size_bytes": self.size_bytes}


@dataclass
class _OpenUpload:
    upload_id: str
    path: Path
    display_name: str
    declared_bytes: int
    received_bytes: int
    fd: int
    owner: object = None  # the tab (wslink connection) that began it: its end cancels the upload


def display_name_of(client_name: object) -> str:
    """The last path component of what the browser sent, without control characters."""
    if not isinstance(client_name, str) or not client_name.strip():
        raise UploadError("an upload needs a file name")
    name = re.split(r"[\\/]", client_name)[-1]
    name = _CONTROL_CHARS.sub("", name).strip()[:MAX_DISPLAY_NAME_CHARS]
    if name in ("", ".", ".."):
        raise UploadError(f"not a usable file name: {client_name[:80]!r}")
    return name


def safe_suffix(display_name: str) -> str:
    """The extension readers dispatch on (".nrrd", ".nii.gz"), lower case, letters and
    digits only; "" when the name has none we can trust (DICOM files often have none)."""
    lowered = display_name.lower()
    for compound in COMPOUND_SUFFIXES:
        if lowered.endswith(compound) and len(lowered) > len(compound):
            return compound
    stem, dot, last = lowered.rpartition(".")
    if not dot or not stem:
        return ""
    suffix = "." + last
    return suffix if _SUFFIX_PART.fullmatch(suffix) else ""


def _check_int(value: object, what: str) -> int:
    # bool is an int in Python; a JSON true is not a size.
    if isinstance(value, bool) or not isinstance(value, int):
        raise UploadError(f"{what} must be an integer, not {type(value).__name__}")
    return value


class UploadStore:
    """One session's uploads: a private temporary folder and the files in it."""

    def __init__(
        self,
        folder: Path | None = None,
        limits: IOLimits = DEFAULT_IO_LIMITS,
        max_files: int = MAX_UPLOAD_FILES_PER_SESSION,
        max_total_bytes: int = MAX_UPLOAD_BYTES_PER_SESSION,
    ) -> None:
        self.folder = Path(folder) if folder is not None else temp_folders.make(UPLOAD_FOLDER_PREFIX)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.limits = limits
        self.max_files = max_files
        self.max_total_bytes = max_total_bytes
        self._open: dict[str, _OpenUpload] = {}
        self._done: dict[str, UploadedFile] = {}
        self._counter = 0

    # -- accounting ---------------------------------------------------------
    @property
    def kept_bytes(self) -> int:
        """Bytes on disk plus bytes promised by uploads still open."""
        return sum(f.size_bytes for f in self._done.values()) + sum(u.declared_bytes for u in self._open.values())

    @property
    def kept_files(self) -> int:
        return len(self._done) + len(self._open)

    # -- the calls the browser makes -------------------------------------------
    def begin(self, client_name: object, declared_bytes: object, owner: object = None) -> str:
        """Start an upload for ``owner`` (a tab); returns its id. Nothing is written yet."""
        display_name = display_name_of(client_name)
        size = _check_int(declared_bytes, "the file size")
        if size < 0:
            raise UploadError(f"{display_name}: negative file size")
        if size > self.limits.max_file_bytes:
            raise UploadError(
                f"{display_name}: {size / MIB:.0f} MiB is larger than the "
                f"{self.limits.max_file_bytes / MIB:.0f} MiB allowed for one file"
            )
        if len(self._open) >= MAX_OPEN_UPLOADS:
            raise UploadError(f"more than {MAX_OPEN_UPLOADS} uploads at once")
        if self.kept_files >= self.max_files:
            raise UploadError(f"{display_name}: this session already holds {self.max_files} uploaded files")
        if self.kept_bytes + size > self.max_total_bytes:
            raise UploadError(
                f"{display_name}: uploads in this session would pass {self.max_total_bytes / MIB:.0f} MiB; "
                "close the scene to make room"
            )
        self._counter += 1
        upload_id = secrets.token_hex(12)
        path = self.folder / f"upload-{self._counter:05d}-{upload_id[:8]}{safe_suffix(display_name)}"
        # O_EXCL: never reuse or follow anything already there.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        self._open[upload_id] = _OpenUpload(upload_id, path, display_name, size, 0, fd, owner)
        return upload_id

    def _open_upload(self, upload_id: object) -> _OpenUpload:
        upload = self._open.get(upload_id) if isinstance(upload_id, str) else None
        if upload is None:
            raise UploadError("no such upload in progress")
        return upload

    def write_chunk(self, upload_id: object, offset: object, data: object) -> int:
        """Write one chunk; chunks come in order. Returns the bytes received so far."""
        upload = self._open_upload(upload_id)
        offset = _check_int(offset, "the chunk offset")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise UploadError(f"a chunk must be binary data, not {type(data).__name__}")
        size = len(data)
        if size == 0 or size > MAX_UPLOAD_CHUNK_BYTES:
            raise UploadError(f"a chunk must hold 1 byte to {MAX_UPLOAD_CHUNK_BYTES // MIB} MiB, not {size}")
        if offset != upload.received_bytes:
            raise UploadError(f"{upload.display_name}: chunk at byte {offset}, expected {upload.received_bytes}")
        if offset + size > upload.declared_bytes:
            raise UploadError(
                f"{upload.display_name}: more bytes than the declared {upload.declared_bytes}"
            )
        written = os.pwrite(upload.fd, data, offset)
        while written < size:  # short writes are legal; finish the chunk
            written += os.pwrite(upload.fd, memoryview(data)[written:], offset + written)
        upload.received_bytes += size
        return upload.received_bytes

    def finish(self, upload_id: object) -> UploadedFile:
        """Close a complete upload; it is then a file the scene may open."""
        upload = self._open_upload(upload_id)
        if upload.received_bytes != upload.declared_bytes:
            raise UploadError(
                f"{upload.display_name}: received {upload.received_bytes} of {upload.declared_bytes} bytes"
            )
        os.close(upload.fd)
        del self._open[upload.upload_id]
        actual = upload.path.stat().st_size
        if actual != upload.declared_bytes or actual > self.limits.max_file_bytes:
            upload.path.unlink(missing_ok=True)
            raise UploadError(f"{upload.display_name}: {actual} bytes on disk, {upload.declared_bytes} declared")
        done = UploadedFile(upload.upload_id, upload.path, upload.display_name, actual)
        self._done[upload.upload_id] = done
        return done

    def cancel(self, upload_id: object) -> None:
        """Drop an unfinished upload and its partial file."""
        upload = self._open_upload(upload_id)
        os.close(upload.fd)
        upload.path.unlink(missing_ok=True)
        del self._open[upload.upload_id]

    def cancel_owned_by(self, owner: object) -> int:
        """The tab ``owner`` closed (a reload, a closed tab, a lost connection): its unfinished uploads
        can never finish, and would hold their file, a descriptor and their room in the session's
        limits for good. Returns how many were cancelled."""
        owned = [u.upload_id for u in self._open.values() if owner is not None and u.owner == owner]
        for upload_id in owned:
            self.cancel(upload_id)
        return len(owned)

    # -- the server's side -------------------------------------------------
    def uploaded(self, upload_ids: object) -> list[UploadedFile]:
        """Finished uploads by id, in the order given; unknown ids are refused."""
        if not isinstance(upload_ids, list) or not upload_ids:
            raise UploadError("expected a list of upload ids")
        if len(upload_ids) > self.max_files:
            raise UploadError("too many upload ids")
        files = []
        for upload_id in upload_ids:
            done = self._done.get(upload_id) if isinstance(upload_id, str) else None
            if done is None:
                raise UploadError("no such finished upload")
            files.append(done)
        return files

    def release_all(self) -> None:
        """Delete every upload (when the scene is closed): makes room for new ones."""
        for upload_id in list(self._open):
            self.cancel(upload_id)
        for done in self._done.values():
            done.path.unlink(missing_ok=True)
        self._done.clear()

    def close(self) -> None:
        """Delete the folder and everything in it (session end)."""
        for upload in self._open.values():
            os.close(upload.fd)
        self._open.clear()
        self._done.clear()
        temp_folders.remove(self.folder)
