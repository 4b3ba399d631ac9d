"""Voxels read by the sandboxed child, handed to the server through an anonymous shared file (memfd).

The server creates one memfd per child run and passes it to the child (``pass_fds``); the child appends
each scalar volume's voxels to it (``os.pwrite``, no mapping) and describes them in its JSON answer:
where they lie in the memfd, dims, scalar type, the IJK-to-RAS matrix, window/level, attributes. The
server then seals the memfd (no one can grow, shrink or write it any more), checks every number of the
description against ``IOLimits`` and the memfd's size, and gives the volume the memfd's own pages
(mapped privately, ``adopted_pages``) when the memfd holds that volume alone, or else reads the voxels
into the vtkImageData's own array (``os.preadv``): one copy, from the kernel's pages into the engine's.

A memfd has no name: it is freed when its last descriptor is closed, so nothing can be left in /dev/shm
by a crash of either process. The child's ``RLIMIT_FSIZE`` bounds how much it can write into it.
See docs/decisions/0015-large-volume-loading.md.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import threading
from dataclasses import dataclass

from ..errors import EngineError
from .untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits

log = logging.getLogger(__name__)

HANDOVER_FD_ENV = "TRAME_SLICER_HANDOVER_FD"
MEMFD_NAME = "trame-slicer-voxels"
ALIGNMENT_BYTES = 4096  # each volume starts on a page
# VTK scalar types a scalar volume may have, with their sizes in bytes (VTK_CHAR .. VTK_UNSIGNED_LONG_LONG).
VTK_SCALAR_TYPE_BYTES = {2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 4, 10: 4, 11: 8, 15: 1, 16: 8, 17: 8}
MAX_ATTRIBUTES = 64
MAX_ATTRIBUTE_CHARACTERS = 4096
MAX_COORDINATE_MM = 1e7  # 10 km: beyond this an origin or spacing is not a patient's
HANDED_OVER_CLASSES = ("vtkMRMLScalarVolumeNode",)  # exactly these: label maps, vectors, DWI keep the old path


class HandoverError(EngineError):
    """What the sandboxed child handed over is not a volume the server accepts; the message says why."""


# ---------------------------------------------------------------- the child's side


def can_hand_over(node) -> bool:
    """A plain scalar volume of one component (what AddArchetypeVolume and the DICOM reader give)."""
    if node is None or node.GetClassName() not in HANDED_OVER_CLASSES or _is_sequence_proxy(node):
        return False
    image = node.GetImageData()
    scalars = image.GetPointData().GetScalars() if image is not None else None
    return (scalars is not None and scalars.GetNumberOfComponents() == 1
            and scalars.GetDataType() in VTK_SCALAR_TYPE_BYTES
            and scalars.GetNumberOfTuples() == image.GetNumberOfPoints() > 0)


def _is_sequence_proxy(node) -> bool:
    """A volume that shows one frame of a sequence (4D, cine): the server must read all the frames itself."""
    scene = node.GetScene()
    if scene is None:
        return False
    from ..scene.scene_nodes import nodes_of_class

    return any(browser.IsProxyNodeID(node.GetID()) for browser in nodes_of_class(scene, "vtkMRMLSequenceBrowserNode"))


def write_voxels(node, fd: int, budget_bytes: int) -> dict | None:
    """Append ``node``'s voxels to the memfd ``fd`` and describe them; None when they do not fit
    ``budget_bytes`` (the server then reads the file itself)."""
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkCommonMath import vtkMatrix4x4

    image = node.GetImageData()
    scalars = image.GetPointData().GetScalars()
    voxels = vtk_to_numpy(scalars)
    offset = -(-os.fstat(fd).st_size // ALIGNMENT_BYTES) * ALIGNMENT_BYTES
    if offset + voxels.nbytes > budget_bytes:
        return None
    view = memoryview(voxels).cast("B")
    written = 0
    while written < len(view):
        written += os.pwrite(fd, view[written:], offset + written)
    matrix = vtkMatrix4x4()
    node.GetIJKToRASMatrix(matrix)
    display = node.GetDisplayNode()
    window_level = None
    if display is not None and not display.GetAutoWindowLevel():
        window_level = [display.GetWindow(), display.GetLevel()]
    return {
        "offset": offset, "bytes": voxels.nbytes, "dims": list(image.GetDimensions()),
        "scalar_type": scalars.GetDataType(), "components": 1,
        "ijk_to_ras": [matrix.GetElement(r, c) for r in range(4) for c in range(4)],
        "window_level": window_level,
        "attributes": {name: node.GetAttribute(name) for name in node.GetAttributeNames() or ()},
    }


# ---------------------------------------------------------------- the server's side


class HandoverBuffer:
    """One child run's memfd, shared by the volumes it holds; closed when the last is released."""

    def __init__(self) -> None:
        self.fd = os.memfd_create(MEMFD_NAME, os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        self._users = 1  # the run itself, until ``seal`` or ``release``
        self._lock = threading.Lock()
        self.size = 0

    def seal(self) -> None:
        """After the child exited: freeze the memfd. Fails (HandoverError) when something still holds a
        writable mapping of it (a process the child left behind)."""
        try:
            fcntl.fcntl(self.fd, fcntl.F_ADD_SEALS,
                        fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
        except OSError as error:
            raise HandoverError(f"the reader's shared voxels could not be frozen ({error.strerror})") from None
        self.size = os.fstat(self.fd).st_size

    def acquire(self) -> HandoverBuffer:
        with self._lock:
            if self._users <= 0:
                raise HandoverError("the reader's shared voxels were already released")
            self._users += 1
        return self

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            closing = self._users == 0
        if closing:
            os.close(self.fd)
            self.fd = -1


@dataclass
class VoxelHandover:
    """A validated description of one volume's voxels in a HandoverBuffer (the buffer is acquired)."""

    buffer: HandoverBuffer
    offset: int
    nbytes: int
    dims: tuple[int, int, int]
    scalar_type: int
    ijk_to_ras: tuple[float, ...]
    window_level: tuple[float, float] | None
    attributes: dict[str, str]
    released: bool = False

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.buffer.release()

    def holds_its_buffer_alone(self) -> bool:
        """Its voxels are all the memfd holds (one volume read): mapping them keeps nothing else alive."""
        return self.offset == 0 and self.nbytes == self.buffer.size


def _whole(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise HandoverError(f"{what} is not a whole number")
    return value


def _finite(values, count: int, what: str) -> tuple[float, ...]:
    if not isinstance(values, list) or len(values) != count:
        raise HandoverError(f"{what} is not a list of {count} numbers")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise HandoverError(f"{what} holds something other than numbers")
    numbers = tuple(float(v) for v in values)
    if not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE_MM for v in numbers):
        raise HandoverError(f"{what} holds a number that is not finite or is absurdly large")
    return numbers


def validate(description, buffer: HandoverBuffer, limits: IOLimits = DEFAULT_IO_LIMITS) -> VoxelHandover:
    """Check every field the (possibly compromised) child sent; returns the handover with ``buffer``
    acquired for it. Raises HandoverError naming the first field that is wrong."""
    if not isinstance(description, dict):
        raise HandoverError("the voxel description is not an object")
    dims_given = description.get("dims")
    if not isinstance(dims_given, list) or len(dims_given) != 3:
        raise HandoverError("the dimensions are not three numbers")
    dims = tuple(_whole(d, "a dimension") for d in dims_given)
    if any(d < 1 for d in dims):
        raise HandoverError(f"the dimensions {list(dims)} are not all positive")
    voxels = math.prod(dims)
    if voxels > limits.max_voxels:
        raise HandoverError(f"{voxels:,} voxels, more than the limit of {limits.max_voxels:,}")
    scalar_type = _whole(description.get("scalar_type"), "the scalar type")
    if scalar_type not in VTK_SCALAR_TYPE_BYTES:
        raise HandoverError(f"unknown scalar type {scalar_type}")
    if description.get("components") != 1:
        raise HandoverError("only volumes of one component are handed over")
    nbytes = _whole(description.get("bytes"), "the byte count")
    expected = voxels * VTK_SCALAR_TYPE_BYTES[scalar_type]
    if nbytes != expected:
        raise HandoverError(f"{nbytes:,} bytes of voxels where the dimensions and type make {expected:,}")
    if nbytes > limits.max_volume_bytes:
        raise HandoverError(f"{nbytes:,} bytes of voxels, more than the limit of {limits.max_volume_bytes:,}")
    offset = _whole(description.get("offset"), "the offset")
    if offset < 0 or offset % ALIGNMENT_BYTES or offset + nbytes > buffer.size:
        raise HandoverError(f"the voxels ({nbytes:,} bytes at {offset:,}) lie outside the "
                            f"{buffer.size:,} bytes handed over")
    matrix = _finite(description.get("ijk_to_ras"), 16, "the IJK-to-RAS matrix")
    if matrix[12:] != (0.0, 0.0, 0.0, 1.0):
        raise HandoverError("the IJK-to-RAS matrix is not an affine transform")
    spacing = [math.dist((0, 0, 0), (matrix[c], matrix[4 + c], matrix[8 + c])) for c in range(3)]
    if not all(s > 1e-9 for s in spacing):
        raise HandoverError(f"a voxel spacing is zero ({spacing})")
    rows = [matrix[4 * r: 4 * r + 3] for r in range(3)]
    determinant = (rows[0][0] * (rows[1][1] * rows[2][2] - rows[1][2] * rows[2][1])
                   - rows[0][1] * (rows[1][0] * rows[2][2] - rows[1][2] * rows[2][0])
                   + rows[0][2] * (rows[1][0] * rows[2][1] - rows[1][1] * rows[2][0]))
    if abs(determinant) < 1e-6 * math.prod(spacing):
        raise HandoverError("the voxel axes are not independent (a flat or degenerate volume)")
    window_level = description.get("window_level")
    if window_level is not None:
        window_level = _finite(window_level, 2, "the window/level")
        if window_level[0] <= 0:
            raise HandoverError("the window is not positive")
    attributes = description.get("attributes") or {}
    if not isinstance(attributes, dict) or len(attributes) > MAX_ATTRIBUTES or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) + len(v) <= MAX_ATTRIBUTE_CHARACTERS
        for k, v in attributes.items()
    ):
        raise HandoverError("the node attributes are not a short list of texts")
    return VoxelHandover(buffer.acquire(), offset, nbytes, dims, scalar_type, matrix,
                         window_level, dict(attributes))


