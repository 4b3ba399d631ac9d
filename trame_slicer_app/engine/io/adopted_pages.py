"""A VTK array over a sealed memfd's own pages: voxels handed over without copying them.

The sandboxed child wrote a volume's voxels into a memfd (``voxel_handover``). Copying them into a
fresh VTK array costs a pass over the whole volume (0.12 s for a 216 MiB CT) and, for that moment,
the volume twice. Instead the server maps the memfd's pages privately (copy on write: the engine may
still write voxels, each written page becomes the server's own and the memfd stays as it was sealed)
and gives VTK the mapping as the array's memory, which VTK is told not to free. The mapping is undone
when VTK deletes the array (its ``DeleteEvent``), so the pages go when the volume leaves the scene.

Only a memfd holding this one volume is adopted: a mapping keeps its whole memfd alive, so adopting one
volume of several would keep the others' voxels too. Linux only (memfd), like the rest of the handover.
"""

from __future__ import annotations

import ctypes
import mmap
import os

from ..errors import EngineError

_libc = ctypes.CDLL(None, use_errno=True)
_mmap = _libc.mmap
_mmap.restype = ctypes.c_void_p
_mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
_mprotect = _libc.mprotect
_mprotect.restype = ctypes.c_int
_mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_munmap = _libc.munmap
_munmap.restype = ctypes.c_int
_munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_MAP_FAILED = ctypes.c_void_p(-1).value
# Private: writes go to the server's own copies of the pages they touch. Populated: the pages are
# mapped now, in one call, rather than faulted in one by one by the first pass over the voxels. The
# mapping is made read-only and only then writable: the kernel populates a writable private mapping by
# writing to it, which would copy every page (the copy this module exists to avoid) and keep the
# memfd's pages besides.
_FLAGS = mmap.MAP_PRIVATE | getattr(mmap, "MAP_POPULATE", 0)


class AdoptionFailed(EngineError):
    """The kernel refused the mapping; the caller copies the voxels instead."""

    def __init__(self, errno: int) -> None:
        super().__init__(f"the handed-over voxels could not be mapped ({os.strerror(errno)})")


def adopt_pages(scalars, fd: int, offset: int, nbytes: int, value_count: int) -> None:
    """Make the (empty) VTK data array ``scalars`` hold ``value_count`` values that are the memfd
    ``fd``'s ``nbytes`` bytes at ``offset`` (page-aligned), mapped privately; unmapped when VTK deletes
    the array. ``fd`` may be closed afterwards: the mapping keeps the memfd's pages."""
    address = _mmap(None, nbytes, mmap.PROT_READ, _FLAGS, fd, offset)
    if address in (None, _MAP_FAILED):
        raise AdoptionFailed(ctypes.get_errno())
    if _mprotect(address, nbytes, mmap.PROT_READ | mmap.PROT_WRITE) != 0:
        error = ctypes.get_errno()
        _munmap(address, nbytes)
        raise AdoptionFailed(error)
    memory = (ctypes.c_char * nbytes).from_address(address)
    try:
        scalars.SetVoidArray(memory, value_count, 1)  # 1: VTK must never free it (it is not malloc's)
    except BaseException:
        _munmap(address, nbytes)
        raise
    # The closure holds numbers only: no reference back to the array, nothing kept alive by it.
    scalars.AddObserver("DeleteEvent", lambda _array, _event: _munmap(address, nbytes))
