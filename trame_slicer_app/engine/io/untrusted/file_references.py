"""Checks on what an untrusted file points to and asks for, made before any reader sees it.

A NRRD detached header (``data file:``), a MetaImage header (``ElementDataFile``)
and a MRML scene (storage nodes' ``fileName``, ``fileListMember*``) name other
files. ITK, teem and MRML would open whatever they name, so a hostile file could
make the server read ``/etc/passwd`` or fetch a URL. Every named file must lie
inside the folder of the file being loaded (after resolving ``..`` and symbolic
links). Headers also declare sizes: they are checked against ``IOLimits`` so
that a header asking for 10^12 voxels fails here instead of allocating.
"""

from __future__ import annotations

import gzip
import math
import os
import re
import struct
import urllib.parse
import xml.etree.ElementTree as ElementTree
import zlib
from pathlib import Path

from ...errors import EngineError
from .io_limits import DEFAULT_IO_LIMITS, IOLimits
from .markups_checks import FCSV_SUFFIX, MARKUPS_JSON_SUFFIX, MarkupsFileError, check_fcsv, check_markups_json

MAX_HEADER_BYTES = 1024 * 1024  # a NRRD/MetaImage text header larger than this is not a header
MAX_MRML_BYTES = 64 * 1024 * 1024  # a scene description (XML) larger than this is refused
MAX_LISTED_DATA_FILES = 100_000  # files one detached header may list or number
INFLATE_CHUNK_BYTES = 1024 * 1024  # gzip data is checked this much at a time
MAX_TRAILING_INFLATED_BYTES = 1024 * 1024  # tolerated beyond what a header declares (padding, extensions)
URL_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")

NRRD_TYPE_BYTES = {
    "signed char": 1, "int8": 1, "int8_t": 1, "char": 1,
    "uchar": 1, "unsigned char": 1, "uint8": 1, "uint8_t": 1,
    "short": 2, "short int": 2, "signed short": 2, "signed short int": 2, "int16": 2, "int16_t": 2,
    "ushort": 2, "unsigned short": 2, "unsigned short int": 2, "uint16": 2, "uint16_t": 2,
    "int": 4, "signed int": 4, "int32": 4, "int32_t": 4,
    "uint": 4, "unsigned int": 4, "uint32": 4, "uint32_t": 4,
    "longlong": 8, "long long": 8, "long long int": 8, "signed long long": 8, "signed long long int": 8,
    "int64": 8, "int64_t": 8,
    "ulonglong": 8, "unsigned long long": 8, "unsigned long long int": 8, "uint64": 8, "uint64_t": 8,
    "float": 4, "double": 8, "block": 1,
}
METAIMAGE_TYPE_BYTES = {
    "MET_CHAR": 1, "MET_UCHAR": 1, "MET_SHORT": 2, "MET_USHORT": 2, "MET_INT": 4, "MET_UINT": 4,
    "MET_LONG": 4, "MET_ULONG": 4, "MET_LONG_LONG": 8, "MET_ULONG_LONG": 8, "MET_FLOAT": 4, "MET_DOUBLE": 8,
}
LEGACY_VTK_HEADER_BYTES = 4096  # DATASET, DIMENSIONS/POINTS and SCALARS come in the first lines
LEGACY_VTK_HEADER_LINES = 12
LEGACY_VTK_TYPE_BYTES = {
    "bit": 1, "char": 1, "unsigned_char": 1, "short": 2, "unsigned_short": 2, "int": 4, "unsigned_int": 4,
    "long": 8, "unsigned_long": 8, "float": 4, "double": 8, "vtktypeint64": 8, "vtktypeuint64": 8,
}
NIFTI_TYPE_BYTES = {2: 1, 4: 2, 8: 4, 16: 4, 32: 8, 64: 8, 128: 3, 256: 1, 512: 2, 768: 4, 1024: 8, 1280: 8,
                    1536: 16, 1792: 16, 2048: 32, 2304: 4}


class FileReferenceError(EngineError):
    """A file names something outside its folder, or declares more than the limits allow."""


