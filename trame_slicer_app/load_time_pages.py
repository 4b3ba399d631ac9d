"""Gives back the library pages that only loading read: keeps the server's resident memory to what it uses.

The dynamic linker reads each shared library's relocation and symbol tables while it loads it, and the
Python wrappers read their class tables once when imported. VTK, MRML and ITK are large C++ libraries with
many relocations, so those read-only pages come to about 100 MiB of the server's RSS, and nothing reads
most of them again (a render of every view afterwards draws a few MiB back). They are clean file pages:
the kernel reclaims them under memory pressure, but until then they count in the process's RSS; and
``MADV_PAGEOUT`` cannot reclaim them earlier while a second process maps them too (the spare sandboxed
reader maps the same libraries). So each process lets go of its own mappings of them
(``MADV_DONTNEED``): the pages stay in the page cache, reclaimable, and one read again is mapped again from
there, or read from its file. See docs/decisions/0027.

``MADV_DONTNEED`` drops a private mapping's pages whatever they hold, so what it is given must hold
nothing but the file's bytes:
- The ranges come from the loader's own list of loaded objects (``dl_iterate_phdr``), not from
  ``/proc/self/maps``: while the loader maps a new library, a read-only mapping spans what will become its
  code and data, and an unloaded library's addresses may be reused. The list is walked under the loader's
  lock, which also holds off loads and unloads until the pages are given back; the call keeps Python's lock
  too (``PyDLL``), so that a thread importing an extension module cannot wait for one lock while holding
  the other.
- Only segments the loader maps read-only (``PT_LOAD`` with flags ``PF_R`` alone, or ``PF_R | PF_X``: code,
  when asked) of libraries without text relocations: the loader never writes those, and nothing else can
  write a read-only mapping.
- Within them, a page the kernel reports as anonymous (``/proc/self/pagemap``: present and not a file
  page, or swapped out) was written after all (a debugger): it is left where it is.
Code goes only when asked (the app's first give-back: the code loading ran, the Python wrappers registering
every class, never runs again); later give-backs leave the code an interaction runs where it is.
"""

from __future__ import annotations

import ctypes
import os
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

MADV_DONTNEED = 4  # linux/mman.h
PT_LOAD, PT_DYNAMIC = 1, 2  # elf.h
PF_R, PF_X = 4, 1
DT_NULL, DT_TEXTREL, DT_FLAGS, DF_TEXTREL = 0, 22, 30, 4
# /proc/self/pagemap: one 64-bit entry a page (Documentation/admin-guide/mm/pagemap.rst).
PAGEMAP_PRESENT, PAGEMAP_SWAPPED, PAGEMAP_FILE = 1 << 63, 1 << 62, 1 << 61
LIBRARY_PATH = re.compile(r"\.so(\.[0-9.]+)?$")  # libvtkCommonCore-9.4.so.1, vtkCommonCore.cpython-311-x86_64...so

# When to give pages back again: once the file pages have grown this much since the last time (a reader,
# a new module or effect loaded), and no view input or render came for a while.
REGROWTH_MIB = 8.0
QUIET_S = 5.0


class _ProgramHeader(ctypes.Structure):  # Elf64_Phdr
    _fields_ = [("p_type", ctypes.c_uint32), ("p_flags", ctypes.c_uint32), ("p_offset", ctypes.c_uint64),
                ("p_vaddr", ctypes.c_uint64), ("p_paddr", ctypes.c_uint64), ("p_filesz", ctypes.c_uint64),
                ("p_memsz", ctypes.c_uint64), ("p_align", ctypes.c_uint64)]


class _DynamicEntry(ctypes.Structure):  # Elf64_Dyn
    _fields_ = [("d_tag", ctypes.c_int64), ("d_val", ctypes.c_uint64)]


class _LoadedObject(ctypes.Structure):  # struct dl_phdr_info, the fields every glibc has
    _fields_ = [("dlpi_addr", ctypes.c_uint64), ("dlpi_name", ctypes.c_char_p),
                ("dlpi_phdr", ctypes.POINTER(_ProgramHeader)), ("dlpi_phnum", ctypes.c_uint16)]


