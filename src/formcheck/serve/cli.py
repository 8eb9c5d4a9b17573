"""`formcheck serve FOLDER`: the local page, served by Waitress until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.interrupts import stop_on_sigterm
from formcheck.pose.models import DEFAULT_MODEL

DEFAULT_HOST = "127.0.0.1"  # this computer only, unless the user says otherwise
DEFAULT_PORT = 8321
DEFAULT_MAX_UPLOAD_MB = 500


class ServeError(FormcheckError):
    """The server could not start (port taken, address unknown)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="a local web page: drop a clip, read its report",
        description="Serve a page to drop clips on and read their reports. Uploads, reports "
        "and the list of earlier analyses are kept in FOLDER.",
    )
    p.add_argument("folder", help="folder to keep the uploaded clips and their reports in")
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this computer only; 0.0.0.0 lets "
        "anyone on your network upload)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    p.add_argument(
        "--max-upload-mb",
        type=int,
        default=DEFAULT_MAX_UPLOAD_MB,
        help=f"largest clip accepted, in MB (default {DEFAULT_MAX_UPLOAD_MB})",
    )
    p.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"pose model: lite, full, heavy or a .task file (default {DEFAULT_MODEL})",
    )
    p.add_argument("--config", help="TOML file overriding rule thresholds")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from waitress.server import create_server

    from formcheck.serve.app import Settings, analyse_job, create_app
    from formcheck.serve.jobs import JobStore, Runner

    if args.max_upload_mb < 1:
        raise ServeError("--max-upload-mb must be at least 1")
    if not 0 < args.port < 65536:
        raise ServeError(f"--port must be between 1 and 65535, got {args.port}")
    config = Path(args.config) if args.config else None
    if config is not None:  # a bad key is reported now, not on the first upload
        from formcheck.exercises.registry import available, get_exercise

        for name in available():
            get_exercise(name, config)

    folder = Path(args.folder)
    store = JobStore(folder)
    runner = Runner(store, analyse_job(args.model, config))
    settings = Settings(folder=folder, max_upload_mb=args.max_upload_mb)
    app = create_app(settings, store, runner)
    try:
        server = create_server(
            app,
            host=args.host,
            port=args.port,
            # Waitress's own cap, just above Flask's, so Flask answers with the message.
            max_request_body_size=(args.max_upload_mb + 1) * 1024 * 1024,
            threads=4,
        )
    except OSError as error:
        raise ServeError(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}; "
            "choose another port with --port"
        ) from None
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '') else args.host}:{args.port}/"
    print(f"formcheck serve: open {url} in a browser (analyses kept in {folder})", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"formcheck serve: warning: listening on {args.host}: anyone who can reach this "
            "computer can upload clips and read the reports",
            file=sys.stderr,
            flush=True,
        )
    print("Ctrl-C stops the server; finished analyses stay in the folder.", flush=True)
    runner.start()
    try:
        with stop_on_sigterm():  # `kill PID` stops it as Ctrl-C does
            server.run()
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()  # the running analysis stops at its next frame; the queue is kept
        server.close()
    print(f"formcheck serve: stopped; the analyses are kept in {folder}", flush=True)
    return 0
