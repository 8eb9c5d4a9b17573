"""Labelled clips to evaluate against: a JSON manifest (eval/README.md) or a folder of rendered
clips with ``*.labels.json`` beside them. Both become the same :class:`ClipLabel` rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formcheck.errors import FormcheckError
from formcheck.types import VIEWS

LABEL_VIEWS = (*VIEWS, "mixed")  # "mixed": the view changes within the clip
POSITIONS = ("top", "bottom", "mid")
UNSUPPORTED = "unsupported"
DEFAULT_CLIPS_ROOT = "../shared/clips/real"  # relative to the project folder holding eval/


class ManifestError(FormcheckError, ValueError):
    """A manifest is missing, malformed, or names a clip that is not there."""


@dataclass(frozen=True)
class ClipLabel:
    """What a person saw in one clip. Fault ids are the exercise's rule ids."""

    file: str
    exercise: str | None  # an exercise name, or None / "unsupported"
    view: str  # one of LABEL_VIEWS
    reps: int | None  # complete down-and-up cycles; None when not countable
    faults: tuple[str, ...] = ()  # present somewhere in the clip
    rep_faults: tuple[tuple[str, ...], ...] | None = None  # per complete rep, when known
    rep_times: tuple[tuple[float, float], ...] | None = None  # (start_s, end_s) per rep
    uncertain_faults: tuple[str, ...] = ()  # neither counted as present nor as absent
    good: bool | None = None  # True: none of our faults; None: the labeller cannot tell
    usable: bool = True
    reason: str = ""  # why not usable
    lifter_reps: int | None = None  # the lifter's own count where it differs from ``reps``
    partial_reps: int = 0
    same_take_as: str | None = None
    footage: tuple[str, ...] = ()  # what makes the footage messy: "cut", "caption", ...

    @property
    def supported_label(self) -> bool:
        return self.exercise not in (None, UNSUPPORTED)

    @property
    def counted_reps(self) -> int | None:
        """The lifter's count: each lift, where a clip starts at the bottom of a pull."""
        return self.lifter_reps if self.lifter_reps is not None else self.reps


@dataclass
class Manifest:
    source: Path
    clips_root: Path
    clips: list[ClipLabel] = field(default_factory=list)


def _fail(where: str, message: str) -> ManifestError:
    return ManifestError(f"{where}: {message}")


def _ids(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, f"{key} must be a list of fault ids")
    return tuple(value)


def parse_row(row: dict[str, Any], where: str) -> ClipLabel:
    """One manifest row, checked; ``where`` names it in errors."""
    for key in ("file", "exercise", "view", "reps", "faults", "good", "usable"):
        if key not in row:
            raise _fail(where, f"missing field {key!r}")
    if row["view"] not in LABEL_VIEWS:
        raise _fail(where, f"view {row['view']!r} is not one of {', '.join(LABEL_VIEWS)}")
    reps = row["reps"]
    if reps is not None and (not isinstance(reps, int) or reps < 0):
        raise _fail(where, "reps must be a whole number >= 0 or null")
    for key in ("start", "end"):
        if key in row and row[key] not in POSITIONS:
            raise _fail(where, f"{key} must be one of {', '.join(POSITIONS)}")
    if not row["usable"] and not row.get("reason"):
        raise _fail(where, "an unusable clip needs a reason")
    rep_faults = row.get("rep_faults")
    if rep_faults is not None:
        rep_faults = tuple(_ids(r, where, "rep_faults[]") for r in rep_faults)
        if reps is not None and len(rep_faults) != reps:
            raise _fail(where, f"rep_faults has {len(rep_faults)} entries for {reps} reps")
    return ClipLabel(
        file=row["file"],
        exercise=row["exercise"],
        view=row["view"],
        reps=reps,
        faults=_ids(row["faults"], where, "faults"),
        rep_faults=rep_faults,
        uncertain_faults=_ids(row.get("uncertain_faults", []), where, "uncertain_faults"),
        good=row["good"],
        usable=bool(row["usable"]),
        reason=row.get("reason", ""),
        lifter_reps=row.get("lifter_reps"),
        partial_reps=int(row.get("partial_reps", 0)),
        same_take_as=row.get("same_take_as"),
        footage=tuple(row.get("footage", ())),
    )


def load_manifest(path: Path, clips_root: Path | None = None) -> Manifest:
    """A JSON manifest; clip files resolve under ``clips_root`` (default: the manifest's
    ``clips_root_default``, relative to the project folder that holds the manifest's folder)."""
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise ManifestError(f"manifest {path} does not exist: check the path") from None
    except (OSError, ValueError) as exc:
        raise ManifestError(f"manifest {path} is not readable JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("clips"), list):
        raise ManifestError(f"manifest {path} must be an object with a 'clips' list")
    if clips_root is None:
        default = doc.get("clips_root_default", DEFAULT_CLIPS_ROOT)
        clips_root = path.resolve().parent.parent / default
    clips = [parse_row(row, f"{path.name} clip {i + 1}") for i, row in enumerate(doc["clips"])]
    names = [c.file for c in clips]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ManifestError(f"manifest {path} lists {dup} twice")
    return Manifest(source=path, clips_root=Path(clips_root), clips=clips)


def rendered_row(label_file: Path) -> ClipLabel:
    """A rendered clip's exact labels (tools/synth) as a manifest row."""
    labels = json.loads(label_file.read_text())
    reps = labels["reps"]
    rep_faults = tuple((r["fault"],) if r["fault"] else () for r in reps)
    return ClipLabel(
        file=label_file.name.replace(".labels.json", ".mp4"),
        exercise=labels["exercise"],
        view=labels["view"],
        reps=len(reps),
        faults=tuple(sorted({f for r in rep_faults for f in r})),
        rep_faults=rep_faults,
        rep_times=tuple((float(r["start_s"]), float(r["end_s"])) for r in reps),
        good=not any(rep_faults),
    )


def load_rendered(folder: Path) -> Manifest:
    files = sorted(folder.glob("*.labels.json"))
    if not files:
        raise ManifestError(f"{folder} holds no *.labels.json files to evaluate against")
    return Manifest(source=folder, clips_root=folder, clips=[rendered_row(f) for f in files])


def load(source: Path, clips_root: Path | None = None) -> Manifest:
    """A manifest file, or a folder of rendered clips with their labels."""
    if source.is_dir():
        return load_rendered(source)
    return load_manifest(source, clips_root)
