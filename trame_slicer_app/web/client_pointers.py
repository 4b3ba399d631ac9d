"""Where each tab's pointer is: the view under it and its position there, from that tab's input.

Kept per tab, not per view: two tabs point at different places, and a tab that
closes (or reloads) sends no "leave", so only its connection closing forgets it.
"""

from __future__ import annotations

from typing import Any

from ..streaming.input_events import InputError, parse_input_message


class ClientPointers:
    def __init__(self) -> None:
        self._where: dict[Any, tuple[str, int, int]] = {}  # tab -> (view name, x, y in its pixels)

    def on_input(self, client, view_name: str, events) -> None:
        """One input message of a tab for a view, as the view's stream took it."""
        try:
            events = parse_input_message(events)
        except InputError:
            return
        for event in events:
            if event["type"] != "leave":
                self._where[client] = (view_name, event["x"], event["y"])
            elif self._where.get(client, ("",))[0] == view_name:
                # The next view's "enter" may come first: its message is another one.
                del self._where[client]

    def forget(self, client) -> None:
        self._where.pop(client, None)

    def positions(self) -> dict[Any, tuple[str, int, int]]:
        return dict(self._where)
