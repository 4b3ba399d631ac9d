"""``trame-slicer-app-launcher``: the front door that gives each browser a session of its own.

Routes:
- ``/``: a new session (303 to its page, with a cookie that binds it to this browser), or a 503
  page when the server is full;
- ``/s/<id>/paraview/`` (POST): wslink's launcher answer for trame's client, which asks it from
  the page: the session's websocket URL and secret, to the browser holding its cookie only;
- ``/s/<id>/ws``: the session's websocket, its Origin checked against the served host;
- ``/s/<id>/...``: the session's page and downloads, relayed to its app process;
- ``/healthz``: 200 once the pool can serve (a readiness probe's answer)."""

from __future__ import annotations

import asyncio
import hmac
import logging
import socket
import sys

import aiohttp
from aiohttp import web

from ..web.access_guard import is_loopback, new_secret, origin_matches_host
from . import pages
from .relay import relay_http, relay_websocket
from .session_pool import ServerFull, SessionPool, StartFailed
from .settings import LauncherSettings, parse_settings

log = logging.getLogger("trame_slicer_app.launcher")

ACCESS_COOKIE = "slicer-access"
POOL = web.AppKey("pool", SessionPool)
CLIENT = web.AppKey("client", aiohttp.ClientSession)
SETTINGS = web.AppKey("settings", LauncherSettings)


def session_cookie(session_id: str) -> str:
    return f"slicer-session-{session_id}"


def _owns(request: web.Request, session) -> bool:
    key = request.cookies.get(session_cookie(session.id), "")
    return hmac.compare_digest(key.encode(), session.browser_key.encode())


def _session_or_page(request: web.Request):
    """The session this browser owns at /s/<id>/, or the page that says why not."""
    pool = request.app[POOL]
    session_id = request.match_info["session_id"]
    session = pool.sessions.get(session_id)
    if session is None:
        reason = pool.ended.get(session_id)
        return None, (pages.session_ended(reason) if reason else pages.unknown_session())
    if not _owns(request, session):
        return None, pages.not_yours()
    return session, None


async def new_session(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    if settings.access_token is not None:
        given = request.query.get("token") or request.cookies.get(ACCESS_COOKIE) or ""
        if not hmac.compare_digest(given.encode(), settings.access_token.encode()):
            return pages.token_needed()
    try:
        session = await request.app[POOL].claim()
    except ServerFull:
        return pages.server_full()
    except StartFailed:
        return pages.start_failed()
    response = web.HTTPSeeOther(f"/s/{session.id}/index.html")  # the app would redirect / there: one hop less
    response.set_cookie(session_cookie(session.id), session.browser_key, path=f"/s/{session.id}/",
                        httponly=True, samesite="Strict", secure=request.secure)
    if settings.access_token is not None:
        response.set_cookie(ACCESS_COOKIE, settings.access_token, path="/", httponly=True, samesite="Strict",
                            secure=request.secure)
    return response


async def session_connection(request: web.Request) -> web.StreamResponse:
    """What trame's client asks the launcher for: where the websocket is and its secret."""
    session, refusal = _session_or_page(request)
    if session is None:
        return web.json_response({"error": "This session has ended or is not yours. Reload the page."},
                                 status=refusal.status)
    return web.json_response({
        "id": session.id,
        # trame's client puts the page's scheme and host in place of use_host (and lowercases it).
        "sessionURL": f"ws://USE_HOST/s/{session.id}/ws",
        "secret": session.app.secret,
    }, headers={"Cache-Control": "no-store"})


async def session_websocket(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    host = request.headers.get("X-Forwarded-Host") or request.host
    if not origin_matches_host(request.headers.get("Origin"), host, settings.allowed_origins):
        log.warning("websocket from another site's page refused")
        return pages.refused_origin()
    session, refusal = _session_or_page(request)
    if session is None:
        return refusal
    return await relay_websocket(request, session, request.app[CLIENT])


async def session_page(request: web.Request) -> web.StreamResponse:
    if request.method not in ("GET", "HEAD"):
        raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
    session, refusal = _session_or_page(request)
    if session is None:
        return refusal
    try:
        return await relay_http(request, session, request.app[CLIENT])
    except aiohttp.ClientError:
        return pages.session_ended("its server process does not answer")


async def health(request: web.Request) -> web.Response:
    pool = request.app[POOL]
    settings = request.app[SETTINGS]
    ready = settings.pool_size == 0 or pool.ready_in_pool > 0 or pool.process_count >= settings.max_sessions
    fork_server = pool.fork_server
    return web.json_response({"ready": ready, "sessions": len(pool.sessions), "pooled": pool.ready_in_pool,
                              "fork_server": bool(fork_server and fork_server.ready),
                              "fork_server_restarts": fork_server.restarts if fork_server else 0},
                             status=200 if ready else 503)


@web.middleware
async def no_tracebacks(request: web.Request, handler):
    """Whatever fails, the client gets a short page: no traceback, no server path."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception:
        log.exception("request failed")
        return pages.page(500, "Something went wrong", "The server could not answer this request.",
                          pages.NEW_SESSION)


def make_app(settings: LauncherSettings) -> web.Application:
    app = web.Application(middlewares=[no_tracebacks], client_max_size=1024 * 64)
    app[SETTINGS] = settings
    app[POOL] = SessionPool(settings)

    async def on_startup(app: web.Application) -> None:
        # No cap on connections (each open websocket holds one) and no total time (a websocket or a
        # large download lasts as long as it lasts); connecting to a local app must be quick.
        app[CLIENT] = aiohttp.ClientSession(auto_decompress=False, connector=aiohttp.TCPConnector(limit=0),
                                            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10))
        await app[POOL].start()

    async def on_cleanup(app: web.Application) -> None:
        await app[POOL].close()
        await app[CLIENT].close()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.add_routes([
        web.get("/", new_session, allow_head=False),  # a HEAD (a link checker) takes no session
        web.get("/healthz", health),
        web.get("/index.html", lambda request: web.HTTPFound("/"), allow_head=False),  # trame's usual address
        web.post("/s/{session_id:[0-9a-f]{32}}/paraview/", session_connection),
        web.get("/s/{session_id:[0-9a-f]{32}}/ws", session_websocket),
        web.route("*", "/s/{session_id:[0-9a-f]{32}}/{tail:.*}", session_page),
    ])
    return app


def secure_by_default(settings: LauncherSettings) -> None:
    """Off loopback, a token (given or made here and printed) unless --public says otherwise."""
    if is_loopback(settings.host) or settings.public or settings.access_token is not None:
        return
    settings.access_token = new_secret()
    shown_host = socket.gethostname() if settings.host in ("0.0.0.0", "::", "") else settings.host
    print("trame-slicer-app-launcher: listening beyond this machine without --access-token or --public: "
          f"made a token for this run.\n    Open http://{shown_host}:{settings.port}/?token="
          f"{settings.access_token}", flush=True)


def main(argv: list[str] | None = None) -> int:
    settings = parse_settings(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # its lines carry session URLs
    secure_by_default(settings)
    print(f"Launcher running at http://{settings.host}:{settings.port}/ (pool {settings.pool_size}, "
          f"at most {settings.max_sessions} sessions)", flush=True)
    web.run_app(make_app(settings), host=settings.host, port=settings.port, print=None,
                handle_signals=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
