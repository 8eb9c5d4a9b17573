"""`formcheck live`: arguments, what is printed while the set goes on, and the exit status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from formcheck.live.keys import KEY_HELP
from formcheck.pose.models import LIVE_MODEL

EXIT_OK = 0
EXIT_CAMERA_LOST = 3  # the session so far is saved; the camera went away
EXIT_INTERRUPTED = 130  # Ctrl-C: the session so far is saved

EPILOG = f"""\
{KEY_HELP}; headless (--no-window): Ctrl-C ends the session.
--camera takes a camera number (0 is the usual webcam), a stream URL, or a video file,
which is played at its real pace as if it were a camera.
With --record DIR each session is saved in a new folder under DIR: the annotated video as
shown, report.json (rewritten after every rep), measures.csv and report.html, on any exit,
Ctrl-C included.
exit status: 0 session ended; 3 the camera was lost (the session so far is saved);
130 interrupted with Ctrl-C (saved); 2 a mistake in the command or set-up.
"""


def register(sub) -> None:
    """Add the `live` subcommand to formcheck's subparsers."""
    p = sub.add_parser(
        "live",
        help="live feedback from a webcam: overlay, rep counter, spoken cues",
        description="Live form feedback from a camera, rep by rep, while you train.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--exercise", required=True, help="exercise name (see `formcheck exercises`)")
    p.add_argument(
        "--camera",
        default="0",
        help="camera number, stream URL, or a video file played at real pace (default 0)",
    )
    p.add_argument(
        "--model",
        default=LIVE_MODEL,
        help="pose model: lite (default; keeps up with 30 fps on 2 cores), full, heavy, or a "
        ".task file",
    )
    p.add_argument("--config", help="TOML file overriding rule thresholds")
    p.add_argument("--voice", action="store_true", help="speak rep counts and fault cues")
    p.add_argument("--record", metavar="DIR", help="save each session in a new folder in DIR")
    p.add_argument(
        "--no-window",
        action="store_true",
        help="no window: print the feedback here (for a machine without a screen)",
    )
    p.set_defaults(func=cmd_live)


def cmd_live(args: argparse.Namespace) -> int:
    from formcheck.live.app import run_live

    def warn(message: str) -> None:
        print(f"formcheck: warning: {message}", file=sys.stderr, flush=True)

    def on_event(event) -> None:
        print(f"[{event.t:7.1f} s] {event.text}", flush=True)

    source = f"camera {args.camera}" if str(args.camera).isdigit() else args.camera
    print(
        f"formcheck live: {args.exercise} from {source} ({args.model} model). "
        + ("Ctrl-C ends the session." if args.no_window else KEY_HELP + "."),
        flush=True,
    )
    # Ctrl-C and SIGTERM end the session as `q` does, with its recording (cli.main).
    result = run_live(
        args.exercise,
        camera=args.camera,
        model=args.model,
        config=args.config,
        voice=args.voice,
        record=args.record,
        window=not args.no_window,
        on_event=on_event,
        warn=warn,
    )
    report, stats = result.report, result.stats.summary()
    print(
        f"session over: {len(report.reps)} reps, {report.fault_count} faults; "
        f"{stats['frames_processed']} of {stats['frames_offered']} frames analysed, "
        f"latency median {stats['latency_p50_ms']:.0f} ms",
        flush=True,
    )
    if "report" in report.outputs:
        saved = f"saved in {Path(report.outputs['report']).parent}"
        if "html" in report.outputs:
            saved += f"; full report: {report.outputs['html']}"
        print(saved, flush=True)
    if result.reason == "camera_lost":
        print(f"formcheck: error: {result.message}", file=sys.stderr)
        return EXIT_CAMERA_LOST
    if result.reason == "interrupted":
        return EXIT_INTERRUPTED
    return EXIT_OK
