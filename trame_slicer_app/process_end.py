"""An app process ends on a signal as it ends on its own: SIGTERM (how the launcher ends a session and
``docker stop`` a container), SIGINT (Ctrl+C) and SIGHUP (its terminal closed) become ``SystemExit(0)``
in the main thread, so that ``finally`` blocks and the atexit handlers run, and the session's
temporary folders (temp_folders.py) and sandboxed readers go with it (docs/decisions/0026).

Python's default for SIGTERM and SIGHUP is to die at once, running nothing. While trame's server runs,
aiohttp answers SIGINT and SIGTERM itself (a graceful stop of the server, then our exit); SIGHUP, and
all three before the server runs (while the data given on the command line loads) and after it stopped,
are answered here. Once the process is ending, further signals are ignored, so that a second Ctrl+C or
a repeated SIGTERM cannot cut the removal of its files short (SIGKILL still ends it).

A signal the process was started with ignored stays ignored, as Python itself leaves an ignored SIGINT:
`nohup` (SIGHUP) and a shell's background job (SIGINT) mean the starter wants the server to outlive them.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Callable

log = logging.getLogger(__name__)

ENDING_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

_ending = False
_on_ending: list[Callable[[], None]] = []


def on_ending(callback: Callable[[], None]) -> None:
    """``callback`` runs once the server has stopped, before the interpreter's exit: what a worker
    thread waits on must end here (the interpreter joins those threads before it runs atexit)."""
    _on_ending.append(callback)


def _end(signum: int, _frame) -> None:
    global _ending
    if _ending:
        return
    _ending = True
    log.info("ending on %s", signal.Signals(signum).name)
    raise SystemExit(0)


def _while_ending(_signum: int, _frame) -> None:
    """The process is ending already: let it finish removing its files."""


def end_cleanly_on_signals() -> None:
    """From now on, SIGTERM, SIGINT and SIGHUP end this process through ``SystemExit(0)`` (main thread only)."""
    global _ending
    _ending = False
    for signum in ENDING_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _end)


def finish_without_interruption() -> None:
    """The process is ending (its server stopped): later signals no longer interrupt it.

    Also undoes aiohttp's reset of SIGINT and SIGTERM to their defaults when its server stops."""
    global _ending
    _ending = True
    for signum in ENDING_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _while_ending)
    for callback in _on_ending:
        with contextlib.suppress(Exception):
            callback()
