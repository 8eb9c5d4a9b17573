"""Turn the command line's inputs (files, folders, globs) and a manifest into clip jobs."""

from __future__ import annotations

import csv
import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from formcheck.batch.errors import BatchInputError
from formcheck.batch.jobs import ClipJob

# Looked for inside folders; a file named on the command line is taken whatever its suffix.
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".3gp"}
)
# `formcheck analyze` writes beside the clip into CLIPNAME_formcheck/: its annotated videos
# are outputs, not clips to check.
ANALYZE_OUTPUT_SUFFIX = "_formcheck"
LEGS = ("left", "right")
MANIFEST_COLUMNS = {"clip": "clip", "exercise": "exercise", "standing_leg": "standing_leg"}


@dataclass(frozen=True)
class ManifestRow:
    clip: Path
    shown: str
    exercise: str | None
    standing_leg: str | None


def find_clips(inputs: list[str], out: Path) -> list[tuple[Path, str]]:
    """(absolute path, path as shown) of every clip the inputs name, sorted, without
    duplicates. Folders are searched recursively, skipping hidden entries and formcheck's own
    output folders (``out`` and ``*_formcheck``), so a rerun never checks its own videos."""
    found: dict[Path, str] = {}
    skip = out.resolve()
    for spec in inputs:
        matches = _expand(spec)
        clips = []
        for match in matches:
            if match.is_dir():
                clips += _videos_under(match, skip)
            elif match.is_file():
                clips.append(match)
        if not clips:
            what = "folder" if len(matches) == 1 and matches[0].is_dir() else "input"
            raise BatchInputError(
                f"no video files found in {what} {spec} (looked for "
                f"{', '.join(sorted(VIDEO_SUFFIXES))}): check the path"
            )
        for clip in clips:
            found.setdefault(clip.resolve(), str(clip))
    return sorted(found.items())


def _expand(spec: str) -> list[Path]:
    path = Path(spec).expanduser()
    if path.exists():
        return [path]
    if any(ch in spec for ch in "*?["):
        matches = [Path(m) for m in sorted(glob.glob(os.path.expanduser(spec), recursive=True))]
        if matches:
            return matches
        raise BatchInputError(f"no file matches {spec}: check the pattern")
    raise BatchInputError(f"input {spec} does not exist: check the path")


def _videos_under(folder: Path, skip: Path) -> list[Path]:
    videos = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and not d.endswith(ANALYZE_OUTPUT_SUFFIX)
            and (here / d).resolve() != skip
        )
        videos += [
            here / name
            for name in sorted(files)
            if not name.startswith(".") and Path(name).suffix.lower() in VIDEO_SUFFIXES
        ]
    return videos


def read_manifest(path: Path) -> list[ManifestRow]:
    """Rows of a CSV with a header: ``clip`` (required; relative paths are from the
    manifest's folder), ``exercise`` and ``standing_leg`` (optional, may be empty). Other
    columns (a client's name, notes) are ignored."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise BatchInputError(f"manifest {path} does not exist: check the path") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise BatchInputError(f"cannot read manifest {path}: {error}") from None
    if not rows:
        raise BatchInputError(f"manifest {path} is empty: it needs a header row with 'clip'")
    header = [_column_name(cell) for cell in rows[0]]
    if "clip" not in header:
        raise BatchInputError(
            f"manifest {path} has no 'clip' column in its header row "
            f"({', '.join(rows[0]) or 'empty'}): name the columns clip, exercise, standing_leg"
        )
    entries = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cells[i].strip() for i, name in enumerate(header) if i < len(cells)}
        entries.append(_manifest_row(path, line, values))
    if not entries:
        raise BatchInputError(f"manifest {path} lists no clips")
    return entries


def _column_name(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def _manifest_row(path: Path, line: int, values: dict[str, str]) -> ManifestRow:
    where = f"manifest {path} line {line}"
    clip = values.get("clip", "")
    if not clip:
        raise BatchInputError(f"{where}: the clip cell is empty")
    leg = values.get("standing_leg", "").lower() or None
    if leg is not None and leg not in LEGS:
        raise BatchInputError(
            f"{where}: standing_leg {values['standing_leg']!r} is not left or right"
        )
    clip_path = Path(clip).expanduser()
    if not clip_path.is_absolute():
        clip_path = path.parent / clip_path
    return ManifestRow(
        clip=Path(os.path.abspath(clip_path)),
        shown=str(clip_path),
        exercise=values.get("exercise") or None,
        standing_leg=leg,
    )


def folder_name(clip: Path) -> str:
    """The clip's output folder name: its stem, for people, and a short hash of its full path,
    so ``a/set1.mp4`` and ``b/set1.mp4`` get their own folders, the same in every run."""
    digest = hashlib.sha1(str(clip).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{clip.stem}-{digest}"


def plan_jobs(inputs: list[str], manifest: Path | None, exercise: str, out: Path) -> list[ClipJob]:
    """One job per clip: the clips the inputs name plus those the manifest lists; a
    manifest row's exercise wins over ``exercise``."""
    clips: dict[Path, tuple[str, str | None, str | None]] = {
        path: (shown, None, None) for path, shown in find_clips(inputs, out)
    }
    if manifest is not None:
        # Manifest clips are not checked for existence here: on a cluster only the workers
        # may see them. A missing one is reported in its summary row.
        for row in read_manifest(manifest):
            key = row.clip.resolve() if row.clip.exists() else row.clip
            clips[key] = (clips.get(key, (row.shown,))[0], row.exercise, row.standing_leg)
    out = Path(os.path.abspath(out))
    return [
        ClipJob(
            clip=str(path),
            shown=shown,
            folder=str(out / folder_name(path)),
            exercise=row_exercise or exercise,
            standing_leg=leg,
        )
        for path, (shown, row_exercise, leg) in sorted(clips.items())
    ]
