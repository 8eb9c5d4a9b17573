"""The labelled sets the evidence tools read (rendered sample clips, real-clip manifest): their
command-line options and their loading, with the user told which set was left out and why.
Imported by tools/*_evidence.py (run as scripts, so this folder is on the import path)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.evaluation.evidence import labelled_sets
from formcheck.evaluation.manifest import Manifest
from formcheck.evaluation.poses import DEFAULT_CACHE
from formcheck.evaluation.split import load_split

PROJECT = Path(__file__).resolve().parents[1]


def add_set_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rendered", default=str(PROJECT / "sample_videos"))
    parser.add_argument("--real", default=str(PROJECT / "eval" / "real_manifest.json"))
    parser.add_argument(
        "--part",
        choices=("tune", "test", "all"),
        default="tune",
        help="which part of the fixed split (eval/split.json) to read: thresholds are set on "
        "the tuning part only (default tune)",
    )


def add_pose_arguments(parser: argparse.ArgumentParser) -> None:
    """The pose model and the landmark cache, for the tools that read landmarks."""
    parser.add_argument("--model", default="lite")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE))


def load_sets(args: argparse.Namespace) -> list[tuple[str, Manifest]] | None:
    """(name, manifest) of each set whose clips are present, or None (the error printed)
    when a manifest does not load."""
    try:
        sets, notes = labelled_sets({"rendered": Path(args.rendered), "real": Path(args.real)})
    except FormcheckError as exc:
        print(exc, file=sys.stderr)
        return None
    for note in notes:
        print(note, file=sys.stderr)
    part = getattr(args, "part", "all")
    if part != "all":
        split = load_split()
        for _, manifest in sets:
            manifest.clips = [c for c in manifest.clips if split.part_of(c.file) == part]
        print(f"reading the {part} part of the split only (eval/split.json)", file=sys.stderr)
    return sets


def pose_sets_from_command_line(
    description: str, argv: list[str] | None
) -> tuple[argparse.Namespace, list[tuple[str, Manifest]]] | None:
    """The options and sets of a tool that reads every labelled set's landmarks and takes
    nothing else: (args, sets), or None (the error printed) when a manifest does not load."""
    parser = argparse.ArgumentParser(description=description)
    add_set_arguments(parser)
    add_pose_arguments(parser)
    args = parser.parse_args(argv)
    sets = load_sets(args)
    return None if sets is None else (args, sets)