_VISIT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_LoadedObject), ctypes.c_size_t, ctypes.c_void_p)


def resident_file_mib(status_path: str = "/proc/self/status") -> float | None:
    """The process's resident file-backed memory (``RssFile``), MiB; None where /proc does not say."""
    try:
        for line in Path(status_path).read_text().splitlines():
            if line.startswith("RssFile:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _has_text_relocations(base: int, header: _ProgramHeader) -> bool:
    """Whether the loader writes into this object's read-only segments (a dynamic section's TEXTREL)."""
    entries = ctypes.cast(base + header.p_vaddr, ctypes.POINTER(_DynamicEntry))
    for index in range(header.p_memsz // ctypes.sizeof(_DynamicEntry)):
        entry = entries[index]
        if entry.d_tag == DT_NULL:
            return False
        if entry.d_tag == DT_TEXTREL or (entry.d_tag == DT_FLAGS and entry.d_val & DF_TEXTREL):
            return True
    return False


def read_only_segments(loaded: _LoadedObject, page_size: int, code: bool = False) -> list[tuple[int, int]]:
    """The whole pages of a loaded library's read-only segments: (start, end) addresses; none for an object
    that is not a library file or whose read-only segments the loader writes."""
    name = (loaded.dlpi_name or b"").decode(errors="replace")
    if not LIBRARY_PATH.search(name) or not os.path.isabs(name):
        return []  # the program itself, the vDSO
    headers = [loaded.dlpi_phdr[i] for i in range(loaded.dlpi_phnum)]
    if any(h.p_type == PT_DYNAMIC and _has_text_relocations(loaded.dlpi_addr, h) for h in headers):
        return []
    segments = []
    for header in headers:
        if header.p_type != PT_LOAD or header.p_flags not in ((PF_R, PF_R | PF_X) if code else (PF_R,)):
            continue
        start = loaded.dlpi_addr + header.p_vaddr
        end = start + header.p_filesz  # beyond the file's bytes (p_memsz) a segment is zero-filled memory
        start = -(-start // page_size) * page_size  # whole pages only: a shared page may belong to another
        end = end // page_size * page_size
        if end > start:
            segments.append((start, end))
    return segments


def _file_page_runs(pagemap_fd: int, start: int, end: int, page_size: int) -> list[tuple[int, int]]:
    """(start, end) runs of pages in [start, end) that hold no anonymous (written or swapped) page."""
    first, count = start // page_size, (end - start) // page_size
    entries = array("Q")
    entries.frombytes(os.pread(pagemap_fd, 8 * count, 8 * first))
    runs, run_start = [], None
    for index, entry in enumerate(entries):
        written = entry & PAGEMAP_SWAPPED or (entry & PAGEMAP_PRESENT and not entry & PAGEMAP_FILE)
        address = start + index * page_size
        if written:
            if run_start is not None:
                runs.append((run_start, address))
            run_start = None
        elif run_start is None:
            run_start = address
    if run_start is not None:
        runs.append((run_start, start + len(entries) * page_size))
    return runs


def _for_each_read_only_run(action: Callable[[str, int, int], None], code: bool = False) -> bool:
    """Calls ``action(library, start, end)`` for each run of unwritten pages of each loaded library's
    read-only segments, under the loader's lock; False where the system cannot say (not a 64-bit Linux
    with glibc)."""
    if ctypes.sizeof(ctypes.c_void_p) != 8:
        return False
    try:
        iterate = ctypes.PyDLL(None).dl_iterate_phdr  # PyDLL: the walk keeps Python's lock (module docstring)
        pagemap_fd = os.open("/proc/self/pagemap", os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    page_size = os.sysconf("SC_PAGE_SIZE")
    failures: list[BaseException] = []

    def visit(loaded_pointer, _size, _data) -> int:
        try:
            loaded = loaded_pointer.contents
            for start, end in read_only_segments(loaded, page_size, code):
                for run_start, run_end in _file_page_runs(pagemap_fd, start, end, page_size):
                    action(loaded.dlpi_name.decode(errors="replace"), run_start, run_end)
        except Exception as error:  # an exception must not cross the C loader's frames
            failures.append(error)
            return 1  # stops the walk
        return 0

    try:
        iterate.argtypes = [_VISIT, ctypes.c_void_p]
        iterate(_VISIT(visit), None)
    finally:
        os.close(pagemap_fd)
    if failures:
        raise OSError(f"walking the loaded libraries: {failures[0]}") from failures[0]
    return True


def load_time_runs(code: bool = False) -> list[tuple[str, int, int]]:
    """What a give-back would let go of now: (library, start, end) of each run of pages."""
    runs: list[tuple[str, int, int]] = []
    _for_each_read_only_run(lambda library, start, end: runs.append((library, start, end)), code)
    return runs


def give_back_load_time_pages(code: bool = False) -> float | None:
    """Lets go of this process's pages of its libraries' read-only segments (and of their code
    segments, with ``code``); the MiB of resident file memory given back, or None where the system
    cannot (not a 64-bit Linux with glibc)."""
    before = resident_file_mib()
    try:
        madvise = ctypes.PyDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    if before is None or not _for_each_read_only_run(
            lambda _library, start, end: madvise(start, end - start, MADV_DONTNEED), code):
        return None
    after = resident_file_mib()
    return before - after if after is not None else None


class LoadTimeMapping(NamedTuple):
    start: int
    end: int
    resident_kib: int


def load_time_mappings(smaps_text: str) -> list[LoadTimeMapping]:
    """Measuring only (tests, benchmarks): each mapping in a ``smaps`` text of a shared library that is
    read-only, not executable, private and holds only its file's bytes, with its resident size."""
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
            if len(fields) == 6 and fields[1] == "r--p" and LIBRARY_PATH.search(fields[5].strip()):
                start, end = (int(address, 16) for address in fields[0].split("-"))
                mapping = {"range": (start, end)}
        elif mapping is not None and fields[0] in ("Rss:", "Anonymous:", "Swap:"):
            mapping[fields[0]] = int(fields[1])
    close(mapping)
    return found


def load_time_resident_mib(smaps_path: str = "/proc/self/smaps") -> float:
    """How much of a process's RSS is its libraries' read-only, unwritten pages (what a give-back lets
    go of), MiB: for tests and benchmarks, which read another process's ``smaps``."""
    return sum(m.resident_kib for m in load_time_mappings(Path(smaps_path).read_text())) / 1024


@dataclass
class PageGiveBackPolicy:
    """Decides when the app gives load-time pages back: when the process has drawn enough of them in since
    the last time, and nothing happened in the views lately. Pure: told the time and the figures."""

    regrowth_mib: float = REGROWTH_MIB
    quiet_s: float = QUIET_S
    lowest_since_last_mib: float | None = None  # the resident file memory's low since the last give-back
    last_activity_at: float | None = None
    unsupported: bool = False  # the system cannot: never asked again
    # The first give-back lets go of code pages too: most of the code that ran while loading (the Python
    # wrappers registering every class) never runs again. Later ones leave the code an interaction ran.
    code_given_back: bool = False

    def on_activity(self, now: float) -> None:
        """A view's input or render: the pages a drag reads are in use."""
        self.last_activity_at = now

    def due(self, now: float, resident_file: float | None) -> bool:
        if self.unsupported or resident_file is None:
            return False
        if self.last_activity_at is not None and now - self.last_activity_at < self.quiet_s:
            return False
        if self.lowest_since_last_mib is None:
            return True
        # Growth from the lowest point, not from the last give-back: other file pages (a memory-mapped
        # data file) may have gone since, and what the libraries drew in must still count.
        self.lowest_since_last_mib = min(self.lowest_since_last_mib, resident_file)
        return resident_file - self.lowest_since_last_mib >= self.regrowth_mib

    def given_back(self, result_mib: float | None, resident_file: float | None) -> None:
        if result_mib is None:
            self.unsupported = True
        self.code_given_back = True
        self.lowest_since_last_mib = resident_file
