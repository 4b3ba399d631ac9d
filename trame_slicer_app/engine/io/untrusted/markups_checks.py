"""Checks of a markups file someone else made (Slicer's .mrk.json, the legacy .fcsv) before Slicer's reader
allocates anything for it: its size, how many markups and points it declares, and the type of every field
the reader turns into numbers. A hostile file (a million points, a position that is a string or has four
numbers, a nesting that never ends) is refused with a message that names the first problem."""

from __future__ import annotations

import json
import math
from pathlib import Path

from ...errors import EngineError
from .io_limits import DEFAULT_IO_LIMITS, MIB, IOLimits

MARKUPS_JSON_SUFFIX = ".mrk.json"
FCSV_SUFFIX = ".fcsv"
MAX_MARKUPS_FILE_BYTES = 32 * MIB  # a markups file is text: 100,000 points are ~20 MB
MAX_MARKUPS_PER_FILE = 1000
MARKUP_JSON_TYPES = ("Fiducial", "Line", "Angle", "Curve", "ClosedCurve", "Plane", "ROI")
COORDINATE_SYSTEMS = ("LPS", "RAS")
MAX_TEXT_FIELD_CHARS = 4096  # a label, a description, a name
MAX_MEASUREMENTS_PER_MARKUP = 64
# Lists and objects a file may hold per control point allowed (a point is an object with a position and an
# orientation list; a markup adds a few). Counted on the bytes before parsing: it bounds what the parser
# allocates (a file of empty lists, "[[],[],...]", would cost 56 bytes of memory per 3 bytes of file).
JSON_CONTAINERS_PER_POINT = 8
NUMBER_LIST_FIELDS = {"position": 3, "orientation": 9}  # control point fields and how many numbers they hold


class MarkupsFileError(EngineError):
    """A markups file refused before reading; the message says why."""


def _fail(path: Path, message: str) -> MarkupsFileError:
    return MarkupsFileError(f"{path.name}: {message}")


def _check_size(path: Path, limits: IOLimits) -> None:
    size = path.stat().st_size
    limit = min(MAX_MARKUPS_FILE_BYTES, limits.max_file_bytes)
    if size > limit:
        raise _fail(path, f"a markups file of {size:,} bytes is larger than the limit of {limit:,}")


def _finite_numbers(value, count: int) -> bool:
    return (isinstance(value, list) and len(value) == count
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value))


def _check_text(path: Path, where: str, value) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT_FIELD_CHARS):
        raise _fail(path, f"{where} is not a text of at most {MAX_TEXT_FIELD_CHARS} characters")


def _check_control_points(path: Path, where: str, points, limits: IOLimits) -> None:
    if not isinstance(points, list):
        raise _fail(path, f"{where}: controlPoints is not a list")
    if len(points) > limits.max_markup_points:
        raise _fail(path, f"{where} declares {len(points):,} control points, more than the limit of "
                          f"{limits.max_markup_points:,}")
    for index, point in enumerate(points):
        if not isinstance(point, dict):
            raise _fail(path, f"{where}: control point {index} is not an object")
        for field, count in NUMBER_LIST_FIELDS.items():
            if field in point and not _finite_numbers(point[field], count):
                raise _fail(path, f"{where}: control point {index}'s {field} is not {count} finite numbers")
        _check_text(path, f"{where}: control point {index}'s label", point.get("label"))
        _check_text(path, f"{where}: control point {index}'s description", point.get("description"))