def read_into_image(handover: VoxelHandover):
    """A vtkImageData holding the voxels: the memfd's own pages when it holds this volume alone
    (``adopted_pages``: no copy), otherwise the array's own memory, filled from the memfd (one copy)."""
    from vtkmodules.vtkCommonCore import vtkDataArray
    from vtkmodules.vtkCommonDataModel import vtkImageData

    scalars = vtkDataArray.CreateDataArray(handover.scalar_type)
    scalars.SetName("ImageScalars")
    scalars.SetNumberOfComponents(1)
    if not (handover.holds_its_buffer_alone() and _adopted(scalars, handover)):
        _copy_into(scalars, handover)
    image = vtkImageData()
    image.SetDimensions(*handover.dims)
    image.GetPointData().SetScalars(scalars)
    return image


def _adopted(scalars, handover: VoxelHandover) -> bool:
    from .adopted_pages import AdoptionFailed, adopt_pages

    try:
        adopt_pages(scalars, handover.buffer.fd, handover.offset, handover.nbytes, math.prod(handover.dims))
    except AdoptionFailed as error:  # e.g. no address space left under RLIMIT_AS: copy instead
        log.info("voxels copied, not adopted: %s", error)
        return False
    return True


def _copy_into(scalars, handover: VoxelHandover) -> None:
    from vtkmodules.util.numpy_support import vtk_to_numpy

    scalars.SetNumberOfTuples(math.prod(handover.dims))
    target = memoryview(vtk_to_numpy(scalars)).cast("B")
    if len(target) != handover.nbytes:
        raise HandoverError("the voxel array could not be allocated at the size handed over")
    done = 0
    while done < handover.nbytes:
        got = os.preadv(handover.buffer.fd, [target[done:]], handover.offset + done)
        if got <= 0:
            raise HandoverError("the shared voxels ended early")
        done += got


