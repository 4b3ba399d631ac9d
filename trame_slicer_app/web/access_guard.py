"""Who may drive this process: the secret, the page's origin and the size of messages.

trame checks the secret a client sends in wslink's hello against ``--authKey``, whose default
(``wslink-secret``) is public knowledge, and does not look at where the page came from. This link
protocol closes those gaps (docs/decisions/0022-sessions-for-many-users.md); wslink_hardening.py
closes the others (message size, tracebacks)."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
import socket
from urllib.parse import urlsplit

from wslink.websocket import LinkProtocol

log = logging.getLogger(__name__)

TRAME_DEFAULT_SECRET = "wslink-secret"  # wslink's --authKey default


def is_loopback(host: str) -> bool:
    """True when ``host`` (as given to --host) only accepts connections from this machine."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_secret() -> str:
    """A session secret from the operating system's random source (``secrets``), URL-safe."""
    return secrets.token_urlsafe(24)


def origin_matches_host(origin: str | None, host: str | None, allowed: tuple[str, ...] = ()) -> bool:
    """Whether a websocket's ``Origin`` is the page this server (or its proxy) served.

    Browsers always send an Origin with a websocket; a missing one is a program, not a page
    another site could have opened, so it passes here and must still show the secret."""
    if not origin:
        return True
    if origin in allowed:
        return True
    parts = urlsplit(origin)
    return bool(host) and parts.netloc.lower() == host.lower()


class AccessGuard(LinkProtocol):
    """Authenticates wslink's hello: the right secret, compared in constant time, from a page of
    an allowed origin. Being a link protocol with ``validateToken``, its answer is final
    (wslink then skips its own comparison)."""

    def __init__(self, secret: str, allowed_origins: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secret = secret.encode()
        self._allowed_origins = allowed_origins
        self._refused_origin: set[str] = set()

    def onConnect(self, request, client_id) -> None:
        headers = getattr(request, "headers", {})
        host = headers.get("X-Forwarded-Host") or headers.get("Host")
        if not origin_matches_host(headers.get("Origin"), host, self._allowed_origins):
            log.warning("websocket from another site's page refused")
            self._refused_origin.add(client_id)

    def onClose(self, client_id) -> None:
        self._refused_origin.discard(client_id)

    async def validateToken(self, token, client_id) -> bool:
        if client_id in self._refused_origin:
            return False
        return isinstance(token, str) and hmac.compare_digest(token.encode(), self._secret)


def serving_secret(host: str, port: int, auth_key: str | None, auth_key_file: str | None) -> str:
    """The secret clients must show. On loopback trame's behaviour is kept (``--authKey`` or its
    default); anywhere else without a secret of the user's own a random one is made and the URL
    carrying it printed, as Jupyter does with its token."""
    if auth_key_file:
        with open(auth_key_file, encoding="utf-8") as key_file:
            return key_file.read().strip()
    if auth_key and auth_key != TRAME_DEFAULT_SECRET:
        return auth_key
    if is_loopback(host):
        return auth_key or TRAME_DEFAULT_SECRET
    secret = new_secret()
    shown_host = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    print(f"trame-slicer-app: listening beyond this machine without --authKey: made a secret for this run.\n"
          f"    Open http://{shown_host}:{port}/index.html?secret={secret}", flush=True)
    return secret
