"""What the mouse-driven effects share about the views: they act in slice views only, and each keeps
one drawing (brush outline, polyline) per slice view it has been used in, made on first use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

F = TypeVar("F")


def is_slice_view(view) -> bool:
    return getattr(view, "kind", None) == "slice"


class FeedbackPerView(Generic[F]):
    """``feedback(view)``: the effect's drawing in that view; ``all()``: every drawing made so far."""

    def __init__(self, make: Callable[[object], F]) -> None:
        self._make = make
        self._by_view: dict[str, F] = {}

    def __call__(self, view) -> F:
        if view.name not in self._by_view:
            self._by_view[view.name] = self._make(view)
        return self._by_view[view.name]

    def all(self) -> Iterable[F]:
        return self._by_view.values()


def is_threed_view(view) -> bool:
    return getattr(view, "kind", None) == "3d"
