"""JPEG frames that a browser can decode, at the size and quality asked for."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from trame_slicer_app.streaming.jpeg_encoder import MIN_SCALE, EncodedFrame, encode_jpeg

WIDTH, HEIGHT = 320, 200


@pytest.fixture
def a_scan_like_frame() -> np.ndarray:
    """A smooth gradient with a bright disc and sensor-like noise (fixed seed)."""
    rng = np.random.default_rng(1234)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    gradient = 40 + 120 * (xx / WIDTH) + 60 * (yy / HEIGHT)
    disc = 70 * (((xx - WIDTH * 0.6) ** 2 + (yy - HEIGHT * 0.4) ** 2) < (HEIGHT * 0.25) ** 2)
    noise = rng.normal(0, 8, size=(HEIGHT, WIDTH, 3))
    rgb = (gradient + disc)[..., None] * np.array([1.0, 0.9, 0.8]) + noise
    return np.clip(rgb, 0, 255).astype(np.uint8)


def decoded(frame: EncodedFrame) -> Image.Image:
    image = Image.open(io.BytesIO(frame.data))
    image.load()
    return image


def test_a_full_scale_frame_decodes_as_a_jpeg_of_the_same_size(a_scan_like_frame):
    frame = encode_jpeg(a_scan_like_frame, quality=80)

    image = decoded(frame)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert image.size == (WIDTH, HEIGHT)
    assert (frame.width, frame.height) == (WIDTH, HEIGHT)


def test_a_high_quality_frame_looks_like_the_original(a_scan_like_frame):
    image = decoded(encode_jpeg(a_scan_like_frame, quality=90))

    difference = np.abs(np.asarray(image, dtype=np.int16) - a_scan_like_frame.astype(np.int16))
    assert difference.mean() < 8


def test_a_half_scale_frame_is_half_the_size(a_scan_like_frame):
    frame = encode_jpeg(a_scan_like_frame, quality=80, scale=0.5)

    assert decoded(frame).size == (WIDTH // 2, HEIGHT // 2)
    assert (frame.width, frame.height) == (WIDTH // 2, HEIGHT // 2)


@pytest.mark.parametrize("scale", [0.1, 0.0, -3.0, MIN_SCALE])
def test_the_scale_is_never_below_the_minimum(a_scan_like_frame, scale):
    frame = encode_jpeg(a_scan_like_frame, quality=80, scale=scale)

    expected = (round(WIDTH * MIN_SCALE), round(HEIGHT * MIN_SCALE))
    assert decoded(frame).size == expected
    assert (frame.width, frame.height) == expected


def test_a_scale_above_one_does_not_enlarge_the_frame(a_scan_like_frame):
    assert decoded(encode_jpeg(a_scan_like_frame, quality=80, scale=4.0)).size == (WIDTH, HEIGHT)


def test_lower_quality_gives_fewer_bytes(a_scan_like_frame):
    sizes = [len(encode_jpeg(a_scan_like_frame, quality=q).data) for q in (90, 70, 50, 30)]

    assert sizes == sorted(sizes, reverse=True)
    assert len(set(sizes)) == len(sizes)


def test_a_smaller_scale_gives_fewer_bytes(a_scan_like_frame):
    full = len(encode_jpeg(a_scan_like_frame, quality=80).data)
    half = len(encode_jpeg(a_scan_like_frame, quality=80, scale=0.5).data)

    assert half < full


def test_a_tiny_frame_scaled_down_keeps_at_least_one_pixel():
    frame = encode_jpeg(np.zeros((2, 2, 3), dtype=np.uint8), quality=80, scale=MIN_SCALE)

    assert decoded(frame).size == (1, 1)
