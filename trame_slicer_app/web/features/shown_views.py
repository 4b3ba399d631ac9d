"""The views a panel with per-view controls lists: those the page shows now.

A live desktop's layout decides which of its views are shown (hosts/host.py's ``desktop_layout``), and a view
it hides keeps being served (its widget stays with Slicer's layout manager) but is no view a user can see or
act on. The headless host renders whatever the page asks for, whatever the layout: every view of the kind.
"""

from __future__ import annotations


def shown_view_looks(session, kind: str) -> list:
    """The host's view looks (hosts/host.py's ViewLook) of ``kind`` ("slice", "3d") that its desktop shows now,
    in the host's order; every one of that kind for a host without a desktop."""
    looks = [look for look in session.view_looks() if look.kind == kind]
    desktop = session.desktop_layout()
    if desktop is None:
        return looks
    shown = set(desktop.views)
    return [look for look in looks if look.name in shown]
