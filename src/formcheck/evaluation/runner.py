"""Run the analysis over every clip of a manifest (landmarks cached) and compare with its
labels. What a user would get is what is scored: a clip with too few frames showing a person
counts as no reps found, as ``formcheck analyze`` would refuse it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.evaluation import compare
from formcheck.evaluation.manifest import ClipLabel, Manifest
from formcheck.evaluation.metrics import Unit
from formcheck.evaluation.poses import DEFAULT_CACHE, cached_poses
from formcheck.evaluation.split import Split, load_split
from formcheck.exercises.registry import available, get_exercise
from formcheck.pose.models import DEFAULT_MODEL
from formcheck.types import PoseSequence


@dataclass
class ClipResult:
    file: str
    exercise: str | None  # as labelled
    status: str  # "evaluated" | "skipped" | "error"
    part: str | None = None  # "tune" or "test" (eval/split.json); None: not placed
    reason: str = ""  # why skipped, or the error
    exercise_used: str | None = None  # the rules the clip was judged with
    recognition_ran: bool = False
    recognized: str | None = None  # --exercise-from auto: the exercise named (None: unsure)
    recognized_guess: str | None = None  # its best guess, sure or not
    view_label: str | None = None
    view_found: str | None = None
    reps_labelled: int | None = None
    lifter_reps: int | None = None
    reps_found: int = 0
    rep_spans: list[tuple[float, float]] = field(default_factory=list)
    faults_found: list[list[str]] = field(default_factory=list)  # per found rep
    units: list[Unit] = field(default_factory=list)  # per rep where the labels time them
    clip_units: list[Unit] = field(default_factory=list)  # the whole clip, as one unit
    na_checks: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    unjudged_labels: list[str] = field(default_factory=list)
    frames: int = 0
    frames_with_pose: int = 0
    no_person: bool = False
    same_take_as: str | None = None
    warnings: list[str] = field(default_factory=list)


# Landmarks -> (the exercise when recognition is sure, else None; its best guess).
Recognizer = Callable[[PoseSequence], tuple[str | None, str | None]]


def load_recognizer() -> Recognizer:
    """``formcheck.recognize``'s recogniser, or a one-line error when this build has none."""
    try:
        from formcheck.recognize import recognize
    except ImportError:
        raise FormcheckError(
            "recognition not available in this formcheck (no formcheck.recognize.recognize); "
            "use --exercise-from manifest"
        ) from None

    def names(seq: PoseSequence) -> tuple[str | None, str | None]:
        rec = recognize(seq)
        return (rec.exercise if rec.sure else None), rec.exercise

    return names


def skip_reason(clip: ClipLabel, path: Path) -> str:
    if not clip.usable:
        return f"unusable: {clip.reason}"
    if not clip.supported_label:
        return "not one of formcheck's exercises"
    if clip.exercise not in available():
        return f"no rules for {clip.exercise} yet"
    if not path.exists():
        return f"clip missing: {path}"
    return ""


def evaluate_clip(
    clip: ClipLabel,
    root: Path,
    model: str = DEFAULT_MODEL,
    cache: Path = DEFAULT_CACHE,
    recognizer: Recognizer | None = None,
    part: str | None = None,
) -> ClipResult:
    from formcheck.analysis import analyze_sequence
    from formcheck.pipeline import too_few_poses

    path = root / clip.file
    result = ClipResult(
        file=clip.key,
        exercise=clip.exercise,
        status="evaluated",
        part=part,
        view_label=clip.view,
        reps_labelled=clip.reps,
        lifter_reps=clip.counted_reps if clip.rep_labels is not None else clip.lifter_reps,
        same_take_as=clip.same_take_as,
    )
    reason = skip_reason(clip, path)
    if reason:
        result.status, result.reason = "skipped", reason
        return result
    try:
        seq = cached_poses(path, model, cache, clip.crop)
    except FormcheckError as exc:
        result.status, result.reason = "error", str(exc)
        return result
    result.frames, result.frames_with_pose = len(seq), int(seq.has_pose.sum())
    no_person = too_few_poses(seq)
    name = clip.exercise
    if recognizer is not None:
        result.recognition_ran = True
        if not no_person:
            result.recognized, result.recognized_guess = recognizer(seq)
        name = result.recognized if result.recognized in available() else None
        if name is None:
            result.status = "skipped"
            result.reason = f"recognition: {result.recognized_guess or 'nothing'} (not sure)"
            return result
    exercise = get_exercise(name)
    result.exercise_used = name
    reps, clip_na = [], {}
    if no_person:
        result.no_person = True  # `formcheck analyze` refuses such a clip: no reps, no faults
    else:
        analysis = analyze_sequence(seq, exercise)
        reps = analysis.reps
        clip_na = {k: v for k, v in analysis.not_assessable.items() if "@" not in k}
        result.view_found = analysis.view.view
        result.warnings = list(analysis.warnings)
    result.reps_found = len(reps)
    result.rep_spans = [(rep.start_s, rep.end_s) for rep in reps]
    result.faults_found = [sorted(f.rule_id for f in rep.faults) for rep in reps]
    if name == clip.exercise:  # faults are compared only against the labelled exercise's rules
        result.units = compare.units_for(clip, exercise, reps, clip_na)
        result.clip_units = [compare.clip_unit(clip, exercise, reps, clip_na)]
        result.unjudged_labels = compare.unjudged_labels(clip, exercise)
    result.na_checks = compare.na_checks(clip, exercise, clip_na) if not result.no_person else {}
    return result


def evaluate(
    manifest: Manifest,
    model: str = DEFAULT_MODEL,
    cache: Path = DEFAULT_CACHE,
    exercise_from: str = "manifest",
    progress: bool = False,
    split: Split | None = None,
) -> list[ClipResult]:
    recognizer = load_recognizer() if exercise_from == "auto" else None
    split = load_split() if split is None else split
    results = []
    for k, clip in enumerate(manifest.clips, start=1):
        started = time.monotonic()
        part = split.part_of(clip.file)
        result = evaluate_clip(clip, manifest.clips_root, model, cache, recognizer, part)
        if progress:
            took = time.monotonic() - started
            print(
                f"[{k}/{len(manifest.clips)}] {clip.file}: {result.status} ({took:.1f} s)",
                file=sys.stderr,
            )
        results.append(result)
    return results
