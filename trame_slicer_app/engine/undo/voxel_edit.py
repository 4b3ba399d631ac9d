"""A voxel edit as an undo step: only the changed sub-box of each changed mask, before and after.

The masks are kept packed one bit per voxel (numpy.packbits), so a 60 x 60 x 60 brush box costs
27 kB per changed segment for both states together. Writing a mask back is the caller's business
(``write``): the undo layer knows no segmentation; the segment editor hands in a writer that puts a
segment's mask into its label map (docs/decisions/0019-segment-editor.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# write(key, offset_zyx, mask): set the mask ``key`` (a segment id) to ``mask`` inside the box at offset.
MaskWriter = Callable[[str, tuple[int, int, int], np.ndarray], None]


@dataclass(frozen=True)
class ChangedRegion:
    """One mask's changed sub-box: its offset (z, y, x) in the voxel grid and both states, packed."""

    key: str
    offset: tuple[int, int, int]
    shape: tuple[int, int, int]
    before: np.ndarray  # packbits of a bool array of ``shape``
    after: np.ndarray

    @classmethod
    def of(cls, key: str, offset: Sequence[int], before: np.ndarray, after: np.ndarray) -> ChangedRegion:
        if before.shape != after.shape or before.ndim != 3:
            raise ValueError("a changed region needs two 3D masks of one shape")
        return cls(key, tuple(int(o) for o in offset), tuple(before.shape),
                   np.packbits(before.astype(bool), axis=None), np.packbits(after.astype(bool), axis=None))

    def unpacked(self, which: str) -> np.ndarray:
        packed = self.before if which == "before" else self.after
        count = int(np.prod(self.shape))
        return np.unpackbits(packed, count=count).astype(bool).reshape(self.shape)

    @property
    def nbytes(self) -> int:
        return int(self.before.nbytes + self.after.nbytes)


class VoxelEdit:
    """The masks one apply changed; undo writes the 'before' states back, redo the 'after' ones."""

    def __init__(self, regions: Sequence[ChangedRegion], write: MaskWriter) -> None:
        self.regions = tuple(regions)
        self._write = write

    @property
    def nbytes(self) -> int:
        return sum(region.nbytes for region in self.regions)

    def undo(self) -> None:
        self._go("after", "before")

    def redo(self) -> None:
        self._go("before", "after")

    def _go(self, current: str, target: str) -> None:
        # First take away, then add: a voxel one mask gives back to another is freed before it is
        # claimed, so masks that share a label map layer never overwrite each other on the way.
        targets = [(region, region.unpacked(target)) for region in self.regions]
        for region, wanted in targets:
            self._write(region.key, region.offset, wanted & region.unpacked(current))
        for region, wanted in targets:
            self._write(region.key, region.offset, wanted)
