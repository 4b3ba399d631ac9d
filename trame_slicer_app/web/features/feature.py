"""The one kind of object every web feature is: panel, toolbar action, dialog or view overlay.

See docs/decisions/0018-web-features.md. A feature is a trame ``TrameComponent``: trame's own
decorators (``@change``, ``@trigger``, ``@controller.set``, ``@life_cycle.server_ready``) wire
its handlers when it is made; ``@tab_trigger`` wires a trigger served for the calling tab only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import asdict, fields, is_dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from trame.app import TrameComponent

if TYPE_CHECKING:
    from ...scene_session import SceneSession
    from ..app_config import AppConfig
    from ..client_state import ClientState
    from ..mrml_binding import MrmlBinding

F = TypeVar("F", bound=Callable[..., Any])

class FeatureHost(Protocol):
    """What a feature may use of the app (``SlicerWebApp`` is one)."""

    server: Any
    session: SceneSession
    binding: MrmlBinding
    client_state: ClientState
    config: AppConfig
    input_listeners: list  # told (tab, view name, events) of each streamed input message
    features: list  # every feature, in drawer order: one may use another's service (a download)

    def layout_rows(self) -> tuple[tuple[str, ...], ...]: ...  # the shown layout's grid of view names


def tab_trigger(*names: str) -> Callable[[F], F]:
    """As trame's ``@trigger``, served through ``ClientState.trigger``: the handler's per-tab updates
    go to the tab that called it (docs/decisions/0011)."""

    def mark(method: F) -> F:
        method.__dict__.setdefault("_tab_trigger_names", []).extend(names)
        return method

    return mark


def state_keys(state_class: type | None) -> tuple[str, ...]:
    """The state keys a state dataclass declares (its field names)."""
    return tuple(f.name for f in fields(state_class)) if state_class is not None else ()


class Feature(TrameComponent):
    """Base of every web feature. Subclasses set ``name`` (a stable id: the ``data-feature`` CSS hook
    and the prefix of the feature's state keys and triggers), ``title`` and ``icon``, and optionally:

    - ``shared_state``: a dataclass whose fields are state keys shared by every tab, with their defaults;
    - ``tab_state``: a dataclass whose fields are per-tab keys (``ClientState``), with their defaults;
    - ``build_panel()``, ``build_toolbar()``, ``build_view_overlay(view_name)``: its widgets;
    - ``on_views_changed()``: the host's views changed (a live desktop's layout brought or dropped views), for a
      feature with per-view parts (the host's ``view_looks()`` lists them).

    Keys bound to MRML are declared with ``self.binding.bind`` (docs/decisions/0007), not here.
    """

    name: ClassVar[str]
    title: ClassVar[str] = ""
    icon: ClassVar[str] = ""
    shared_state: ClassVar[type | None] = None
    tab_state: ClassVar[type | None] = None

    def __init__(self, host: FeatureHost) -> None:
        self.host = host
        self.session = host.session
        self.binding = host.binding
        self.tabs = host.client_state
        self.config = host.config
        for state_class in (self.shared_state, self.tab_state):
            if state_class is not None and not is_dataclass(state_class):
                raise TypeError(f"{type(self).__name__}: {state_class!r} is not a dataclass")
        if self.shared_state is not None:
            host.server.state.update(asdict(self.shared_state()))
        if self.tab_state is not None:
            self.tabs.declare(**asdict(self.tab_state()))
        super().__init__(host.server)  # wires trame's decorators
        self._bind_tab_triggers()

    def _bind_tab_triggers(self) -> None:
        for attribute, _ in inspect.getmembers(type(self), inspect.isfunction):
            method = getattr(self, attribute)
            for trigger_name in method.__dict__.get("_tab_trigger_names", ()):
                self.tabs.trigger(trigger_name)(method)

    def close(self) -> None:
        """Release what the feature holds outside the process's memory (its files); the app's ``close()``
        calls it. The process's end removes those too (temp_folders.py); this is for an app that ends
        before its process does (the in-process tests)."""

    @classmethod
    def declared_keys(cls) -> tuple[str, ...]:
        """Every state key the feature declares through its dataclasses."""
        return state_keys(cls.shared_state) + state_keys(cls.tab_state)
