"""A pydicom decoding plugin for 12-bit JPEG Extended (Process 2 and 4), through imagecodecs' libjpeg-turbo.

pydicom's own plugins leave this syntax to pylibjpeg-libjpeg, which is GPL-3.0; its GDCM plugin refuses
12-bit samples (older GDCM releases decoded them wrongly) and Pillow reads 8-bit JPEG only. imagecodecs
(BSD-3-Clause) wraps libjpeg-turbo 3, which decodes 12-bit lossy JPEG (docs/decisions/0014). The plugin is
registered for that syntax only and chosen for it only when the samples are wider than 8 bits; 8-bit
JPEG Extended keeps pydicom's plugins. Like every decoder, it runs in the sandboxed reader first.
"""

from __future__ import annotations

import importlib.util

from pydicom.pixels import get_decoder
from pydicom.uid import JPEGExtended12Bit

PLUGIN_LABEL = "imagecodecs-jpeg12"
# pydicom asks a plugin module for these: what it needs, and whether that is installed.
DECODER_DEPENDENCIES = {JPEGExtended12Bit: ("imagecodecs",)}


def is_available(uid: str) -> bool:
    return uid == JPEGExtended12Bit and importlib.util.find_spec("imagecodecs") is not None


def decode_frame(src: bytes, runner) -> bytes:
    """One frame's JPEG codestream -> its samples, pixel by pixel, in native byte order (pydicom's contract)."""
    import imagecodecs

    frame = imagecodecs.jpeg8_decode(src)
    samples = 1 if frame.ndim == 2 else frame.shape[2]
    if (frame.shape[0], frame.shape[1], samples) != (runner.rows, runner.columns, runner.samples_per_pixel):
        raise ValueError(f"the JPEG codestream holds {frame.shape[1]} x {frame.shape[0]} x {samples} samples, "
                         f"the header says {runner.columns} x {runner.rows} x {runner.samples_per_pixel}")
    runner.set_option("bits_allocated", frame.dtype.itemsize * 8)
    if samples == 3:  # libjpeg-turbo gives colour as RGB, pixel by pixel
        runner.set_option("planar_configuration", 0)
        runner.set_option("photometric_interpretation", "RGB")
    return frame.tobytes()


def register() -> bool:
    """Add the plugin to pydicom's 12-bit JPEG decoder once; False when imagecodecs is not installed."""
    decoder = get_decoder(JPEGExtended12Bit)
    if PLUGIN_LABEL in decoder.available_plugins:
        return True
    if not is_available(JPEGExtended12Bit):
        return False
    decoder.add_plugin(PLUGIN_LABEL, (__name__, "decode_frame"))
    return True


def plugin_for(bits_stored) -> str:
    """The plugin to decode 12-bit JPEG Extended with ('' to leave the choice to pydicom)."""
    try:
        wide = int(bits_stored) > 8
    except (TypeError, ValueError):
        return ""
    return PLUGIN_LABEL if wide and register() else ""