def add_handed_over_volume(engine, handover: VoxelHandover, name: str, file_path=None):
    """The scalar volume node for a handover, added to ``engine``'s scene and shown in grey, as
    AddArchetypeVolume (or the DICOM reader) had made it in the child."""
    from slicer import vtkMRMLScalarVolumeDisplayNode, vtkMRMLScalarVolumeNode, vtkMRMLVolumeArchetypeStorageNode
    from vtkmodules.vtkCommonMath import vtkMatrix4x4

    image = read_into_image(handover)
    matrix = vtkMatrix4x4()
    matrix.DeepCopy(handover.ijk_to_ras)
    node = vtkMRMLScalarVolumeNode()
    node.SetName(name)
    node.SetIJKToRASMatrix(matrix)
    for key, value in handover.attributes.items():
        node.SetAttribute(key, value)
    node.SetAndObserveImageData(image)
    engine.scene.AddNode(node)
    if file_path is not None:  # as the archetype reader leaves it: the file it came from
        storage = vtkMRMLVolumeArchetypeStorageNode()
        storage.SetFileName(str(file_path))
        engine.scene.AddNode(storage)
        node.SetAndObserveStorageNodeID(storage.GetID())
    if handover.window_level is None:
        node.CreateDefaultDisplayNodes()  # automatic window/level: a pass over every voxel
        node.GetDisplayNode().SetAndObserveColorNodeID("vtkMRMLColorTableNodeGrey")
        return node
    # A known window/level (DICOM): the display node is made with it, skipping the automatic pass (0014).
    display = vtkMRMLScalarVolumeDisplayNode()
    display.AutoWindowLevelOff()
    display.SetWindowLevel(*handover.window_level)
    display.SetAndObserveColorNodeID("vtkMRMLColorTableNodeGrey")
    engine.scene.AddNode(display)
    node.SetAndObserveDisplayNodeID(display.GetID())
    return node
