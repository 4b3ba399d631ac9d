"""README's "Using it" names the drawer's panels as the app builds them."""

from __future__ import annotations

import re
from pathlib import Path

from trame_slicer_app.web.features import feature_classes

README = Path(__file__).resolve().parents[1] / "README.md"


def panels_paragraph() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^- \*\*Panels\*\*(.*?)(?=^- |\Z)", text, flags=re.S | re.M)
    assert found, "README has no Panels item"
    return found.group(1)


def test_the_readme_lists_the_drawer_panels_in_order_and_nothing_else():
    paragraph = panels_paragraph()
    in_drawer = [f.title for f in feature_classes() if hasattr(f, "build_panel")]
    # Toolbar items and overlays (the Data Probe) are no panels.
    not_in_drawer = {f.title for f in feature_classes() if not hasattr(f, "build_panel")} - set(in_drawer)
    positions = [paragraph.find(f"{title} (") for title in in_drawer]
    assert -1 not in positions, dict(zip(in_drawer, positions, strict=True))
    assert positions == sorted(positions), f"the drawer's order is {in_drawer}"
    for title in sorted(not_in_drawer):
        assert title not in paragraph, f"{title!r} is no panel of the drawer"
