"""Running a Segment Editor trigger that starts a long edit (joint smoothing, grow from seeds: computed
in a worker, decision 0025's addendum) from a synchronous test: the trigger runs on a fresh event loop,
which turns until the edit's task and the panel's done callback have run."""

from __future__ import annotations

import asyncio
import contextlib

from event_loops import run_coroutine


def trigger_to_the_end(the_app, trigger, *args, during=None):
    """Call ``trigger(*args)`` on a loop and wait for the long edit it started (if any) to end;
    ``during()`` runs on the loop while it computes. Returns whether a long edit ran."""
    segments = the_app.session.segments

    async def main() -> bool:
        before = segments.long_edits.task
        trigger(*args)
        task = segments.long_edits.task
        if task is None or task is before:
            return False
        if during is not None:
            during()
        with contextlib.suppress(Exception):  # its refusal is the panel's message, checked by the test
            await task
        await asyncio.sleep(0)  # the panel's done callback
        return True

    return run_coroutine(main())
