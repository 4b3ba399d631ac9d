"""The launcher's own pages: short, readable, and never a traceback or a server path."""

from __future__ import annotations

import html

from aiohttp import web

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slicer: {title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;background:#1e1e1e;color:#eee;display:flex;align-items:center;
justify-content:center;min-height:90vh}} main{{max-width:34em;line-height:1.5}} a{{color:#8ab4f8}}</style>
</head><body><main><h1>{title}</h1>{body}</main></body></html>"""


def page(status: int, title: str, *paragraphs: str, retry_after_s: int | None = None) -> web.Response:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    headers = {"Cache-Control": "no-store"}
    if retry_after_s is not None:
        headers["Retry-After"] = str(retry_after_s)
    return web.Response(status=status, text=_PAGE.format(title=html.escape(title), body=body),
                        content_type="text/html", headers=headers)


NEW_SESSION = '<a href="/">Start a new session</a>'


def server_full() -> web.Response:
    return page(503, "The server is full",
                "Every session this server can hold is in use. Please try again in a few minutes.",
                retry_after_s=30)


def start_failed() -> web.Response:
    return page(503, "The session could not start",
                "Its server process did not come up. Please try again; if it keeps failing, tell the "
                "server's administrator.", NEW_SESSION, retry_after_s=10)


def session_ended(reason: str) -> web.Response:
    return page(410, "This session has ended", f"It ended because {html.escape(reason)}.",
                "What was open in it is gone.", NEW_SESSION)


def unknown_session() -> web.Response:
    return page(404, "No such session", "This address names no session on this server.", NEW_SESSION)


def not_yours() -> web.Response:
    return page(403, "This session belongs to another browser",
                "Each session is bound to the browser that started it.", NEW_SESSION)


def token_needed() -> web.Response:
    return page(401, "A token is needed",
                "This server asks for the address with its token (…/?token=…), as printed when it started.")


def refused_origin() -> web.Response:
    return page(403, "Refused", "Connections are accepted from this server's own pages only.")
