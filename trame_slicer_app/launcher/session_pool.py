"""Sessions and the pool of ready app processes behind them.

A browser that asks for a session gets a process that is already serving (the pool's oldest)
or, under the cap, one started for it; the pool is then topped up in the background. Ports come
from wslink's launcher's ResourceManager; ids and secrets from ``secrets`` (wslink's own session
manager takes ids from uuid1 and secrets from ``random``). A session ends when its process exits,
when no browser has been connected to it for ``idle_s``, or when its memory passes the bound;
why it ended is kept so that its page can say so."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from wslink.launcher import ResourceManager

from .app_process import AppProcess
from .fork_client import ForkServer, reap_orphans
from .settings import LauncherSettings

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
ENDED_KEPT = 1000  # how many ended sessions' reasons are remembered for their pages


class ServerFull(Exception):
    """Every allowed process is serving a browser."""


class StartFailed(Exception):
    """An app process did not come up."""


@dataclass
class Session:
    id: str  # in its URL: /s/<id>/ (lowercase hex: trame's client lowercases its session URL)
    browser_key: str  # the cookie that shows a browser owns it
    app: AppProcess
    claimed_at: float = field(default_factory=time.monotonic)
    connections: int = 0
    last_seen: float = field(default_factory=time.monotonic)


class SessionPool:
    def __init__(self, settings: LauncherSettings) -> None:
        self.settings = settings
        first, last = settings.port_range
        self._ports = ResourceManager([{"host": LOOPBACK, "port_range": [first, last]}])
        self._pool: list[AppProcess] = []  # started, not yet claimed, oldest first
        self.sessions: dict[str, Session] = {}
        self.ended: OrderedDict[str, str] = OrderedDict()  # session id -> why it ended
        self._watch_task: asyncio.Task | None = None
        self._refill_lock = asyncio.Lock()
        self._background: set[asyncio.Task] = set()
        self._closing = False
        # A SlicerCAT per session is its own program: only this package's app is forked.
        self.fork_server = ForkServer() if settings.fork_server and not settings.slicer_command else None
        self._leaving: set[AppProcess] = set()  # being stopped

    def _in_background(self, coroutine) -> None:
        # asyncio keeps only weak references to tasks: hold them until they finish.
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- life --------------------------------------------------------------------------------------
    async def start(self) -> None:
        self.settings.sessions_root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.fork_server is not None:
            await self.fork_server.start()
        self._watch_task = asyncio.ensure_future(self._watch())
        self._in_background(self.refill())

    async def close(self) -> None:
        self._closing = True  # no refill may start a process from now on
        if self._watch_task is not None:
            self._watch_task.cancel()
        for task in list(self._background):
            task.cancel()
        apps = [*self._pool, *(s.app for s in self.sessions.values())]
        self._pool.clear()
        self.sessions.clear()
        await asyncio.gather(*(app.stop() for app in apps), return_exceptions=True)
        if self.fork_server is not None:
            await self.fork_server.close()

    @property
    def process_count(self) -> int:
        return len(self._pool) + len(self.sessions)

    @property
    def ready_in_pool(self) -> int:
        return sum(1 for app in self._pool if app.ready.is_set() and app.running)

    # -- processes ---------------------------------------------------------------------------------
    def _new_process(self) -> AppProcess:
        port = self._free_port()
        name = secrets.token_hex(16)
        return AppProcess(name, port, secrets.token_urlsafe(32), self.settings.sessions_root / name,
                          self.settings.app_args, self.fork_server, self.settings.slicer_command)

    def _free_port(self) -> int:
        # A port someone else holds is set aside (not handed back) so that it is not tried again at once.
        while True:
            host, port = self._ports.getNextResource()
            if host is None:
                raise ServerFull("no free port")
            with socket.socket() as probe:
                try:
                    probe.bind((LOOPBACK, port))
                    return port
                except OSError:
                    log.warning("port %d is taken by another program; skipped", port)

    async def _discard(self, app: AppProcess) -> None:
        self._leaving.add(app)  # still waited for (reap_orphans must leave it alone)
        try:
            await app.stop()
        finally:
            self._leaving.discard(app)
        self._ports.freeResource(LOOPBACK, app.port)

    async def refill(self) -> None:
        """Starts processes until the pool holds ``pool_size`` of them, within the cap."""
        async with self._refill_lock:
            if self.fork_server is not None:  # a starting fork server gives cheaper processes: wait for it
                await self.fork_server.wait_ready(self.settings.start_timeout_s)
            while (not self._closing and len(self._pool) < self.settings.pool_size
                   and self.process_count < self.settings.max_sessions):
                try:
                    app = self._new_process()
                except ServerFull:
                    return
                self._pool.append(app)
                try:
                    await app.start()
                except OSError:
                    log.exception("an app process could not be started")
                    self._pool.remove(app)
                    await self._discard(app)
                    return

    async def _refill_later(self) -> None:
        # A starting app process takes the CPU for seconds: let the new browser's page and first
        # frame go first (on a small machine they would wait behind it).
        await asyncio.sleep(self.settings.refill_delay_s)
        await self.refill()

    # -- sessions ----------------------------------------------------------------------------------
    async def claim(self) -> Session:
        """A session for a new browser: a pooled process, or a fresh one under the cap."""
        app = None
        for candidate in sorted(self._pool, key=lambda a: (not a.ready.is_set(), a.started_at)):
            if candidate.running:
                app = candidate
                break
        fresh = app is None
        if not fresh:
            self._pool.remove(app)
        elif self._closing:
            raise ServerFull("the launcher is stopping")
        elif self.process_count < self.settings.max_sessions:
            app = self._new_process()
        else:
            raise ServerFull("every session is taken")
        # Counted before anything is awaited: claims and refills running meanwhile see it.
        session = Session(id=app.name, browser_key=secrets.token_urlsafe(32), app=app)
        self.sessions[session.id] = session
        self._in_background(self._refill_later())
        if fresh:
            try:
                await app.start()
            except OSError:
                log.exception("an app process could not be started")
                await self.end(session.id, "its server process did not start")
                raise StartFailed("the session's process did not start") from None
        if not await app.wait_ready(self.settings.start_timeout_s):
            await self.end(session.id, "its server process did not start")
            raise StartFailed("the session's process did not start")
        session.last_seen = time.monotonic()  # its browser has idle_s from now to connect
        log.info("session %s started (%d of at most %d processes)", session.id[:8], self.process_count,
                 self.settings.max_sessions)
        return session

    async def end(self, session_id: str, reason: str) -> None:
        session = self.sessions.pop(session_id, None)
        if session is None:
            return
        self.ended[session_id] = reason
        while len(self.ended) > ENDED_KEPT:
            self.ended.popitem(last=False)
        log.info("session %s ended: %s", session_id[:8], reason)
        await self._discard(session.app)
        self._in_background(self.refill())

    # -- watching ----------------------------------------------------------------------------------
    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.settings.check_interval_s)
            with contextlib.suppress(Exception):
                await self._check_once()

    async def _check_once(self) -> None:
        now = time.monotonic()
        for session in list(self.sessions.values()):
            app = session.app
            if app.ended.is_set():
                code = app.process.returncode if app.process else None
                await self.end(session.id, f"its server process stopped (exit status {code})")
            elif app.ready.is_set() and app.resident_mb() > self.settings.session_memory_mb:
                app.kill()
                await self.end(session.id, f"it used more memory than a session may "
                                           f"({self.settings.session_memory_mb} MB)")
            elif (session.connections == 0 and app.ready.is_set()
                  and now - session.last_seen > self.settings.idle_s):
                await self.end(session.id, f"no browser was connected to it for {self.settings.idle_s:g} s")
        if self.fork_server is not None and self.fork_server.subreaper:
            apps = [*self._pool, *(s.app for s in self.sessions.values()), *self._leaving]
            known = {a.process.pid for a in apps if a.process is not None}
            reap_orphans(known | ({self.fork_server.pid} if self.fork_server.pid else set()))
        for app in list(self._pool):
            if app.ended.is_set() or (not app.ready.is_set()
                                      and now - app.started_at > self.settings.start_timeout_s):
                log.warning("a pooled app process %s; starting another",
                            "stopped" if app.ended.is_set() else "did not start in time")
                self._pool.remove(app)
                await self._discard(app)
                self._in_background(self.refill())
