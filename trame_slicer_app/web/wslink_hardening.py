"""Two of wslink's habits a server facing strangers cannot keep (pinned wslink 2.6.0).

- Once a client is authenticated, wslink lets it announce messages of up to 4 GiB and allocates
  the announced size before the bytes arrive: one chunk header can take the process's memory.
  Our un-chunker keeps the limit at AUTHENTICATED_MESSAGE_CAP; a bigger message closes that socket.
- An RPC that raises is answered with the exception and its traceback, which name server paths
  and may carry file or patient names. The client gets the method and "Exception raised" only;
  the server log keeps the rest.

docs/decisions/0022-sessions-for-many-users.md says why these are patches of wslink's module
attributes rather than options: wslink has none for them."""

from __future__ import annotations

import wslink.protocol
from wslink.chunking import UnChunker

# Uploads travel in 1 MiB chunks (web/ui/slicer-upload.js) and every other message is far
# smaller: 8 MiB leaves room for msgpack's framing and nothing for a memory attack.
AUTHENTICATED_MESSAGE_CAP = 8 * 1024 * 1024


class CappedUnChunker(UnChunker):
    """wslink's un-chunker, whose limit after authentication stays bounded."""

    def set_max_message_size(self, size):
        super().set_max_message_size(min(size, AUTHENTICATED_MESSAGE_CAP))


def _without_details(send_wrapped_error):
    async def send(self, rpcid, code, message, data=None, client_id=None):
        if code == wslink.protocol.EXCEPTION_ERROR and isinstance(data, dict):
            data = {"method": data.get("method")}
        return await send_wrapped_error(self, rpcid, code, message, data, client_id=client_id)

    send.hides_details = True
    return send


def harden_wslink() -> None:
    # wslink makes an UnChunker per connection through this module attribute.
    wslink.protocol.UnChunker = CappedUnChunker
    handler = wslink.protocol.WslinkHandler
    if not getattr(handler.sendWrappedError, "hides_details", False):
        handler.sendWrappedError = _without_details(handler.sendWrappedError)