def is_inside(path: str | Path, root: str | Path) -> bool:
    """Whether ``path`` (resolved, links followed) lies inside the folder ``root``."""
    resolved = os.path.realpath(path)
    root = os.path.realpath(root)
    try:
        return os.path.commonpath([resolved, root]) == root
    except ValueError:  # different drives, or one relative and one absolute
        return False


def confined_reference(reference: str, root: Path, owner: Path) -> Path:
    """The file a header or scene names, refused when it is a URL or lies outside ``root``."""
    shown = _printable(reference)
    if URL_PATTERN.match(reference) or reference.lower().startswith(("file:", "http:", "https:", "ftp:")):
        raise FileReferenceError(f"{owner.name}: refers to a URL ({shown}); only files beside it may be read")
    if "\x00" in reference:
        raise FileReferenceError(f"{owner.name}: a referenced file name contains a NUL character")
    target = Path(reference) if os.path.isabs(reference) else owner.parent / reference
    if not is_inside(target, root):
        raise FileReferenceError(
            f"{owner.name}: refers to {shown}, outside the folder it was loaded from; refused"
        )
    return target


def _printable(text: str, limit: int = 80) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[:limit] + "..."


def _check_size(owner: Path, sizes: list[int], item_bytes: int, limits: IOLimits) -> None:
    if any(s <= 0 for s in sizes):
        raise FileReferenceError(f"{owner.name}: the header declares a size of zero or less ({sizes})")
    voxels = 1
    for size in sizes:
        voxels *= size
    if voxels > limits.max_voxels:
        raise FileReferenceError(
            f"{owner.name}: the header declares {voxels:,} voxels, more than the limit of {limits.max_voxels:,}"
        )
    if voxels * item_bytes > limits.max_volume_bytes:
        raise FileReferenceError(
            f"{owner.name}: the header declares {voxels * item_bytes:,} bytes of voxels, "
            f"more than the limit of {limits.max_volume_bytes:,}"
        )


def _read_text_header(path: Path) -> tuple[list[str], list[str], int]:
    """Lines up to the first empty line (a NRRD header), every line of the head (a detached header's
    LIST of data files follows its last field), and where attached data starts."""
    with open(path, "rb") as stream:
        head = stream.read(MAX_HEADER_BYTES + 1)
    end, gap = head.find(b"\n\n"), 2
    if end < 0:
        end, gap = head.find(b"\r\n\r\n"), 4
    if end < 0 and len(head) > MAX_HEADER_BYTES:
        raise FileReferenceError(f"{path.name}: the header is longer than {MAX_HEADER_BYTES:,} bytes")
    header = head if end < 0 else head[:end]
    return header.decode("latin-1").splitlines(), head.decode("latin-1").splitlines(), (
        end + gap if end >= 0 else len(head))


def _ints(text: str, owner: Path, field: str) -> list[int]:
    try:
        return [int(v) for v in text.split()]
    except ValueError:
        raise FileReferenceError(f"{owner.name}: the '{field}' field is not a list of whole numbers") from None


def _nrrd_header(path: Path, limits: IOLimits) -> tuple[dict[str, str], list[str], int, int]:
    """A NRRD header's fields, what follows it, where attached data starts and how many bytes the
    data declares; sizes are checked against ``limits``."""
    lines, all_lines, data_offset = _read_text_header(path)
    if not lines or not lines[0].startswith("NRRD"):
        raise FileReferenceError(f"{path.name}: does not start as a .nrrd image does; it is damaged, or another "
                                 "kind of file under this name")
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if sep and not value.startswith("="):  # "key:=value" lines are free-form key/value pairs
            fields[key.strip().lower()] = value.strip()
    if "sizes" not in fields or "type" not in fields:
        raise FileReferenceError(f"{path.name}: its header does not give the image's size or voxel type; "
                                 "the file is damaged")
    item_bytes = NRRD_TYPE_BYTES.get(fields["type"].lower())
    if item_bytes is None:
        raise FileReferenceError(f"{path.name}: its voxels are of a type this viewer does not know "
                                 f"('{_printable(fields['type'])}')")
    sizes = _ints(fields["sizes"], path, "sizes")
    _check_size(path, sizes, item_bytes, limits)
    return fields, all_lines, data_offset, math.prod(sizes) * item_bytes


