"""The wslink side of view streaming: RPCs in, frames out as binary attachments."""

from __future__ import annotations

import asyncio
import logging

from trame_client.widgets.core import AbstractElement
from wslink import register as export_rpc
from wslink.websocket import LinkProtocol

from ..streaming.input_events import InputError
from ..streaming.view_streamer import ViewStreamer
from .browser_components import enable_browser_components

log = logging.getLogger(__name__)

FRAME_TOPIC = "slicer.stream.frame"


class StreamProtocol(LinkProtocol):
    """Routes the stream RPCs to a ViewStreamer; a bad message is refused
    with a logged reason and changes nothing."""

    def __init__(self, streamer_holder) -> None:
        super().__init__()
        self._holder = streamer_holder
        self._frames_published = 0

    @property
    def _streamer(self) -> ViewStreamer:
        return self._holder.streamer

    @property
    def _handler(self):
        """The wslink websocket handler that bound our publish (pinned wslink 2.6.0 API)."""
        handler = getattr(self.publish, "__self__", None)
        return handler if hasattr(handler, "sendWrappedMessage") else None

    def _calling_client(self):
        """Which connection the RPC being served came from: wslink notes it just
        before calling us, in the same loop turn."""
        handler = self._handler
        web_app = getattr(handler, "web_app", None)
        return getattr(web_app, "last_active_client_id", None)

    def onClose(self, client_id) -> None:
        self._streamer.on_client_gone(client_id)

    def publish_frame(self, meta: dict, data: bytes, clients: dict | None = None) -> asyncio.Future | None:
        """Send a frame now to ``clients`` ({client id: its own meta fields}; None: all, with
        ``meta`` as it is); the future completes once it is on the sockets. wslink's own
        publish sends on a later loop turn, behind whatever render the streamer starts meanwhile."""
        self._frames_published += 1
        message_id = f"publish:{FRAME_TOPIC}:{self._frames_published}"
        handler = self._handler
        if handler is None:
            self.publish(FRAME_TOPIC, {**meta, "image": data})
            return None
        targets = {None: {}} if clients is None else clients
        return asyncio.gather(*(
            handler.sendWrappedMessage(message_id, {**meta, **own, "image": data}, client_id=client)
            for client, own in targets.items()
        ))

    @export_rpc("slicer.stream.input")
    def input(self, view, seq, events):
        try:
            client = self._calling_client()
            seq = self._streamer.on_input(view, seq, events, client=client)
            for listener in self._holder.input_listeners:
                listener(client, view, events)
            # The server's clock, so the client can tell a frame's transfer time
            # from this tiny reply's (see streaming/link_quality.py).
            return {"seq": seq, "server_ms": self._streamer.now_ms()}
        except InputError as error:
            log.warning("refused input for %r: %s", view, error)
            return {"error": str(error)}

    @export_rpc("slicer.stream.ack")
    def ack(self, view, frame_id, timing=None):
        try:
            self._streamer.on_ack(view, frame_id, timing, client=self._calling_client())
        except InputError as error:
            log.warning("refused ack: %s", error)

    @export_rpc("slicer.stream.resize")
    def resize(self, view, width, height):
        log.debug("resize %r to %sx%s", view, width, height)
        try:
            self._streamer.on_resize(view, width, height, client=self._calling_client())
        except InputError as error:
            log.warning("refused resize: %s", error)

    @export_rpc("slicer.stream.stats")
    def stats(self):
        return self._streamer.stats()


class SlicerStreamView(AbstractElement):
    """A streamed Slicer view in the page (see web/ui/slicer-view.js)."""

    def __init__(self, name: str, show_stats=None, **kwargs) -> None:
        super().__init__("slicer-stream-view", name=name, show_stats=show_stats, **kwargs)
        self._attr_names += ["name", ("show_stats", "showStats")]
        if self.server:
            enable_browser_components(self.server)
