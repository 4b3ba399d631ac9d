"""A session's page and websocket, relayed to its app process on loopback.

Browser messages are size-capped here as they are in the app (docs/decisions/0022); the app's
frames pass uncapped. When the app's side closes, the browser's socket closes too, and the page
shows that its session has ended (web/session_end.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import aiohttp
from aiohttp import web
from yarl import URL

from ..web.wslink_hardening import AUTHENTICATED_MESSAGE_CAP
from .session_pool import LOOPBACK, Session

log = logging.getLogger(__name__)

# Headers that belong to one hop, or to us (the browser's session cookie is not the app's business).
_NOT_FORWARDED = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
                  "transfer-encoding", "upgrade", "host", "cookie", "content-length", "content-encoding"}
_RELAY_CHUNK = 256 * 1024


async def relay_http(request: web.Request, session: Session, client: aiohttp.ClientSession):
    # The path as the browser encoded it (a download's name may hold spaces, '%' or non-ASCII), less /s/<id>.
    tail = request.rel_url.raw_path.split("/", 3)[3]
    url = URL(f"http://{LOOPBACK}:{session.app.port}/{tail}", encoded=True)
    if request.rel_url.raw_query_string:
        url = URL(f"{url}?{request.rel_url.raw_query_string}", encoded=True)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}
    async with client.request(request.method, url, headers=headers,
                              allow_redirects=False, auto_decompress=False) as upstream:
        response = web.StreamResponse(status=upstream.status)
        for key, value in upstream.headers.items():
            if key.lower() not in _NOT_FORWARDED or key.lower() == "content-encoding":
                response.headers[key] = value
        await response.prepare(request)
        async for chunk in upstream.content.iter_chunked(_RELAY_CHUNK):
            await response.write(chunk)
        await response.write_eof()
        return response


async def relay_websocket(request: web.Request, session: Session, client: aiohttp.ClientSession):
    browser = web.WebSocketResponse(max_msg_size=AUTHENTICATED_MESSAGE_CAP, heartbeat=30, compress=False)
    await browser.prepare(request)
    session.connections += 1
    try:
        async with client.ws_connect(f"ws://{LOOPBACK}:{session.app.port}/ws", max_msg_size=0,
                                     compress=0, autoping=True) as app:
            upstream = asyncio.ensure_future(_pump(browser, app))
            downstream = asyncio.ensure_future(_pump(app, browser))
            await asyncio.wait({upstream, downstream}, return_when=asyncio.FIRST_COMPLETED)
            for task in (upstream, downstream):
                task.cancel()
            with contextlib.suppress(Exception):
                await app.close()
    except aiohttp.ClientError:
        log.warning("session %s: its app process did not accept the websocket", session.id[:8])
    finally:
        session.connections -= 1
        session.last_seen = time.monotonic()
        with contextlib.suppress(Exception):
            await browser.close(code=aiohttp.WSCloseCode.GOING_AWAY, message=b"session ended")
    return browser


async def _pump(source, target) -> None:
    async for message in source:
        if message.type == aiohttp.WSMsgType.BINARY:
            await target.send_bytes(message.data)
        elif message.type == aiohttp.WSMsgType.TEXT:
            await target.send_str(message.data)
        else:  # close, error: the relay ends
            return