def check_nrrd(path: Path, root: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> list[Path]:
    """Check a NRRD header (attached or detached); returns the data files it names."""
    fields, all_lines, _offset, _bytes = _nrrd_header(path, limits)
    data_file = fields.get("data file", fields.get("datafile"))
    if data_file is None:
        return []
    return [confined_reference(name, root, path) for name in _nrrd_data_file_names(data_file, all_lines, path)]


def _nrrd_data_file_names(spec: str, all_lines: list[str], owner: Path) -> list[str]:
    words = spec.split()
    if words and words[0] == "LIST":
        # Every line after the "data file: LIST" line names a file, blank line or not.
        start = next(i for i, line in enumerate(all_lines) if re.match(r"\s*data ?file\s*:", line, re.IGNORECASE))
        names = [line.strip() for line in all_lines[start + 1:] if line.strip()]
        if len(names) > MAX_LISTED_DATA_FILES:
            raise FileReferenceError(f"{owner.name}: lists more than {MAX_LISTED_DATA_FILES} data files")
        return names
    if len(words) >= 4 and "%" in words[0]:
        return _numbered_names(words[0], words[1:4], owner)
    return [spec]


def _numbered_names(pattern: str, bounds: list[str], owner: Path) -> list[str]:
    """Names from a printf pattern such as ``slice%03d.raw 1 100 1``."""
    try:
        first, last, step = (int(b) for b in bounds)
    except ValueError:
        raise FileReferenceError(f"{owner.name}: the numbered data file range is not whole numbers") from None
    if not re.fullmatch(r"[^%]*%0?\d*d[^%]*", pattern):
        raise FileReferenceError(f"{owner.name}: the data file pattern must hold exactly one %d")
    if step == 0 or (last - first) // step < 0 or (last - first) // step >= MAX_LISTED_DATA_FILES:
        raise FileReferenceError(f"{owner.name}: the numbered data file range is empty or too long")
    return [pattern % number for number in range(first, last + (1 if step > 0 else -1), step)]


def check_metaimage(path: Path, root: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> list[Path]:
    """Check a MetaImage header (.mha or .mhd); returns the data files it names."""
    with open(path, "rb") as stream:
        head = stream.read(MAX_HEADER_BYTES).decode("latin-1")
    fields: dict[str, str] = {}
    lines = head.splitlines()
    data_line = None
    for index, line in enumerate(lines):
        key, sep, value = line.partition("=")
        if not sep:
            continue
        fields[key.strip().lower()] = value.strip()
        if key.strip().lower() == "elementdatafile":  # always the last field
            data_line = index
            break
    if "dimsize" not in fields or "elementtype" not in fields or data_line is None:
        raise FileReferenceError(f"{path.name}: its header does not give the image's size, voxel type or data "
                                 "file; the file is damaged")
    item_bytes = METAIMAGE_TYPE_BYTES.get(fields["elementtype"].upper())
    if item_bytes is None:
        raise FileReferenceError(f"{path.name}: its voxels are of a type this viewer does not know "
                                 f"('{_printable(fields['elementtype'])}')")
    channels = _ints(fields.get("elementnumberofchannels", "1"), path, "ElementNumberOfChannels")
    _check_size(path, _ints(fields["dimsize"], path, "DimSize") + channels[:1], item_bytes, limits)
    spec = fields["elementdatafile"]
    words = spec.split()
    if spec.upper() == "LOCAL":
        return []
    if words and words[0].upper() == "LIST":
        names = [ln.strip() for ln in lines[data_line + 1:] if ln.strip()]
        if len(names) > MAX_LISTED_DATA_FILES:
            raise FileReferenceError(f"{path.name}: lists more than {MAX_LISTED_DATA_FILES} data files")
    elif len(words) >= 4 and "%" in words[0]:
        names = _numbered_names(words[0], words[1:4], path)
    else:
        names = [spec]
    return [confined_reference(name, root, path) for name in names]


def check_nifti(path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> int:
    """Check the sizes a NIfTI-1/-2 (or Analyze) header declares; reads only the header,
    so a gzip bomb behind it is never inflated. Returns the bytes header and voxels take."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as stream:
            header = stream.read(540)
    except (OSError, EOFError):
        raise FileReferenceError(f"{path.name}: could not be read; the file is damaged or not an image") from None
    if len(header) < 348:
        raise FileReferenceError(f"{path.name}: too short to be an image ({len(header)} bytes); the file is cut short")
    for endian in "<>":
        size = struct.unpack(endian + "i", header[:4])[0]
        if size == 348:
            dims = struct.unpack(endian + "8h", header[40:56])
            datatype, bitpix = struct.unpack(endian + "2h", header[70:74])
            voxel_offset = int(struct.unpack(endian + "f", header[108:112])[0])
            break
        if size == 540 and len(header) >= 540:
            datatype, bitpix = struct.unpack(endian + "2h", header[12:16])
            dims = struct.unpack(endian + "8q", header[16:80])
            voxel_offset = struct.unpack(endian + "q", header[168:176])[0]
            break
    else:
        raise FileReferenceError(f"{path.name}: does not start as a .nii image does; it is damaged, or another "
                                 "kind of file under this name")
    rank = dims[0]
    if not 1 <= rank <= 7:
        raise FileReferenceError(f"{path.name}: its header gives the image {rank} dimensions; the file is damaged")
    item_bytes = NIFTI_TYPE_BYTES.get(datatype, max(bitpix // 8, 1))
    _check_size(path, list(dims[1: rank + 1]), item_bytes, limits)
    return max(voxel_offset, 0) + math.prod(dims[1: rank + 1]) * item_bytes


def verify_compressed_data(path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> None:
    """Inflate the gzip data of a ``.nii.gz`` or a gzip-encoded attached NRRD as a stream (never all
    in memory): refuse it when damaged (CRC, truncation) or when it holds more than its header declares
    (a gzip bomb). The readers would otherwise fill a truncated volume with zeros without a word."""
    name = path.name.lower()
    if name.endswith(".nii.gz"):
        offset, expected = 0, check_nifti(path, limits)
    elif name.endswith(".nrrd"):
        fields, _lines, offset, expected = _nrrd_header(path, limits)
        if fields.get("encoding", "").lower() not in ("gzip", "gz") or "data file" in fields or "datafile" in fields:
            return
    else:
        return
    produced = 0
    try:
        with open(path, "rb") as raw:
            raw.seek(offset)
            with gzip.GzipFile(fileobj=raw) as stream:
                while chunk := stream.read(INFLATE_CHUNK_BYTES):
                    produced += len(chunk)
                    if produced > expected + MAX_TRAILING_INFLATED_BYTES:
                        raise FileReferenceError(
                            f"{path.name}: its compressed voxels expand beyond the {expected:,} bytes "
                            "its header declares; refused, as a file made to exhaust the server's memory"
                        )
    except (OSError, EOFError, zlib.error):
        raise FileReferenceError(f"{path.name}: its compressed voxels are damaged or cut short") from None
    if produced < expected:
        raise FileReferenceError(
            f"{path.name}: holds {produced:,} bytes of voxels where its header declares {expected:,}; "
            "the file is cut short"
        )


def check_mrml(path: Path, root: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> list[Path]:
    """Check a MRML scene's storage nodes: every file they name must lie under ``root``
    and must itself pass these checks. Returns the files named."""
    if path.stat().st_size > MAX_MRML_BYTES:
        raise FileReferenceError(f"{path.name}: the scene description is larger than {MAX_MRML_BYTES:,} bytes")
    text = path.read_bytes()
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise FileReferenceError(f"{path.name}: the scene holds text macros (which can expand without end "
                                 "or read other files); refused")
    try:
        tree = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        line, column = error.position
        raise FileReferenceError(f"{path.name}: not a readable Slicer scene (damaged at line {line}, "
                                 f"column {column})") from None
    referenced: list[Path] = []
    for element in tree.iter():
        for key, value in element.attrib.items():
            lowered = key.lower()
            if (lowered == "uri" or lowered.startswith("urilistmember")) and value.strip():
                raise FileReferenceError(f"{path.name}: the scene names data at a web address "
                                         f"({_printable(value)}); only files beside it are read")
            if lowered == "filename" or lowered.startswith("filelistmember"):
                if not value.strip():
                    continue
                # MRML writes file names URL-encoded; check both spellings.
                for spelling in {value, urllib.parse.unquote(value)}:
                    referenced.append(confined_reference(spelling, root, path))
    for target in dict.fromkeys(referenced):
        if target.is_file():
            check_file(target, root, limits)
    return list(dict.fromkeys(referenced))


def check_legacy_vtk(path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> None:
    """Check what a legacy ``.vtk`` header declares: an image's DIMENSIONS, a mesh's POINTS."""
    with open(path, "rb") as stream:
        lines = stream.read(LEGACY_VTK_HEADER_BYTES).decode("latin-1").splitlines()[:LEGACY_VTK_HEADER_LINES]
    fields = {}
    for line in lines:
        words = line.split()
        if words and words[0].upper() in ("DIMENSIONS", "POINTS", "SCALARS"):
            fields.setdefault(words[0].upper(), words[1:])
    if "DIMENSIONS" in fields:
        scalars = fields.get("SCALARS", [])
        item_bytes = LEGACY_VTK_TYPE_BYTES.get(scalars[1].lower() if len(scalars) > 1 else "", 8)
        components = _ints(scalars[2], path, "SCALARS") if len(scalars) > 2 else [1]
        _check_size(path, _ints(" ".join(fields["DIMENSIONS"][:3]), path, "DIMENSIONS") + components[:1],
                    item_bytes, limits)
    elif fields.get("POINTS"):
        [points] = _ints(fields["POINTS"][0], path, "POINTS")
        if points > limits.max_model_points:
            limit = limits.max_model_points
            raise FileReferenceError(
                f"{path.name}: the header declares {points:,} points, more than the limit of {limit:,}"
            )


def _check_analyze_data_file(path: Path) -> None:
    """A ``.hdr`` (Analyze, NIfTI pair) holds only the header: its voxels are in the ``.img`` beside it."""
    stem = path.name[: -len(".hdr")]
    if not any((path.parent / f"{stem}{suffix}").is_file() for suffix in (".img", ".IMG", ".img.gz")):
        raise FileReferenceError(f"{_printable(path.name)}: its data file {_printable(stem)}.img is not there; "
                                 "open the .hdr with its .img beside it")


def check_file(path: Path, root: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> list[Path]:
    """Run the checks that apply to this kind of file; returns the other files it names."""
    if not is_inside(path, root):
        raise FileReferenceError(f"{_printable(path.name)}: lies outside the folder it was loaded from; refused")
    name = path.name.lower()
    size = path.stat().st_size
    if size == 0:
        raise FileReferenceError(f"{path.name}: the file is empty")
    if size > limits.max_file_bytes:
        raise FileReferenceError(f"{path.name}: larger than the limit of {limits.max_file_bytes:,} bytes")
    if name.endswith((".nrrd", ".nhdr")):
        return check_nrrd(path, root, limits)
    if name.endswith((".mha", ".mhd")):
        return check_metaimage(path, root, limits)
    if name.endswith(".hdr"):
        _check_analyze_data_file(path)
    if name.endswith((".nii", ".nii.gz", ".hdr")):
        check_nifti(path, limits)
        return []
    if name.endswith((".mgz", ".mgh")):
        from ..freesurfer import check_mgh  # FreeSurfer volumes

        check_mgh(path, limits)
        return []
    if name.endswith(".mrml"):
        return check_mrml(path, root, limits)
    if name.endswith((MARKUPS_JSON_SUFFIX, FCSV_SUFFIX)):
        try:
            (check_markups_json if name.endswith(MARKUPS_JSON_SUFFIX) else check_fcsv)(path, limits)
        except MarkupsFileError as error:
            raise FileReferenceError(str(error)) from None
        return []
    if name.endswith(".vtk"):
        check_legacy_vtk(path, limits)
    return []
