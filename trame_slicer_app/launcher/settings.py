"""The launcher's settings and command line."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LauncherSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    pool_size: int = 1  # ready processes waiting for a browser
    max_sessions: int = 4  # app processes at most, the pool's included
    idle_s: float = 300.0  # a session with no browser connected this long ends
    session_memory_mb: int = 3072  # a session whose resident memory passes this ends
    start_timeout_s: float = 120.0  # an app process not ready by then is given up
    port_range: tuple[int, int] = (9100, 9199)  # the app processes' loopback ports
    sessions_root: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "trame-slicer-sessions")
    access_token: str | None = None  # asked of a browser before it gets a session
    public: bool = False  # off loopback, serve anyone without a token (behind a gate of one's own)
    allowed_origins: tuple[str, ...] = ()
    app_args: tuple[str, ...] = ()  # passed on to every app process (e.g. --data-dir /data)
    # Each session a headless Slicer or SlicerCAT instead of this package's app (its command, split as a
    # shell would: e.g. ("xvfb-run", "-a", "/opt/MyCAT/MyCAT")); empty: this package's own app.
    slicer_command: tuple[str, ...] = ()
    check_interval_s: float = 1.0  # how often sessions are looked at (idle, memory, exit)
    refill_delay_s: float = 5.0  # after a claim, the pool's next process starts this much later
    fork_server: bool = True  # app processes forked from one that imported the engine (shared pages)


def parse_settings(argv: list[str] | None = None) -> LauncherSettings:
    parser = argparse.ArgumentParser(
        prog="trame-slicer-app-launcher",
        description="Serve Slicer in the browser to many users: each browser gets an app process of its "
        "own, from a pool of ready ones. Options after -- go to every app process "
        "(e.g. -- --data-dir /data).",
    )
    defaults = LauncherSettings()
    parser.add_argument("--host", default=defaults.host, help="address to listen on (default: loopback)")
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument("--pool-size", type=int, default=defaults.pool_size,
                        help="app processes started ahead, waiting for a browser")
    parser.add_argument("--max-sessions", type=int, default=defaults.max_sessions,
                        help="app processes at most (the pool's included); beyond, new browsers get a 503 page")
    parser.add_argument("--idle-s", type=float, default=defaults.idle_s,
                        help="a session with no browser connected this many seconds ends")
    parser.add_argument("--session-memory-mb", type=int, default=defaults.session_memory_mb,
                        help="a session whose resident memory passes this ends (its browser is told)")
    parser.add_argument("--start-timeout-s", type=float, default=defaults.start_timeout_s)
    parser.add_argument("--refill-delay-s", type=float, default=defaults.refill_delay_s,
                        help="after a browser takes a pooled process, wait this long before starting the next "
                        "(the new session's first frame goes first)")
    parser.add_argument("--no-fork-server", dest="fork_server", action="store_false",
                        help="start each app process on its own instead of forking it from one that has "
                        "imported the engine already (which shares those pages among them)")
    parser.add_argument("--ports", default="{}-{}".format(*defaults.port_range), metavar="FIRST-LAST",
                        help="loopback ports for the app processes")
    parser.add_argument("--sessions-root", type=Path, default=defaults.sessions_root,
                        help="each session's files (uploads, temporary files, downloads) go in a folder here, "
                        "removed when it ends")
    parser.add_argument("--access-token", default=os.environ.get("TRAME_SLICER_ACCESS_TOKEN"),
                        help="a browser must open /?token=TOKEN once (env TRAME_SLICER_ACCESS_TOKEN)")
    parser.add_argument("--public", action="store_true",
                        help="off loopback, give anyone who reaches the port a session without a token")
    parser.add_argument("--allowed-origin", action="append", default=[], metavar="ORIGIN",
                        help="a page origin besides the served host whose websockets are accepted")
    parser.add_argument("--slicer-command", default="", metavar="COMMAND",
                        help="start each session as this Slicer or SlicerCAT without a main window, serving its "
                        "views (e.g. 'xvfb-run -a /opt/MyCAT/MyCAT'; trame-slicer-app installed in its Python); "
                        "options after -- then go to it")
    argv = list(sys.argv[1:] if argv is None else argv)
    app_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, app_args = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    first, _, last = args.ports.partition("-")
    if args.pool_size < 0 or args.max_sessions < 1 or args.pool_size > args.max_sessions:
        parser.error("--pool-size must be between 0 and --max-sessions, which must be at least 1")
    return LauncherSettings(
        host=args.host, port=args.port, pool_size=args.pool_size, max_sessions=args.max_sessions,
        idle_s=args.idle_s, refill_delay_s=args.refill_delay_s, session_memory_mb=args.session_memory_mb,
        start_timeout_s=args.start_timeout_s, fork_server=args.fork_server,
        port_range=(int(first), int(last or first)), sessions_root=args.sessions_root,
        access_token=args.access_token, public=args.public, allowed_origins=tuple(args.allowed_origin),
        app_args=tuple(app_args), slicer_command=tuple(shlex.split(args.slicer_command)),
    )
