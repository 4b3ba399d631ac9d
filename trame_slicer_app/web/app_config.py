"""What the command line chose, parsed once by ``__main__`` and passed to the app and its features
(docs/decisions/0018)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STREAM_PACED = "paced"  # our own client, input compaction and adaptive frames
STREAM_VTK_REMOTE = "vtk-remote"  # trame-vtk's stock VtkRemoteView, kept for comparison
STREAM_MODES = (STREAM_PACED, STREAM_VTK_REMOTE)


@dataclass(frozen=True)
class AppConfig:
    """What the command line chose, parsed once by ``__main__`` and passed to every feature."""

    stream_mode: str = STREAM_PACED
    data_dir: Path | None = None  # the server folder users may browse (--data-dir); None: no such folder

    def __post_init__(self) -> None:
        if self.stream_mode not in STREAM_MODES:
            raise ValueError(f"stream mode must be one of {STREAM_MODES}")
