"""File sizes as people read them; no trame, no VTK."""

from __future__ import annotations

# Decimal units, as file managers and browsers' download lists show them.
UNITS = ("B", "kB", "MB", "GB", "TB")
STEP = 1000


def size_text(size_bytes: int) -> str:
    """812 B, 4.2 kB, 14 MB: three significant figures at most, so the column stays narrow."""
    size = float(max(0, int(size_bytes)))
    unit = 0
    while size >= STEP and unit < len(UNITS) - 1:
        size /= STEP
        unit += 1
    if unit == 0:
        return f"{int(size)} B"
    return f"{size:.1f} {UNITS[unit]}" if size < 100 else f"{size:.0f} {UNITS[unit]}"
