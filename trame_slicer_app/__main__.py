"""``python -m trame_slicer_app``: Slicer's engine served to a browser."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from trame.app import get_server

from .app import STREAM_MODES, STREAM_PACED, AppConfig, SlicerWebApp
from .desktop import desktop_problem, desktop_start_options, prepare_desktop_rendering, tie_window_to_server
from .native_heap import keep_heap_compact
from .process_end import end_cleanly_on_signals, finish_without_interruption
from .scene_session import DataError, SceneSession
from .temp_folders import remove_orphans
from .web.access_guard import AccessGuard, serving_secret
from .web.session_end import report_session_end
from .web.wslink_hardening import harden_wslink

log = logging.getLogger("trame_slicer_app")

DESCRIPTION = """Slicer in the browser. Opens the given data (volumes: NRRD, NIfTI,
MetaImage; segmentations and label maps; models: STL, OBJ, PLY, VTK, VTP; Slicer
scenes: .mrml, .mrb; DICOM folders, files or zips) or, with none, a built-in sample
head CT, and serves Slicer's 3D and slice views to a browser. trame's own options (--authKey, --timeout, ...)
work as usual; --app opens a native window instead of a browser (desktop mode: pip install
'trame-slicer-app[desktop]')."""


def main(argv: list[str] | None = None) -> int:
    # From its first line a signal ends the process through its exit, which removes its files
    # (uploads, downloads: patient data); folders left by app processes that were killed go too.
    end_cleanly_on_signals()
    remove_orphans()
    # Nearly every byte on the websocket is JPEG frames or uploaded files, which
    # deflate cannot shrink: compressing them only costs CPU on both ends (uploads
    # ran 2-3x faster without it, see docs/decisions/0005). A deployment may still
    # set WSLINK_WS_COMPRESS=1.
    os.environ.setdefault("WSLINK_WS_COMPRESS", "0")
    keep_heap_compact()  # before the engine allocates anything
    server = get_server(client_type="vue3")
    cli = server.cli
    cli.description = DESCRIPTION
    cli.add_argument("--data", nargs="+", metavar="PATH", default=[], help="data file(s) or folder(s) to open")
    cli.add_argument(
        "--stream", choices=STREAM_MODES, default=STREAM_PACED,
        help="how views reach the browser: 'paced' (adaptive, input-compacting; default) "
        "or 'vtk-remote' (trame-vtk's stock VtkRemoteView)",
    )
    cli.add_argument("--data-dir", metavar="DIR", default=None,
                     help="a server folder the browser may browse and open files from (nothing outside it)")
    cli.add_argument("--log-level", default="INFO", help="server log level (DEBUG shows streaming figures)")
    cli.add_argument("--allowed-origin", action="append", default=[], metavar="ORIGIN",
                     help="a page origin (scheme://host:port) besides the served host whose websockets are accepted")
    cli.add_argument("--empty", action="store_true", help="start with an empty scene instead of the sample head CT")
    args, _unknown = cli.parse_known_args(argv)
    # Our package logs at the chosen level; trame's own INFO chatter stays quiet.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log.setLevel(args.log_level.upper())

    if args.data_dir is not None and not os.path.isdir(args.data_dir):
        print(f"trame-slicer-app: error: --data-dir {args.data_dir}: not a folder", file=sys.stderr)
        return 2
    if args.app and (problem := desktop_problem()):
        print(f"trame-slicer-app: error: {problem}", file=sys.stderr)
        return 2
    if args.app:
        prepare_desktop_rendering()
    # Off loopback, never trame's well-known default secret (docs/decisions/0022).
    secret = serving_secret(args.host, args.port, args.authKey, args.authKeyFile)
    harden_wslink()
    try:
        session = SceneSession()
        if args.data:
            session.open_paths(args.data)
        elif not args.empty:
            session.open_sample()
    except DataError as error:
        for problem in error.problems:
            print(f"trame-slicer-app: error: {problem}", file=sys.stderr)
        return 2

    config = AppConfig(stream_mode=args.stream, data_dir=Path(args.data_dir) if args.data_dir else None)
    app = SlicerWebApp(server, session, config)
    guard = AccessGuard(secret, tuple(args.allowed_origin))
    server.add_protocol_to_configure(lambda root: root.registerLinkProtocol(guard))
    report_session_end(server.state)
    if args.app:
        tie_window_to_server(app.server)
    try:
        app.server.start(**(desktop_start_options() if args.app else {}))
    finally:
        finish_without_interruption()
    return 0


if __name__ == "__main__":
    sys.exit(main())
