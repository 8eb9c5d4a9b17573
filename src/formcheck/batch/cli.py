"""`formcheck batch`: its arguments, and the exit status that tells a script how it went."""

from __future__ import annotations

import argparse
import sys

from formcheck.batch.options import AUTO, ENGINES
from formcheck.pose.models import DEFAULT_MODEL

EXIT_OK = 0  # every clip checked now or in an earlier run
EXIT_CLIPS_FAILED = 3  # the batch ran to its end, and at least one clip failed
EXIT_INTERRUPTED = 130  # Ctrl-C: finished clips and the summary are kept; rerun to resume
# Set-up mistakes exit 2 with one line, like every formcheck command; 1 is an internal error.

EPILOG = """\
exit status: 0 every clip checked (now or in an earlier run); 3 at least one clip failed
(see summary.csv); 130 interrupted (finished clips and the summary are kept: run the same
command again to resume); 2 a mistake in the command or set-up, before any clip ran.
"""


def register(sub) -> None:
    """Add the `batch` subcommand to formcheck's subparsers."""
    p = sub.add_parser(
        "batch",
        help="check many clips: files, folders or globs, on this machine or a Dask cluster",
        description="Check many clips into one output folder, with a summary to triage from.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="video files, folders, globs")
    p.add_argument("--out", required=True, help="output folder: a subfolder per clip, summary")
    p.add_argument(
        "--exercise",
        default=AUTO,
        help=f"exercise name, or {AUTO} (default) to recognise it; a manifest's column wins",
    )
    p.add_argument(
        "--manifest",
        help="CSV with columns clip, exercise, standing_leg (the last two optional)",
    )
    p.add_argument("--jobs", type=int, help="local worker processes (default: one per core)")
    p.add_argument(
        "--engine",
        choices=ENGINES,
        help="local processes (default) or a Dask cluster (needs --scheduler)",
    )
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    p.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"pose model: lite, full, heavy or a path to a .task file (default {DEFAULT_MODEL})",
    )
    p.add_argument("--config", help="TOML file overriding rule thresholds")
    p.add_argument("--no-video", action="store_true", help="skip the annotated videos (faster)")
    p.add_argument("--force", action="store_true", help="check again clips done in earlier runs")
    p.add_argument("--quiet", action="store_true", help="no progress bars, no line per clip")
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from formcheck.batch.summary import counts

    engine = args.engine or ("dask" if args.scheduler else "local")
    if args.scheduler and engine != "dask":
        from formcheck.batch.errors import BatchInputError

        raise BatchInputError("--scheduler is for --engine dask; drop it or use --engine dask")
    outcome = _run(args, engine)  # Ctrl-C and SIGTERM: the summary so far (cli.main)
    found = counts(outcome.results)
    tally = ", ".join(f"{n} {status}" for status, n in found.items())
    print(
        f"{len(outcome.results)} clips: {tally}. Summary: {outcome.summary_csv}, "
        f"{outcome.summary_json.name}; open index.html beside them in a browser"
    )
    if outcome.interrupted:
        print("formcheck: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_CLIPS_FAILED if outcome.failed else EXIT_OK


def _run(args: argparse.Namespace, engine: str):
    from formcheck.batch.runner import run_batch

    return run_batch(
        args.inputs,
        args.out,
        exercise=args.exercise,
        manifest=args.manifest,
        jobs=args.jobs,
        engine=engine,
        scheduler=args.scheduler,
        model=args.model,
        config=args.config,
        video=not args.no_video,
        force=args.force,
        bars=not args.quiet and sys.stderr.isatty(),
        lines=not args.quiet,
    )
