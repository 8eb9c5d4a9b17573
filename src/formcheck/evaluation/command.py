"""`formcheck eval`: accuracy against labelled clips (a manifest, or rendered sample clips)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from formcheck.errors import OutputError
from formcheck.evaluation.options import DEFAULT_CACHE, EXERCISE_FROM, PARTS
from formcheck.pose.models import DEFAULT_MODEL

EXIT_INTERRUPTED = 130


def cmd_eval(args: argparse.Namespace) -> int:
    # Here, not at the top: they load NumPy and the analysis, which `--help` does not need.
    from formcheck.evaluation.manifest import ManifestError, load
    from formcheck.evaluation.report import format_markdown, format_text, summarize
    from formcheck.evaluation.runner import evaluate
    from formcheck.evaluation.split import load_split
    from formcheck.io.atomic import atomic_write_text

    manifest = load(Path(args.manifest), Path(args.clips_root) if args.clips_root else None)
    if not manifest.clips_root.is_dir():
        raise ManifestError(
            f"clips folder {manifest.clips_root} does not exist: pass --clips-root DIR"
        )
    if args.json and not Path(args.json).resolve().parent.is_dir():
        raise OutputError(f"cannot write {args.json}: its folder does not exist")
    if args.part != "all":
        split = load_split()
        manifest.clips = [c for c in manifest.clips if split.part_of(c.file) == args.part]
    try:
        results = evaluate(
            manifest,
            model=args.model,
            cache=Path(args.cache),
            exercise_from=args.exercise_from,
            progress=not args.quiet,
        )
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (cli.main): nothing half-written
        print(
            "formcheck: interrupted: no results were written; the landmarks of the clips "
            f"done so far are kept in {args.cache}, so running it again resumes quickly",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    summary = summarize(results, str(args.manifest), args.model, args.exercise_from)
    print(format_markdown(summary) if args.markdown else format_text(summary))
    if args.json:
        atomic_write_text(args.json, json.dumps(summary, indent=1) + "\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="measure accuracy against labelled clips",
        description="Run the analysis over labelled clips and compare: faults (TP/FP/FN, "
        "precision, recall, F1), rep counts, false alarms, 'not assessable' against the "
        "labelled view. Pose landmarks are cached.",
    )
    p.add_argument(
        "manifest",
        help="a manifest JSON (eval/README.md) or a folder of clips with *.labels.json",
    )
    p.add_argument(
        "--clips-root",
        help="folder the manifest's file names are relative to (default: the manifest's "
        "clips_root_default, from the project folder; a labels folder is its own root)",
    )
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"pose model (default {DEFAULT_MODEL})")
    p.add_argument("--json", help="also write every number and per-clip result here")
    p.add_argument(
        "--exercise-from",
        choices=EXERCISE_FROM,
        default="manifest",
        help="judge each clip as its labelled exercise, or as the one recognised (auto)",
    )
    p.add_argument("--cache", default=str(DEFAULT_CACHE), help="landmark cache folder")
    p.add_argument(
        "--part",
        choices=(*PARTS, "all"),
        default="all",
        help="only the clips of this part of the fixed split (eval/split.json); the "
        "headline table always shows each part present",
    )
    p.add_argument("--quiet", action="store_true", help="no per-clip progress on stderr")
    p.add_argument(
        "--markdown", action="store_true", help="print the headline tables as Markdown (docs)"
    )
    p.set_defaults(func=cmd_eval)