def _check_markup(path: Path, index: int, markup, limits: IOLimits) -> None:
    where = f"markup {index}"
    if not isinstance(markup, dict):
        raise _fail(path, f"{where} is not an object")
    if markup.get("type") not in MARKUP_JSON_TYPES:
        raise _fail(path, f"{where} has type {str(markup.get('type'))[:40]!r}; known: {', '.join(MARKUP_JSON_TYPES)}")
    if markup.get("coordinateSystem", "LPS") not in COORDINATE_SYSTEMS:
        raise _fail(path, f"{where}'s coordinateSystem is neither LPS nor RAS")
    _check_text(path, f"{where}'s name", markup.get("name"))
    _check_control_points(path, where, markup.get("controlPoints", []), limits)
    for field, count in (("size", 3), ("center", 3), ("normal", 3), ("objectToBase", 16)):
        if field in markup and not _finite_numbers(markup[field], count):
            raise _fail(path, f"{where}'s {field} is not {count} finite numbers")
    if "display" in markup and not isinstance(markup["display"], dict):
        raise _fail(path, f"{where}'s display is not an object")
    measurements = markup.get("measurements", [])
    if not isinstance(measurements, list) or len(measurements) > MAX_MEASUREMENTS_PER_MARKUP:
        raise _fail(path, f"{where}'s measurements are not a list of at most {MAX_MEASUREMENTS_PER_MARKUP}")
    for measurement in measurements:
        value = measurement.get("value", 0.0) if isinstance(measurement, dict) else None
        if not _finite_numbers([value], 1):
            raise _fail(path, f"{where} has a measurement whose value is not a finite number")
        _check_text(path, f"{where}'s measurement name", measurement.get("name"))


def check_markups_json(path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> int:
    """Check a .mrk.json; returns how many control points it holds."""
    _check_size(path, limits)
    raw = path.read_bytes()
    containers = raw.count(b"[") + raw.count(b"{")
    allowed = JSON_CONTAINERS_PER_POINT * limits.max_markup_points + MAX_MARKUPS_PER_FILE
    if containers > allowed:
        raise _fail(path, f"holds {containers:,} JSON lists and objects, more than a markups file within the "
                          f"limit of {limits.max_markup_points:,} points may ({allowed:,}); refused before parsing")
    try:
        document = json.loads(raw)
    except RecursionError:
        raise _fail(path, "the JSON nests deeper than a markups file does; refused") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise _fail(path, f"not a readable markups file (JSON: {str(error)[:120]})") from None
    if not isinstance(document, dict) or not isinstance(document.get("markups"), list):
        raise _fail(path, "not a Slicer markups file (no list of markups)")
    markups = document["markups"]
    if not markups:
        raise _fail(path, "the file holds no markup")
    if len(markups) > MAX_MARKUPS_PER_FILE:
        raise _fail(path, f"the file holds {len(markups):,} markups, more than the limit of {MAX_MARKUPS_PER_FILE:,}")
    total = 0
    for index, markup in enumerate(markups):
        _check_markup(path, index, markup, limits)
        total += len(markup.get("controlPoints", []))
        if total > limits.max_markup_points:
            raise _fail(path, f"the file holds more than {limits.max_markup_points:,} control points in all; refused")
    return total


def check_fcsv(path: Path, limits: IOLimits = DEFAULT_IO_LIMITS) -> int:
    """Check a legacy .fcsv point list (comment lines, then id,x,y,z,...); returns its point count."""
    _check_size(path, limits)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise _fail(path, "not a text file; a .fcsv is comma-separated text") from None
    rows = [line for line in lines if line.strip() and not line.startswith("#")]
    if len(rows) > limits.max_markup_points:
        raise _fail(path, f"the file holds {len(rows):,} points, more than the limit of {limits.max_markup_points:,}")
    for number, row in enumerate(rows, start=1):
        cells = row.split(",")
        if len(cells) < 4:
            raise _fail(path, f"point {number} has {len(cells)} columns; a point needs id, x, y, z")
        try:
            position = [float(cell) for cell in cells[1:4]]
        except ValueError:
            raise _fail(path, f"point {number}'s x, y, z are not numbers") from None
        if not all(math.isfinite(v) for v in position):
            raise _fail(path, f"point {number}'s x, y, z are not finite numbers")
    if not rows:
        raise _fail(path, "the file holds no point")
    return len(rows)
