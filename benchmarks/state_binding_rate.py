"""State messages the browser receives during a 3 s window/level drag in the Red view.

Starts the app on the real head CT, opens the Volumes panel (so its sliders are live),
drags with the left button for DRAG_S seconds and counts the websocket messages that carry
trame state ("trame.state.topic"), and among them those carrying the W/L sliders' keys.
Run: .venv/bin/python benchmarks/state_binding_rate.py  (see docs/decisions/0007-state-binding.md)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from conftest import RunningApp  # noqa: E402
from fetch_data import CT_PATH, ensure_test_data  # noqa: E402

DRAG_S = 3.0
DRAG_STEP_S = 0.02  # a mouse move every 20 ms, as a hand gives
DRAG_PX = 150
VIEWPORT = {"width": 1400, "height": 900}
FIRST_FRAME_TIMEOUT_MS = 45_000


def _payload_bytes(payload) -> bytes:
    return payload if isinstance(payload, bytes) else str(payload).encode()


def main() -> dict:
    from playwright.sync_api import sync_playwright

    ensure_test_data()
    app = RunningApp("--data", str(CT_PATH))
    counts = {"state": 0, "state_window_level": 0, "state_mrml_readout": 0}
    counting = {"on": False}

    def on_frame(payload) -> None:
        data = _payload_bytes(payload)
        if counting["on"] and b"trame.state.topic" in data:
            counts["state"] += 1
            if b"volumes_window" in data or b"volumes_level" in data:
                counts["state_window_level"] += 1
            if b"mrml_readout" in data:
                counts["state_mrml_readout"] += 1

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport=VIEWPORT)
            page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
            page.goto(app.url)
            page.wait_for_function("() => { const s = window.__slicerStreamStats; return s && s.Red && s.Red.frames"
                                   " > 0; }", timeout=FIRST_FRAME_TIMEOUT_MS)
            page.locator('[data-feature="volumes"] button').first.click()
            page.locator(".volumes-window").wait_for()
            time.sleep(1.0)
            box = page.locator(".slicer-view-Red").bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            counting["on"] = True
            started = time.monotonic()
            steps = 0
            while (elapsed := time.monotonic() - started) < DRAG_S:
                done = elapsed / DRAG_S
                page.mouse.move(x + DRAG_PX * done, y + DRAG_PX / 2 * done)
                steps += 1
                time.sleep(max(0.0, started + steps * DRAG_STEP_S - time.monotonic()))
            elapsed = time.monotonic() - started
            counting["on"] = False
            page.mouse.up()
            browser.close()
    finally:
        app.stop()
    result = {"drag_s": round(elapsed, 2), "mouse_moves": steps,
              "state_messages_per_s": round(counts["state"] / elapsed, 1),
              "window_level_messages_per_s": round(counts["state_window_level"] / elapsed, 1),
              "mrml_readout_messages_per_s": round(counts["state_mrml_readout"] / elapsed, 1)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
