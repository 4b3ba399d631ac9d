"""What a VTK reader says while it reads a user's file, and whether it said the file is short or broken.

Several VTK readers meet a file shorter than its header promises with a message and go on with what they
have (the legacy ``.vtk`` reader: "Error reading binary data!", as a warning, then a mesh of garbage).
Those messages go through VTK's output window; listening to it while the reader runs turns them into a
refusal, for every reader at once (the data a header promises must be in the file, file_references).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from vtkmodules.util.vtkConstants import VTK_STRING
from vtkmodules.vtkCommonCore import vtkCommand, vtkOutputWindow

# Words of readers' warnings that mean the data is not all there (errors always count).
DATA_SHORTAGE_MARKERS = ("error reading", "premature", "unexpected end", "end of file", "eof", "truncated",
                         "cannot read", "could not read", "failed to read")


# VTK's messages: "ERROR: In <source>, line N" then "<class> (0x...): <what happened>".
_SOURCE_LINE = re.compile(r"^(ERROR|Warning|Generic Warning): In ")
_OBJECT_PREFIX = re.compile(r"^\w+ \(0x[0-9a-fA-F]+\): ")
MAX_MESSAGE_CHARS = 160


def _what_it_said(message: str) -> str:
    """The reader's own words, without VTK's source location and object address (no server path)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    lines = [line for line in lines if not _SOURCE_LINE.match(line)]
    return _OBJECT_PREFIX.sub("", lines[0])[:MAX_MESSAGE_CHARS] if lines else ""


@contextmanager
def reader_complaints() -> Iterator[list[str]]:
    """Collects the errors, and the warnings that say data is missing, raised while the block runs (in the
    reader's words, for the log: they name VTK classes, which mean nothing to a user)."""
    window = vtkOutputWindow.GetInstance()
    heard: list[str] = []

    def listen(_window, event: str, text=None) -> None:
        message = str(text or "")
        if event == "ErrorEvent" or any(marker in message.lower() for marker in DATA_SHORTAGE_MARKERS):
            heard.append(_what_it_said(message) or event)

    listen.CallDataType = VTK_STRING
    tags = [window.AddObserver(event, listen) for event in (vtkCommand.ErrorEvent, vtkCommand.WarningEvent)]
    try:
        yield heard
    finally:
        for tag in tags:
            window.RemoveObserver(tag)
