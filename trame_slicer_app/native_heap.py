"""How the C heap hands memory back: keeps a long session's RSS flat.

Frames are big, short-lived buffers (an 800x600 RGB read-back is 1.4 MB, its JPEG
and the scaled copies more), made on the event loop and freed in encoder threads.
glibc raises its mmap threshold each time such a mapped buffer is freed, after
which the buffers come from the heap arenas instead, where frames of changing
sizes (render scale moves during drags) leave holes that are never returned.
Measured on the 3D view streaming the head CT: RSS grew ~70 MB in 160 s of drags
with glibc's defaults, and stayed flat (and 80 MB lower) with a fixed threshold
and two arenas. See docs/decisions/0009-native-heap.md.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

# glibc's mallopt parameters (malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
# Buffers from this size up are mapped and unmapped whole: the frame-sized ones.
MMAP_THRESHOLD_BYTES = 128 * 1024
MAX_ARENAS = 2


def keep_heap_compact() -> bool:
    """Fix glibc's mmap threshold and cap its arenas; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(M_ARENA_MAX, MAX_ARENAS))
    if not done:
        log.warning("could not tune the C heap; long sessions may grow in memory")
    return done
