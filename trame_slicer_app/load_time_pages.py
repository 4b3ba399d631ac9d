"""Gives back the library pages that only loading read: keeps the server's resident memory to what it uses.

The dynamic linker reads each shared library's relocation and symbol tables while it loads it, and the
Python wrappers read their class tables once when imported. VTK, MRML and ITK are large C++ libraries with
many relocations, so those read-only pages come to about 100 MiB of the server's RSS, and nothing reads
them again: drawn back in by a render of every view afterwards, 3 MiB of them return. The kernel would
reclaim them only under memory pressure, and not while they are mapped by a second process (the spare
sandboxed reader maps the same libraries), so each process lets go of its own mappings of them
(``MADV_DONTNEED``): the pages stay in the page cache, reclaimable, and one read again is mapped again from
there, or read from its file.

That is safe only for a mapping that holds nothing but the file's own bytes: a private mapping's page the
process wrote (relocated read-only data) would be lost. So only mappings that are read-only, not
executable, private, of a shared library, and with no anonymous (written) page in ``smaps`` are given back;
being read-only, none can be written meanwhile. Code pages stay: every frame runs them. Measured figures:
docs/decisions/0027.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

MADV_DONTNEED = 4  # linux/mman.h
LIBRARY_PATH = re.compile(r"\.so(\.[0-9.]+)?$")  # libvtkCommonCore-9.4.so.1, vtkCommonCore.cpython-311-x86_64...so
LOAD_TIME_PERMISSIONS = "r--p"  # read-only, not executable, private: tables, constants, relocated read-only data

# When to give pages back again: once the file pages have grown this much since the last time (a reader,
# a new module or effect loaded), and no view input came for a while (the pages a drag reads stay put).
REGROWTH_MIB = 8.0
QUIET_S = 5.0


def resident_file_mib(status_path: str = "/proc/self/status") -> float | None:
    """The process's resident file-backed memory (``RssFile``), MiB; None where /proc does not say."""
    try:
        for line in Path(status_path).read_text().splitlines():
            if line.startswith("RssFile:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class LoadTimeMapping(NamedTuple):
    start: int
    end: int
    resident_kib: int


def load_time_mappings(smaps_text: str) -> list[LoadTimeMapping]:
    """Each mapping of a shared library that is read-only, not executable, private and holds only its
    file's bytes: no anonymous (written) page, resident or swapped out."""
    found = []
    mapping: dict | None = None  # the library mapping being read: its range and the counts seen so far

    def close(finished: dict | None) -> None:
        if finished is not None and finished.get("Anonymous:") == 0 and finished.get("Swap:") == 0:
            found.append(LoadTimeMapping(*finished["range"], finished.get("Rss:", 0)))

    for line in smaps_text.splitlines():
        fields = line.split(maxsplit=5)
        if not fields:
            continue
        if not fields[0].endswith(":"):  # a mapping's first line: range, permissions, offset, device, inode, path
            close(mapping)
            mapping = None
            if len(fields) == 6 and fields[1] == LOAD_TIME_PERMISSIONS and LIBRARY_PATH.search(fields[5].strip()):
                start, end = (int(address, 16) for address in fields[0].split("-"))
                mapping = {"range": (start, end)}
        elif mapping is not None and fields[0] in ("Rss:", "Anonymous:", "Swap:"):
            mapping[fields[0]] = int(fields[1])
    close(mapping)
    return found


def load_time_resident_mib(smaps_path: str = "/proc/self/smaps") -> float:
    """How much of a process's memory is load-time library pages that could be given back, MiB."""
    return sum(m.resident_kib for m in load_time_mappings(Path(smaps_path).read_text())) / 1024


def _madvise():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        madvise = libc.madvise
    except (OSError, AttributeError, TypeError):
        return None
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    return madvise


def give_back_load_time_pages(smaps_path: str = "/proc/self/smaps") -> float | None:
    """Lets go of this process's load-time library pages; the MiB of resident file memory given back, or
    None where the system cannot say or do it (not Linux)."""
    madvise = _madvise()
    before = resident_file_mib()
    if madvise is None or before is None:
        return None
    try:
        mappings = load_time_mappings(Path(smaps_path).read_text())
    except OSError:
        return None
    for mapping in mappings:  # a mapping gone meanwhile (ENOMEM) is nothing to give back
        madvise(mapping.start, mapping.end - mapping.start, MADV_DONTNEED)
    after = resident_file_mib()
    return before - after if after is not None else None


@dataclass
class PageGiveBackPolicy:
    """Decides when the app gives load-time pages back: when the process has drawn enough of them in since
    the last time, and no view input came lately. Pure: told the time and the figures."""

    regrowth_mib: float = REGROWTH_MIB
    quiet_s: float = QUIET_S
    level_after_last_mib: float | None = None  # the resident file memory right after the last give-back
    last_input_at: float | None = None
    unsupported: bool = False  # the system answered that it cannot

    def on_input(self, now: float) -> None:
        self.last_input_at = now

    def due(self, now: float, resident_file: float | None) -> bool:
        if self.unsupported or resident_file is None:
            return False
        if self.last_input_at is not None and now - self.last_input_at < self.quiet_s:
            return False
        return self.level_after_last_mib is None or resident_file - self.level_after_last_mib >= self.regrowth_mib

    def given_back(self, result_mib: float | None, resident_file: float | None) -> None:
        if result_mib is None:
            self.unsupported = True
        self.level_after_last_mib = resident_file
