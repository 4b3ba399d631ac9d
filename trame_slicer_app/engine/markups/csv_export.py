"""The markups' measurements and points as CSV, one row per measurement and per control point."""

from __future__ import annotations

import csv
import io

from .markups_edit import markup_row, markups_nodes

CSV_COLUMNS = ("markup", "type", "what", "name", "value", "units", "r", "a", "s")


def _cell(text: str) -> str:
    """A spreadsheet runs a cell that starts with = + - @ as a formula: names are users' text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def measurements_csv(engine) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for node in markups_nodes(engine):
        row = markup_row(node)
        name = _cell(row["name"])
        for measurement in row["measurements"]:
            value = measurement["value"]
            shown = " x ".join(f"{v:g}" for v in value) if isinstance(value, list) else f"{value:g}"
            writer.writerow((name, row["type"], "measurement", measurement["name"], shown, measurement["units"],
                             "", "", ""))
        for index in range(node.GetNumberOfControlPoints()):
            r, a, s = node.GetNthControlPointPositionWorld(index)
            writer.writerow((name, row["type"], "point", _cell(node.GetNthControlPointLabel(index)), "", "mm",
                             f"{r:.3f}", f"{a:.3f}", f"{s:.3f}"))
    return out.getvalue()
