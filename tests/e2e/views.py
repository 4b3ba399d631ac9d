"""Reading the streamed views off a real browser page."""

from __future__ import annotations

import io
import time

import numpy as np
from PIL import Image

VIEW_NAMES = ("1", "Red", "Yellow", "Green")
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
