"""Reading the streamed views off a real browser page."""

from __future__ import annotations

import io
import time

import numpy as np
from PIL import Image

from trame_slicer_app.layouts import ALL_VIEWS

VIEW_NAMES = ALL_VIEWS
PANEL_OPEN_TIMEOUT_MS = 15_000
FIRST_FRAME_TIMEOUT_S = 45


def view_pixels(page, name: str) -> np.ndarray:
    """What the user sees of one view: a screenshot of its region, as RGB."""
    png = page.locator(f".slicer-view-{name}").screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def shows_an_image(pixels: np.ndarray) -> bool:
    """Not blank, not one flat colour, not a small spinner on a flat background."""
    grey = pixels.mean(axis=2)
    background = np.median(grey)
    differs = np.abs(grey - background) > 25
    return grey.std() > 12 and differs.mean() > 0.05


def wait_for_views(page, names=VIEW_NAMES, timeout_s: float = FIRST_FRAME_TIMEOUT_S) -> dict[str, np.ndarray]:
    deadline = time.monotonic() + timeout_s
    while True:
        frames = {name: view_pixels(page, name) for name in names}
        if all(shows_an_image(f) for f in frames.values()):
            return frames
        if time.monotonic() > deadline:
            blank = [n for n, f in frames.items() if not shows_an_image(f)]
            raise AssertionError(f"views still blank after {timeout_s}s: {blank}")
        time.sleep(0.5)


# -- the page's state and the user's gestures, shared by the browser tests -----------------------------
STATE_TIMEOUT_S = 20  # patient: the CPU is shared with the browser


def state(page, key: str):
    """A trame state value as this page has it."""
    return page.evaluate(f"window.trame.state.get({key!r})")


def wait_for_state(page, key: str, expected, timeout_s: float = STATE_TIMEOUT_S):
    """Until the page's ``key`` equals ``expected`` (or passes it, when it is a function); its value."""
    test = expected if callable(expected) else (lambda value: value == expected)
    deadline = time.monotonic() + timeout_s
    while True:
        value = state(page, key)
        if test(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{key} is {value!r}, not what was waited for")
        time.sleep(0.1)


def readout(page) -> dict:
    return state(page, "mrml_readout")


def wait_for_readout(page, changed) -> dict:
    return wait_for_state(page, "mrml_readout", changed)


def settled_readout(page, quiet_s: float = 0.6) -> dict:
    """The readout once it has stayed the same for ``quiet_s`` (it is refreshed at 4 Hz)."""
    deadline = time.monotonic() + STATE_TIMEOUT_S
    last, since = readout(page), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        value = readout(page)
        if value != last:
            last, since = value, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return value
    raise AssertionError(f"readout never settled: {last}")


def frames_painted(page, name: str) -> int:
    return int(page.locator(f".slicer-view-{name} .slicer-stream-view").get_attribute("data-frames"))


def wait_for_still_frame(page, name: str, after_frames: int, timeout_s: float = STATE_TIMEOUT_S) -> None:
    page.wait_for_function(
        f"""() => {{ const s = window.__slicerStreamStats['{name}'];
                   return s && s.frames > {after_frames} && s.lastMeta && s.lastMeta.still; }}""",
        timeout=timeout_s * 1000,
    )


def drag(page, name: str, dx: int, dy: int, button: str = "left", modifiers=()) -> None:
    """A drag from the view's centre, in 20 moves 20 ms apart."""
    box = page.locator(f".slicer-view-{name}").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for key in modifiers:
        page.keyboard.down(key)
    page.mouse.move(x, y)
    page.mouse.down(button=button)
    for step in range(1, 21):
        page.mouse.move(x + dx * step / 20, y + dy * step / 20)
        time.sleep(0.02)
    page.mouse.up(button=button)
    for key in modifiers:
        page.keyboard.up(key)


def feature_panel(page, name: str):
    """A feature's panel in the drawer, by its stable hook (``data-feature``, docs/decisions/0018)."""
    return page.locator(f'[data-feature="{name}"]')


def open_feature_panel(page, name: str) -> None:
    """Opens a feature's panel in the drawer (a click on its title) and waits until it is expanded."""
    panel = feature_panel(page, name)
    panel.locator("button").first.click()
    panel.locator(".v-expansion-panel-text__wrapper").wait_for(timeout=PANEL_OPEN_TIMEOUT_MS)


def close_feature_panel(page, name: str) -> None:
    """Closes a feature's open panel (a click on its title) and waits until it is collapsed."""
    panel = feature_panel(page, name)
    panel.locator("button").first.click()
    panel.locator(".v-expansion-panel-text__wrapper").wait_for(state="hidden", timeout=PANEL_OPEN_TIMEOUT_MS)
