"""Unpacking a .zip someone else made, without trusting anything it says about itself.

Before a byte is inflated: the archive's size, its number of members, the sum of the sizes
they declare and each member's compression ratio are checked against IOLimits. While
inflating, the bytes really produced are counted, so a member that lies about its size is
stopped at the size it declared. Members are written under names made here from a
sanitised base name (never the member's path), flat in the target folder, created
exclusively: no "../", absolute path or link in an archive can write outside it.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import EngineError
from .untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits

CHUNK_BYTES = 1024 * 1024
END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
ZIP64_END_LOCATOR = b"PK\x06\x07"
ZIP64_END_OF_CENTRAL_DIRECTORY = b"PK\x06\x06"
ZIP64_LOCATOR_BYTES = 20
END_RECORD_SEARCH_BYTES = 22 + 65535  # the record plus the longest archive comment
# Below this, a high ratio is harmless (a small file of zeros compresses a thousandfold).
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_NAME_CHARACTERS = 100
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")


class ArchiveError(EngineError):
    """An archive could not be unpacked safely; the message says why."""


def extract_zip(zip_path: Path, into_dir: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> list[Path]:
    """Unpack the files of a .zip into ``into_dir`` (flat); return the paths written, in archive order.

    Folders and links in the archive are skipped. On any error, the files written so far are removed.
    """
    zip_path, into_dir = Path(zip_path), Path(into_dir)
    try:
        size = zip_path.stat().st_size
    except OSError as error:
        raise ArchiveError(f"{zip_path.name}: cannot be read ({error.strerror})") from error
    if size > limits.max_file_bytes:
        raise ArchiveError(f"{zip_path.name}: {size} bytes, more than the {limits.max_file_bytes} bytes allowed")
    declared_entries = _declared_entry_count(zip_path)
    if declared_entries is not None and declared_entries > limits.max_archive_entries:
        raise ArchiveError(
            f"{zip_path.name}: {declared_entries} members, more than the {limits.max_archive_entries} allowed"
        )
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ArchiveError(f"{zip_path.name}: not a readable zip archive ({error})") from error
    with archive:
        members = _checked_members(zip_path.name, archive, limits)
        into_dir.mkdir(parents=True, exist_ok=True)
        into_dir = into_dir.resolve()
        written: list[Path] = []
        try:
            used_names = {path.name for path in into_dir.iterdir()}
            for member in members:
                target = into_dir / _unique_name(member.filename, used_names)
                _inflate(archive, member, target, zip_path.name, written)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    return written


def _declared_entry_count(zip_path: Path) -> int | None:
    """The member count the end-of-central-directory record declares, read before zipfile builds
    its list of every member (memory an archive of millions of tiny members would otherwise take)."""
    try:
        with open(zip_path, "rb") as stream:
            size = stream.seek(0, 2)
            tail_start = max(0, size - END_RECORD_SEARCH_BYTES)
            stream.seek(tail_start)
            tail = stream.read()
            at = tail.rfind(END_OF_CENTRAL_DIRECTORY)
            if at < 0 or at + 12 > len(tail):
                return None  # not a zip: zipfile says so with its own words
            count = struct.unpack_from("<H", tail, at + 10)[0]
            locator = at - ZIP64_LOCATOR_BYTES
            if count != 0xFFFF or locator < 0 or tail[locator:locator + 4] != ZIP64_END_LOCATOR:
                return count
            stream.seek(struct.unpack_from("<Q", tail, locator + 8)[0])
            record = stream.read(40)
            return struct.unpack_from("<Q", record, 32)[0] if record[:4] == ZIP64_END_OF_CENTRAL_DIRECTORY else count
    except (OSError, struct.error):
        return None


def _checked_members(archive_name: str, archive: zipfile.ZipFile, limits: IOLimits) -> list[zipfile.ZipInfo]:
    """The file members, after every check that the central directory allows."""
    entries = archive.infolist()
    if len(entries) > limits.max_archive_entries:
        raise ArchiveError(
            f"{archive_name}: {len(entries)} members, more than the {limits.max_archive_entries} allowed"
        )
    members = []
    declared_bytes = 0
    for entry in entries:
        _check_member_name(archive_name, entry.filename)
        if entry.is_dir() or _is_link(entry):
            continue
        if entry.flag_bits & 0x1:
            raise ArchiveError(f"{archive_name}: {entry.filename!r} is encrypted")
        declared_bytes += entry.file_size
        if declared_bytes > limits.max_archive_expanded_bytes:
            raise ArchiveError(
                f"{archive_name}: members expand to more than the {limits.max_archive_expanded_bytes} bytes allowed"
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size >= RATIO_CHECK_FROM_BYTES and ratio > limits.max_archive_ratio:
            raise ArchiveError(
                f"{archive_name}: {entry.filename!r} expands {ratio:.0f} times "
                f"(more than {limits.max_archive_ratio}): a zip bomb?"
            )
        members.append(entry)
    return members


def _check_member_name(archive_name: str, name: str) -> None:
    """Refuse archives whose member names try to leave the folder, even though they are never used as paths."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or _DRIVE_LETTER.match(name) or ".." in parts or "\x00" in name:
        raise ArchiveError(f"{archive_name}: member {name!r} points outside the archive: refused")


def _is_link(entry: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(entry.external_attr >> 16)


def _unique_name(member_name: str, used: set[str]) -> str:
    """A safe base name for a member: its own base name cleaned, numbered when taken."""
    base = PurePosixPath(member_name.replace("\\", "/")).name
    base = _UNSAFE_NAME_CHARACTERS.sub("_", base).lstrip(".-") or "member"
    base = base[-MAX_NAME_CHARACTERS:]
    name, number = base, 1
    while name in used:
        name = f"{number}_{base}"
        number += 1
    used.add(name)
    return name


def _inflate(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, archive_name: str, written: list[Path]
) -> None:
    """Inflate one member, counting real bytes: stop when it gives more than it declared."""
    produced = 0
    try:
        with archive.open(member) as source, open(target, "xb") as out:
            written.append(target)  # only once created here, so a clean-up never removes another's file
            while chunk := source.read(CHUNK_BYTES):
                produced += len(chunk)
                if produced > member.file_size:
                    raise ArchiveError(
                        f"{archive_name}: {member.filename!r} inflates past the {member.file_size} bytes it declares"
                    )
                out.write(chunk)
    except ArchiveError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as error:
        raise ArchiveError(f"{archive_name}: {member.filename!r} could not be unpacked ({error})") from error
