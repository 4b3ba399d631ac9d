"""JPEG encoding with Pillow's libjpeg-turbo, off the event loop.

Pillow releases the GIL while it resizes and encodes, so a small thread pool
encodes one view's frame while the main thread renders the next.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

STILL_QUALITY = 90
MIN_SCALE = 0.25


@dataclass(frozen=True)
class EncodedFrame:
    data: bytes
    width: int
    height: int


def encode_jpeg(rgb: np.ndarray, quality: int, scale: float = 1.0) -> EncodedFrame:
    """Encode an (height, width, 3) uint8 frame, downscaled by ``scale`` first."""
    image = Image.fromarray(rgb, "RGB")
    scale = max(MIN_SCALE, min(1.0, scale))
    if scale < 0.999:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    buffer = io.BytesIO()
    # 4:2:0 subsampling and no optimisation pass: the fastest settings, and
    # what a browser decodes fastest.
    image.save(buffer, "JPEG", quality=int(quality), subsampling=2, optimize=False)
    return EncodedFrame(buffer.getvalue(), image.width, image.height)
