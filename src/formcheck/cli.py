"""Command line: a thin layer over the library. User mistakes print one line, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from formcheck import __version__
from formcheck.errors import FormcheckError

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


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


def cmd_analyze(args: argparse.Namespace) -> int:
    from formcheck.pipeline import analyze
    from formcheck.report.summary import format_summary

    report = analyze(
        args.clip,
        exercise=args.exercise,
        out=args.out,
        model=args.model,
        config=args.config,
        video=not args.no_video,
        progress=_tqdm_progress(not args.quiet and sys.stderr.isatty()),
    )
    print(format_summary(report, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
    return 0


def cmd_exercises(args: argparse.Namespace) -> int:
    from formcheck.exercises.registry import available, get_exercise

    for name in available():
        ex = get_exercise(name)
        print(f"{ex.name}  ({ex.title}; source {ex.source})")
        for rule in ex.rules:
            views = ", ".join(rule.views)
            print(f"  {rule.id:<18} {rule.cue:<22} views: {views}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="formcheck",
        description="Rep-by-rep form feedback for hip-hinge training from video.",
    )
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("analyze", help="analyse a recorded clip")
    p.add_argument("clip", help="video file (mp4, mov, webm, gif...)")
    p.add_argument(
        "--exercise",
        default="auto",
        help="exercise name (see `formcheck exercises`), or auto (default): recognise it "
        "from the motion, and ask when not sure",
    )
    p.add_argument("--out", help="output folder (default: CLIP's folder / CLIPNAME_formcheck)")
    p.add_argument(
        "--model",
        default="lite",
        help="pose model: lite, full, heavy or a path to a .task file (default lite)",
    )
    p.add_argument("--config", help="TOML file overriding rule thresholds")
    p.add_argument("--no-video", action="store_true", help="skip the annotated video")
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.debug:
        quiet_native_logs()
    try:
        return args.func(args)
    except FormcheckError as exc:
        print(f"formcheck: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("formcheck: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # an internal bug: one line unless --debug
        if args.debug:
            raise
        first_line = next((line for line in str(exc).splitlines() if line.strip()), "")
        print(
            f"formcheck: internal error: {type(exc).__name__}: {first_line.strip()} "
            "(run again with --debug for details, and please report it)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
