"""Browser input events: validated (every field is hostile until checked) and
compacted so that input never queues."""

from __future__ import annotations

from collections.abc import Iterable

EVENT_TYPES = frozenset({"move", "press", "release", "wheel", "key", "enter", "leave"})
MAX_EVENTS_PER_MESSAGE = 256
MAX_COORDINATE_PX = 16384
MAX_WHEEL_STEPS = 50
MAX_KEY_LENGTH = 16


class InputError(ValueError):
    """An input message that does not follow the protocol."""


def _coordinate(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise InputError("coordinates must be numbers")
    return int(min(max(value, -MAX_COORDINATE_PX), MAX_COORDINATE_PX))


def validate_event(raw) -> dict:
    """A clean copy of one event, or InputError."""
    if not isinstance(raw, dict):
        raise InputError("an event must be an object")
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        raise InputError(f"unknown event type {kind!r}")
    event = {
        "type": kind,
        "x": _coordinate(raw.get("x", 0)),
        "y": _coordinate(raw.get("y", 0)),
        "shift": bool(raw.get("shift")),
        "ctrl": bool(raw.get("ctrl")),
        "alt": bool(raw.get("alt")),
    }
    if kind in ("press", "release"):
        button = raw.get("button", 0)
        if isinstance(button, bool) or not isinstance(button, int) or button not in (0, 1, 2):
            raise InputError("button must be 0, 1 or 2")
        event["button"] = button
    elif kind == "wheel":
        steps = raw.get("steps", 0)
        if isinstance(steps, bool) or not isinstance(steps, int):
            raise InputError("wheel steps must be an integer")
        event["steps"] = max(-MAX_WHEEL_STEPS, min(MAX_WHEEL_STEPS, steps))
    elif kind == "key":
        key = raw.get("key")
        if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
            raise InputError("key must be a short string")
        event["key"] = key
    return event


def compact(events: Iterable[dict]) -> list[dict]:
    """Coalesce a burst of events: the latest of consecutive moves wins,
    consecutive wheel steps add up; presses, releases, keys, enter and leave
    are kept in order."""
    compacted: list[dict] = []
    for event in events:
        last = compacted[-1] if compacted else None
        if last is not None and event["type"] == "move" and last["type"] == "move":
            compacted[-1] = event
        elif last is not None and event["type"] == "wheel" and last["type"] == "wheel":
            merged = dict(event)
            merged["steps"] = max(-MAX_WHEEL_STEPS, min(MAX_WHEEL_STEPS, last["steps"] + event["steps"]))
            compacted[-1] = merged
        else:
            compacted.append(event)
    return compacted


def parse_input_message(events) -> list[dict]:
    """Validate and compact one input message from a client."""
    if not isinstance(events, list):
        raise InputError("events must be a list")
    if len(events) > MAX_EVENTS_PER_MESSAGE:
        raise InputError(f"at most {MAX_EVENTS_PER_MESSAGE} events per message")
    return compact(validate_event(e) for e in events)
