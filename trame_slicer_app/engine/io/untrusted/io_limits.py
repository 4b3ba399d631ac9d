"""Limits checked before anything is allocated for a file someone else made.

Every reader checks its input against these before it reads voxels, inflates
an archive or parses a scene. They are settings: tests and deployments may
lower or raise them by passing another ``IOLimits``.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class IOLimits:
    max_file_bytes: int = 2048 * MIB  # one file on disk or one upload
    max_voxels: int = 512 * 1024 * 1024  # one volume, all components
    max_volume_bytes: int = 2048 * MIB  # one volume in memory once decoded
    max_dicom_files: int = 5000  # files in one drop, folder or archive
    max_folder_files: int = 200  # supported files directly inside one opened folder, each offered on its own
    max_dicom_frames: int = 5000  # slices (frames) in one series
    max_archive_entries: int = 10000  # members of one .zip or .mrb
    max_archive_expanded_bytes: int = 4096 * MIB  # sum of members once inflated
    max_archive_ratio: int = 200  # expanded / compressed: beyond this it is a bomb
    max_model_points: int = 50_000_000  # one mesh
    max_markup_points: int = 100_000  # control points of one markups file (.mrk.json, all markups; .fcsv)
    child_memory_bytes: int = 6144 * MIB  # address space of the sandboxed reader
    child_time_s: float = 120.0  # wall time of the sandboxed reader
    max_handover_bytes: int = 4096 * MIB  # voxels one sandboxed reader hands the server (all its files)

    @property
    def child_file_bytes(self) -> int:
        """The largest file the sandboxed reader may write (its RLIMIT_FSIZE): the voxels it hands over,
        a member it unpacks from a scene bundle, its own messages."""
        return max(self.max_handover_bytes, self.max_file_bytes, self.max_volume_bytes)


DEFAULT_IO_LIMITS = IOLimits()
