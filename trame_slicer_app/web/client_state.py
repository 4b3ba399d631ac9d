"""Interface state that belongs to one browser tab: dialogs, the drawer, downloads, notices, readouts.

trame keeps one state per server and copies whatever a tab changes to every
other tab; that suits the scene, which all tabs share, but not a dialog one
user opened. The keys declared here are therefore:

- client-only (``state.client_only``): what a tab changes stays in that tab; the
  server never hears of it, so no other tab and no later visit sees it;
- given their default in the server's state, which every tab loads when it opens;
- changed by the server for one tab only: the tab whose trigger is being served
  (registered with ``trigger``), or one named, on trame's state topic.

The server cannot read what a tab changed; what it needs travels as trigger arguments.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from wslink.websocket import LinkProtocol

log = logging.getLogger(__name__)

STATE_TOPIC = "trame.state.topic"  # trame's own: the page applies it as a server update

# The tab whose trigger is being served, through that trigger's awaits.
_caller: contextvars.ContextVar = contextvars.ContextVar("slicer_calling_client", default=None)


class _ConnectionWatch(LinkProtocol):
    def __init__(self, on_close: Callable[[Any], None]) -> None:
        super().__init__()
        self._on_close = on_close

    def onClose(self, client_id) -> None:
        self._on_close(client_id)


class ClientState:
    """Per-tab state keys (see the module docstring)."""

    def __init__(self, server) -> None:
        self.server = server
        self._defaults: dict[str, Any] = {}
        self._sent: dict[Any, dict[str, Any]] = {}  # per tab: the values last sent to it
        self.close_listeners: list[Callable[[Any], None]] = []  # told the id of each tab that closes
        server.add_protocol_to_configure(lambda root: root.registerLinkProtocol(_ConnectionWatch(self._closed)))

    def declare(self, **defaults: Any) -> None:
        self._defaults.update(defaults)
        self.server.state.update(defaults)
        self.server.state.client_only(*defaults)

    # -- which tab ----------------------------------------------------------------
    @property
    def caller(self):
        """The tab whose trigger is being served; None outside a trigger."""
        return _caller.get()

    def trigger(self, name: str) -> Callable:
        """As ``server.trigger(name)``, and the handler's updates go to the tab that called it."""

        def register(handler: Callable) -> Callable:
            if inspect.iscoroutinefunction(handler):
                @functools.wraps(handler)
                async def served(*args, **kwargs):
                    token = _caller.set(self._calling_connection())
                    try:
                        return await handler(*args, **kwargs)
                    finally:
                        _caller.reset(token)
            else:
                @functools.wraps(handler)
                def served(*args, **kwargs):
                    token = _caller.set(self._calling_connection())
                    try:
                        return handler(*args, **kwargs)
                    finally:
                        _caller.reset(token)
            self.server.trigger(name)(served)
            return handler

        return register

    def _calling_connection(self):
        # wslink notes the connection of the message it serves just before calling the RPC
        # (trame's trigger), in the same loop turn (pinned wslink 2.6.0).
        handler = getattr(getattr(self.server.protocol, "publish", None), "__self__", None)
        web_app = getattr(handler, "web_app", None)
        return getattr(web_app, "last_active_client_id", None)

    # -- values -------------------------------------------------------------------
    def update(self, values: dict[str, Any] | None = None, client=None, **more: Any) -> None:
        """Set declared keys in one tab: ``client``, else the calling tab. Outside any trigger
        (no calling tab), every tab gets them, as a server-wide notice would."""
        values = {**(values or {}), **more}
        unknown = set(values) - set(self._defaults)
        if unknown:
            raise KeyError(f"not declared per tab: {sorted(unknown)}")
        client = client if client is not None else self.caller
        self._sent.setdefault(client, {}).update(values)
        protocol = self.server.protocol
        if protocol is None:  # not serving yet: there is no tab
            return
        protocol.publish(STATE_TOPIC, values, client_id=client)

    def get(self, key: str, client=None) -> Any:
        """What the server last set ``key`` to in a tab (the calling one by default); the tab
        itself may have changed it since, which the server never hears."""
        client = client if client is not None else self.caller
        return self._sent.get(client, {}).get(key, self._defaults[key])

    def _closed(self, client_id) -> None:
        self._sent.pop(client_id, None)
        for listener in self.close_listeners:
            try:
                listener(client_id)
            except Exception:  # one listener must not keep the others from forgetting the tab
                log.exception("forgetting client %s", client_id)
