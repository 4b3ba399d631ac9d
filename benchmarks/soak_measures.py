"""The soak: minutes of mixed drags and wheel in one view, with the server's memory and the client's
queues watched; and a machine reference to tell a slower machine from a slower stream."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
from browser_measures import DRAG_EVENTS_PER_S, centre, pct, server_stats, stats

from trame_slicer_app.streaming.jpeg_encoder import encode_jpeg

SOAK_DRAG_MOVES = 30
REFERENCE_PICTURE_SIZE = (800, 600)


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def settled_rss_mb(pid, timeout_s=30.0):
    """RSS once the idle app has given back its load-time library pages (docs/decisions/0027: it looks
    every 10 s, after 5 s without input or render): (RSS then, RSS right away, whether it settled in
    ``timeout_s``)."""
    from trame_slicer_app.load_time_pages import REGROWTH_MIB, load_time_resident_mib

    right_away = rss_mb(pid)
    # Less than this left is what renders draw back, below what makes the app give pages back again.
    left_mib = REGROWTH_MIB + 2
    deadline = time.monotonic() + timeout_s
    while (unsettled := load_time_resident_mib(f"/proc/{pid}/smaps") >= left_mib) and time.monotonic() < deadline:
        time.sleep(1.0)
    return rss_mb(pid), right_away, not unsettled


def machine_reference_ms(repeats=200):
    """Median time to JPEG-encode one fixed 800x600 picture here, in the benchmark's own process: a
    soak's before and after are minutes apart, and a shared machine's speed drifts meanwhile."""
    width, height = REFERENCE_PICTURE_SIZE
    rng = np.random.default_rng(7)
    rows = np.linspace(0, 255, height, dtype=np.float64)[:, None, None]
    picture = np.clip(rows + rng.normal(0, 30, (height, width, 3)), 0, 255).astype(np.uint8)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        encode_jpeg(picture, 80)
        times.append((time.perf_counter() - started) * 1000)
    return pct(times, 50)


def soak(page, name, seconds, pid):
    x, y = centre(page, name)
    # Both ends from a settled server: a give-back of load-time pages inside the soak would hide growth.
    rss = [settled_rss_mb(pid)[0]]
    max_in_flight_client, max_pending, max_server_in_flight = 0, 0, 0
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        button = ("left", "middle", "right")[i % 3]
        page.mouse.move(x, y)
        page.mouse.down(button=button)
        # A closed loop: each drag ends where it began, so window/level, pan and zoom do not
        # drift over the soak and the steps after it see the same picture as the steps before.
        for k in range(1, SOAK_DRAG_MOVES + 1):
            turn = 2 * math.pi * k / SOAK_DRAG_MOVES
            page.mouse.move(x + 60 * math.sin(turn), y + 40 * math.sin(2 * turn))
            time.sleep(1 / DRAG_EVENTS_PER_S)
        page.mouse.up(button=button)
        for _ in range(5):
            page.mouse.wheel(0, 100 if i % 2 else -100)
            time.sleep(0.02)
        if name == "Red" and i % 6 == 5:
            page.keyboard.press("r")  # reset the field of view so the soak does not zoom off
        if name == "1" and i % 6 == 5:
            page.mouse.move(x, y)
        s = stats(page, name)
        max_in_flight_client = max(max_in_flight_client, s["maxInputsInFlightSeen"])
        max_pending = max(max_pending, s["maxPendingSeen"])
        max_server_in_flight = max(max_server_in_flight, server_stats(page)[name]["max_in_flight"])
        if i % 20 == 0:
            rss.append(rss_mb(pid))
        i += 1
    rss.append(settled_rss_mb(pid)[0])
    srv = server_stats(page)[name]
    return {"rss_start_mb": rss[0], "rss_end_mb": rss[-1], "rss_max_mb": max(rss),
            "max_inputs_in_flight": max_in_flight_client, "max_pending_inputs": max_pending,
            "max_frames_in_flight": max_server_in_flight, "credit": srv["credit"], "drags": i}
