"""Command line: a thin layer over the library. User mistakes print one line, never a traceback."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from formcheck import __version__
from formcheck.errors import ClipNotFoundError, FormcheckError
from formcheck.exercises.names import AUTO, check_name
from formcheck.pose.models import DEFAULT_MODEL

EXIT_INTERNAL_ERROR = 1
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

ANALYZE_EPILOG = """\
exit status: 0 analysed (outputs written); 2 a problem with the clip, the options or the
output folder (one line on stderr says what and what to do; nothing is written); 130 stopped
by Ctrl-C or SIGTERM (nothing is written, no partial file is left); 1 an internal error in
formcheck (please report it).
"""


def _tqdm_progress(enabled: bool):
    """Progress bars (tqdm) on stderr, one per pass; off when not a terminal or --quiet."""

    def factory(total: int | None, label: str) -> Callable[[int], None]:
        if not enabled:
            return lambda n: None
        from tqdm import tqdm

        desc = {"pose": "finding poses", "video": "drawing video"}.get(label, label)
        bar = tqdm(total=total, desc=desc, unit="frame", leave=False, dynamic_ncols=True)
        return bar.update

    return factory


def check_before_loading(args: argparse.Namespace) -> None:
    """The mistakes found without the analysis, in the order it checks them, and in its
    words: answered at once, not after a second of importing the pose model's libraries."""
    clip = Path(args.clip)
    if not clip.exists():
        raise ClipNotFoundError(f"clip {clip} does not exist: check the path")
    if args.exercise != AUTO:
        check_name(args.exercise)


def cmd_analyze(args: argparse.Namespace) -> int:
    check_before_loading(args)
    from formcheck.pipeline import analyze
    from formcheck.report.summary import fit_to_encoding, format_summary

    try:
        report = analyze(
            args.clip,
            exercise=args.exercise,
            out=args.out,
            model=args.model,
            config=args.config,
            video=not args.no_video,
            jobs=args.jobs,
            progress=_tqdm_progress(not args.quiet and sys.stderr.isatty()),
        )
    except KeyboardInterrupt:
        print(
            f"formcheck: {_stopped_by()}: the analysis of {args.clip} was stopped; nothing "
            "was written",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    summary = format_summary(report, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    print(fit_to_encoding(summary, sys.stdout.encoding))
    return 0


def _stopped_by() -> str:
    """How the command was stopped, for its last line: "interrupted (SIGTERM)", or
    "interrupted" for Ctrl-C."""
    from formcheck.interrupts import stop_signal_name

    name = stop_signal_name()
    return f"interrupted ({name})" if name and name != "SIGINT" else "interrupted"


def cmd_exercises(args: argparse.Namespace) -> int:
    from formcheck.config import measure_units
    from formcheck.exercises.registry import available, get_exercise

    exercises = [get_exercise(name) for name in available()]
    units = measure_units()
    rows = {
        ex.name: [
            (
                rule.id,
                rule.cue,
                ", ".join(rule.views),
                "; ".join(
                    f"{c.measure} {c.compare} {c.threshold:g} {units.get(c.measure, '')}".strip()
                    for c in rule.conditions
                ),
            )
            for rule in ex.rules
        ]
        for ex in exercises
    }
    header = ("fault", "cue", "views", "fault when (--config thresholds, in these units)")
    widths = [max(len(row[k]) for row in [header, *sum(rows.values(), [])]) for k in range(3)]
    for i, ex in enumerate(exercises):
        if i:
            print()
        source = ex.source.split(": ", 1)[-1]  # without its number in the project's texts
        print(f"{ex.name}: {ex.title} (coaching text: {source})")
        for row in [header, *rows[ex.name]]:
            cells = [f"{cell:<{width}}" for cell, width in zip(row, widths)]
            print("  " + "  ".join([*cells, row[3]]).rstrip())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="formcheck",
        description="Rep-by-rep form feedback for hip-hinge training from video.",
    )
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "analyze",
        aliases=["analyse"],
        help="analyse a recorded clip",
        epilog=ANALYZE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("clip", help="video file (mp4, mov, webm, gif...)")
    p.add_argument(
        "--exercise",
        default=AUTO,
        help="exercise name (see `formcheck exercises`), or auto (default): recognise it "
        "from the motion, and ask when not sure",
    )
    p.add_argument("--out", help="output folder (default: CLIP's folder / CLIPNAME_formcheck)")
    p.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"pose model: lite, full, heavy or a path to a .task file (default {DEFAULT_MODEL})",
    )
    p.add_argument("--config", help="TOML file overriding rule thresholds")
    p.add_argument("--no-video", action="store_true", help="skip the annotated video")
    p.add_argument(
        "--jobs",
        type=int,
        choices=(1, 2),
        help="processes reading the poses: 2 shares the clip between two cores, 1 keeps to "
        "one (default: 2 when two cores are free to use and the clip lasts a few seconds)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("exercises", help="list exercises and the faults they judge")
    p.set_defaults(func=cmd_exercises)
    from formcheck.batch.cli import register as register_batch

    register_batch(sub)
    from formcheck.evaluation.command import register as register_eval

    register_eval(sub)
    from formcheck.live.cli import register as register_live

    register_live(sub)
    from formcheck.serve.cli import register as register_serve

    register_serve(sub)
    return parser


def quiet_native_logs() -> None:
    """MediaPipe's C++ layers write start-up chatter (XNNPACK, feedback tensors) straight to
    file descriptor 2, which no Python logging setting reaches. Point fd 2 at /dev/null and
    give Python's ``sys.stderr`` a private copy of the real stream, so formcheck's own
    messages and progress bars still show. Only when stderr is the process's own (not when a
    caller or test has replaced it), and never with --debug."""
    if sys.stderr is not sys.__stderr__:
        return
    try:
        sys.stderr.flush()
        private = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        sys.stderr = os.fdopen(
            private, "w", buffering=1, encoding=sys.__stderr__.encoding, errors="replace"
        )
    except OSError:
        pass  # no fd 2 to redirect (e.g. some embedded interpreters): keep the chatter


def never_fail_to_print() -> None:
    """A terminal or redirected output that is not UTF-8 (Windows' cp1252) cannot show every
    character formcheck prints (a clip's name, a check mark): show a replacement rather
    than fail after the work is done."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(Exception):  # not a text stream we may change
                stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    from formcheck.interrupts import stop_on_signals

    # From the start: a stop signal while the command starts up (importing its libraries
    # takes a second) ends it like any other, in one line.
    with stop_on_signals():
        try:
            never_fail_to_print()
            parser = build_parser()
            args = parser.parse_args(argv)
            if not args.debug:
                quiet_native_logs()
                # NumPy's "mean of empty slice" and the like: frames without a person are
                # NaN by design, and the analysis handles them; they are not the user's news.
                warnings.simplefilter("ignore", RuntimeWarning)
        except KeyboardInterrupt:
            print(f"formcheck: {_stopped_by()} while starting", file=sys.stderr)
            return EXIT_INTERRUPTED
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return args.func(args)
    except FormcheckError as exc:
        print(f"formcheck: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"formcheck: {_stopped_by()}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `formcheck exercises | head`: the reader has all it wanted
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # an internal bug: one line unless --debug
        if args.debug:
            raise
        first_line = next((line for line in str(exc).splitlines() if line.strip()), "")
        print(
            f"formcheck: internal error: {type(exc).__name__}: {first_line.strip()} "
            "(run again with --debug for details, and please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
