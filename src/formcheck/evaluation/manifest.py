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
REP_KINDS = ("rep", "partial", "setup")  # counted by the lifter / cut off by the clip / not a rep
UNSUPPORTED = "unsupported"
DEFAULT_CLIPS_ROOT = "../shared/clips/real"  # relative to the project folder holding eval/


class ManifestError(FormcheckError, ValueError):
    """A manifest is missing, malformed, or names a clip that is not there."""


@dataclass(frozen=True)
class RepLabel:
    """One movement a person saw, timed: a rep the lifter counts, a partial one the clip cuts
    off, or set-up (picking the weight up, putting it down, walking in, a reset)."""

    kind: str  # one of REP_KINDS
    start_s: float
    bottom_s: float
    end_s: float
    faults: tuple[str, ...] = ()  # clearly present
    uncertain: tuple[str, ...] = ()  # not decided (or not visible): neither present nor absent
    view: str | None = None  # where the camera view changes within the clip
    from_floor: bool = False  # a deadlift's first pull: starts at the bottom


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
    rep_labels: tuple[RepLabel, ...] | None = None  # every movement, timed (schema v2)
    rep_uncertain: tuple[tuple[str, ...], ...] | None = None  # per rep, with rep_faults
    panel: str | None = None  # split screens: which panel of the clip this row is
    crop: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 of the panel, pixels

    @property
    def key(self) -> str:
        """The row's name: the file, and the panel of a split screen."""
        return f"{self.file}#{self.panel}" if self.panel else self.file

    @property
    def setup_times(self) -> tuple[tuple[float, float], ...]:
        """(start_s, end_s) of the set-up movements: a rep counted there is a miscount."""
        return tuple((r.start_s, r.end_s) for r in self.rep_labels or () if r.kind == "setup")

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


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise _fail(where, f"{key} must be a number of seconds >= 0")
    return float(value)


def parse_rep_labels(value: Any, where: str) -> tuple[RepLabel, ...]:
    """A row's ``rep_labels``: every movement in time order, each start <= bottom <= end."""
    if not isinstance(value, list):
        raise _fail(where, "rep_labels must be a list")
    out: list[RepLabel] = []
    for k, r in enumerate(value, start=1):
        at = f"{where} rep_labels[{k}]"
        if not isinstance(r, dict) or r.get("kind") not in REP_KINDS:
            raise _fail(at, f"kind must be one of {', '.join(REP_KINDS)}")
        start, bottom, end = (
            _number(r.get(key), at, key) for key in ("start_s", "bottom_s", "end_s")
        )
        if not start <= bottom <= end:
            raise _fail(at, "times must run start_s <= bottom_s <= end_s")
        if out and start < out[-1].start_s:
            raise _fail(at, "rep_labels must be in time order")
        view = r.get("view")
        if view is not None and view not in VIEWS:
            raise _fail(at, f"view {view!r} is not one of {', '.join(VIEWS)}")
        out.append(
            RepLabel(
                kind=r["kind"],
                start_s=start,
                bottom_s=bottom,
                end_s=end,
                faults=_ids(r.get("faults", []), at, "faults"),
                uncertain=_ids(r.get("uncertain", []), at, "uncertain"),
                view=view,
                from_floor=bool(r.get("from_floor", False)),
            )
        )
    return tuple(out)


def _timed(reps: tuple[RepLabel, ...], row: dict[str, Any], where: str) -> dict[str, Any]:
    """ClipLabel fields that follow from the timed labels: the lifter's count is the number of
    reps, the clip's faults are those of its reps."""
    counted = [r for r in reps if r.kind == "rep"]
    expected = row.get("lifter_reps", row["reps"])
    if expected is not None and expected != len(counted):
        raise _fail(
            where, f"{len(counted)} reps in rep_labels but the lifter's count is {expected}"
        )
    present = {f for r in counted for f in r.faults}
    unsure = {f for r in counted for f in r.uncertain} - present
    if set(row["faults"]) != present:
        raise _fail(
            where, f"faults {sorted(row['faults'])} differ from the reps' {sorted(present)}"
        )
    return {
        "rep_labels": reps,
        "rep_times": tuple((r.start_s, r.end_s) for r in counted),
        "rep_faults": tuple(r.faults for r in counted),
        "rep_uncertain": tuple(r.uncertain for r in counted),
        "uncertain_faults": tuple(sorted(unsure | set(row.get("uncertain_faults", [])))),
    }


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
    timed: dict[str, Any] = {}
    if row.get("rep_labels"):
        timed = _timed(parse_rep_labels(row["rep_labels"], where), row, where)
    rep_faults = row.get("rep_faults")
    if rep_faults is not None:
        rep_faults = tuple(_ids(r, where, "rep_faults[]") for r in rep_faults)
        if reps is not None and len(rep_faults) != reps:
            raise _fail(where, f"rep_faults has {len(rep_faults)} entries for {reps} reps")
    crop = row.get("crop")
    if crop is not None and not (
        isinstance(crop, list) and len(crop) == 4 and crop[2] > crop[0] and crop[3] > crop[1]
    ):
        raise _fail(where, "crop must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0")
    fields: dict[str, Any] = {
        "file": row["file"],
        "exercise": row["exercise"],
        "view": row["view"],
        "reps": reps,
        "faults": _ids(row["faults"], where, "faults"),
        "rep_faults": rep_faults,
        "uncertain_faults": _ids(row.get("uncertain_faults", []), where, "uncertain_faults"),
        "good": row["good"],
        "usable": bool(row["usable"]),
        "reason": row.get("reason", ""),
        "lifter_reps": row.get("lifter_reps"),
        "partial_reps": int(row.get("partial_reps", 0)),
        "same_take_as": row.get("same_take_as"),
        "footage": tuple(row.get("footage", ())),
        "panel": row.get("panel"),
        "crop": tuple(int(v) for v in crop) if crop is not None else None,
    }
    return ClipLabel(**(fields | timed))


def parse_rows(row: dict[str, Any], where: str) -> list[ClipLabel]:
    """A manifest row; a split screen (``panels``) is one row per panel, each with its crop
    and its own view, reps and faults."""
    panels = row.get("panels")
    if not panels:
        return [parse_row(row, where)]
    if not isinstance(panels, list):
        raise _fail(where, "panels must be a list")
    out = []
    for k, panel in enumerate(panels, start=1):
        if not isinstance(panel, dict) or not panel.get("name") or "crop" not in panel:
            raise _fail(where, f"panel {k} needs a name and a crop")
        merged = {key: v for key, v in row.items() if key != "panels"} | panel
        merged["panel"] = merged.pop("name")
        out.append(parse_row(merged, f"{where} panel {merged['panel']}"))
    return out


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
    clips = [
        label
        for i, row in enumerate(doc["clips"])
        for label in parse_rows(row, f"{path.name} clip {i + 1}")
    ]
    names = [c.key for c in clips]
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
