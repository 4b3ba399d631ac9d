"""One picture of a whole layout, from each visible view's capture; Pillow only (no trame, no VTK).

A layout is rows of cells (see ``layouts.py``); a view repeated in
neighbouring cells spans them. Each view's capture is scaled into its span of
an even grid, as the page shows it.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

LAYOUT_GAP_PX = 2  # as the page's grid gap
LAYOUT_BACKGROUND_RGB = (34, 34, 34)
MAX_SCREENSHOT_SIDE_PX = 8192


def view_spans(rows: tuple[tuple[str, ...], ...]) -> dict[str, tuple[int, int, int, int]]:
    """Each view's (first column, first row, last column, last row) in the grid ("" cells, which a live desktop's
    layout leaves empty where it shows a table or chart, stay background)."""
    spans: dict[str, tuple[int, int, int, int]] = {}
    for r, row in enumerate(rows):
        for c, name in enumerate(row):
            if not name:
                continue
            c0, r0, c1, r1 = spans.get(name, (c, r, c, r))
            spans[name] = (min(c0, c), min(r0, r), max(c1, c), max(r1, r))
    return spans


def compose_layout(rows: tuple[tuple[str, ...], ...], captures: dict[str, np.ndarray]) -> Image.Image:
    """The views' captures (RGB arrays, height x width x 3) placed in their layout grid."""
    spans = view_spans(rows)
    missing = set(spans) - set(captures)
    if missing:
        raise ValueError(f"no capture of {sorted(missing)}")
    n_cols, n_rows = len(rows[0]), len(rows)
    # One cell is as large as the largest view needs, so no view is scaled up much.
    cell_w = max(captures[n].shape[1] / (c1 - c0 + 1) for n, (c0, _r0, c1, _r1) in spans.items())
    cell_h = max(captures[n].shape[0] / (r1 - r0 + 1) for n, (_c0, r0, _c1, r1) in spans.items())
    scale = min(1.0, MAX_SCREENSHOT_SIDE_PX / max(cell_w * n_cols, cell_h * n_rows))
    cell_w, cell_h = max(1, round(cell_w * scale)), max(1, round(cell_h * scale))
    width = cell_w * n_cols + LAYOUT_GAP_PX * (n_cols - 1)
    height = cell_h * n_rows + LAYOUT_GAP_PX * (n_rows - 1)
    picture = Image.new("RGB", (width, height), LAYOUT_BACKGROUND_RGB)
    for name, (c0, r0, c1, r1) in spans.items():
        x, y = c0 * (cell_w + LAYOUT_GAP_PX), r0 * (cell_h + LAYOUT_GAP_PX)
        w = (c1 - c0 + 1) * cell_w + (c1 - c0) * LAYOUT_GAP_PX
        h = (r1 - r0 + 1) * cell_h + (r1 - r0) * LAYOUT_GAP_PX
        view = Image.fromarray(np.ascontiguousarray(captures[name], dtype=np.uint8), "RGB")
        picture.paste(view.resize((w, h), Image.Resampling.LANCZOS), (x, y))
    return picture


def png_bytes(image: Image.Image | np.ndarray) -> bytes:
    if isinstance(image, np.ndarray):
        image = Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8), "RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
