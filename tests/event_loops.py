"""Running a coroutine from a synchronous test.

Playwright's sync API (the browser tests earlier in the session) leaves its
event loop marked as running in the main thread, and ``asyncio.run`` refuses to
start another there. The coroutines these tests run render with OpenGL, which
must stay on the main thread, so the marker is set aside while a fresh loop runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


def run_coroutine(coroutine: Coroutine[Any, Any, Any]) -> Any:
    previous = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
        asyncio._set_running_loop(previous)
