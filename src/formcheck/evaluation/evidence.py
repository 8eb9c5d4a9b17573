"""The evidence behind each threshold: per labelled unit (a rendered rep, a real clip), how far
each rule's measure went toward its fault (:func:`formcheck.rules.engine.firing_level`), beside
the label. A threshold fires exactly on the units whose level is beyond it, so the levels of
faulty and clean units show where a threshold can separate them, and how well."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.evaluation.compare import match_reps, rule_label
from formcheck.evaluation.manifest import ClipLabel, Manifest, load
from formcheck.evaluation.poses import DEFAULT_CACHE, cached_poses
from formcheck.evaluation.runner import skip_reason
from formcheck.exercises.registry import Exercise, get_exercise
from formcheck.pipeline import too_few_poses
from formcheck.rules.engine import firing_level
from formcheck.rules.model import Condition, Rule
from formcheck.types import PoseSequence


@dataclass(frozen=True)
class Level:
    """One rule condition in one labelled unit."""

    source: str  # "rendered" | "real" (or the manifest's name)
    clip: str
    unit: str  # "clip" or "rep N"
    exercise: str
    rule_id: str
    measure: str
    compare: str
    threshold: float  # the current default
    label: str  # "present" | "absent" | "uncertain" | "unknown"
    level: float  # how far the measure went toward the fault; NaN: not measured
    view_label: str
    view_found: str
    judged: bool  # the view found is one the rule declares (the analysis would judge it)

    @property
    def fires(self) -> bool:
        return self.beyond(self.threshold)

    def beyond(self, threshold: float) -> bool:
        """Would this condition fire here with ``threshold``?"""
        if not np.isfinite(self.level):
            return False
        return self.level < threshold if self.compare == "<" else self.level > threshold


def _unit_reps(
    clip: ClipLabel, spans: list[tuple[float, float]]
) -> list[tuple[str, tuple, tuple, list]]:
    """(unit name, labelled faults, unsure ones, indices of found reps) as the harness counts
    units."""
    if clip.rep_times is None or clip.rep_faults is None:
        return [("clip", clip.faults, clip.uncertain_faults, list(range(len(spans))))]
    matched = match_reps(clip.rep_times, spans)
    unsure = clip.rep_uncertain or tuple(clip.uncertain_faults for _ in clip.rep_faults)
    return [
        (f"rep {k + 1}", faults, doubts, [j] if j is not None else [])
        for k, (faults, doubts, j) in enumerate(zip(clip.rep_faults, unsure, matched))
    ]


def labelled_sets(sources: dict[str, Path]) -> tuple[list[tuple[str, Manifest]], list[str]]:
    """(name, manifest) for each labelled set whose clips folder exists, and a note for each
    left out. A manifest that does not load raises :class:`ManifestError`."""
    sets, notes = [], []
    for name, where in sources.items():
        manifest = load(where)
        if manifest.clips_root.is_dir():
            sets.append((name, manifest))
        else:
            notes.append(f"{name}: {manifest.clips_root} does not exist, left out")
    return sets, notes


def judged_poses(
    clip: ClipLabel, root: Path, model: str = "lite", cache: Path = DEFAULT_CACHE
) -> PoseSequence | None:
    """The clip's landmarks, or None where the harness would judge nothing: the clip is
    skipped, or too few frames show a person."""
    path = root / clip.file
    if skip_reason(clip, path):
        return None
    seq = cached_poses(path, model, cache, clip.crop)
    return None if too_few_poses(seq) else seq


def clip_levels(
    clip: ClipLabel, root: Path, source: str, model: str = "lite", cache: Path = DEFAULT_CACHE
) -> list[Level]:
    """Every active rule condition's level in every unit of one clip (none if the clip is
    skipped or shows no person, as the harness would score it)."""
    from formcheck.analysis import analyze_sequence

    seq = judged_poses(clip, root, model, cache)
    if seq is None:
        return []
    exercise: Exercise = get_exercise(clip.exercise)
    analysis = analyze_sequence(seq, exercise)
    evidence = analysis.rep_evidence
    spans = [(rep.start_s, rep.end_s) for rep in analysis.reps]
    out = []
    for unit, faults, doubts, reps in _unit_reps(clip, spans):
        for rule in exercise.active_rules:
            label = rule_label(rule.id, tuple(faults), tuple(doubts), clip)
            for cond in rule.conditions:
                out.append(
                    _level(
                        source,
                        clip,
                        unit,
                        exercise.name,
                        rule,
                        cond,
                        label,
                        analysis.view.view,
                        [evidence[j] for j in reps],
                    )
                )
    return out


def _level(source, clip, unit, exercise, rule: Rule, cond: Condition, label, view, evidence):
    levels = [firing_level(rule, cond, ev) for ev in evidence]
    finite = [v for v in levels if np.isfinite(v)]
    return Level(
        source=source,
        clip=clip.file,
        unit=unit,
        exercise=exercise,
        rule_id=rule.id,
        measure=cond.measure,
        compare=cond.compare,
        threshold=cond.threshold,
        label=label,
        level=max(finite) if finite else float("nan"),
        view_label=clip.view,
        view_found=view,
        judged=view in rule.views,
    )


def manifest_levels(
    manifest: Manifest, source: str, model: str = "lite", cache: Path = DEFAULT_CACHE
) -> list[Level]:
    return [
        level
        for clip in manifest.clips
        for level in clip_levels(clip, manifest.clips_root, source, model, cache)
    ]


@dataclass(frozen=True)
class Counts:
    tp: int
    fp: int
    fn: int

    @property
    def f1(self) -> float | None:
        den = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / den if den else None


def counts_at(levels: list[Level], threshold: float) -> Counts:
    """TP/FP/FN of a threshold over the judged, vouched units (present or absent)."""
    tp = fp = fn = 0
    for lv in levels:
        if not lv.judged or lv.label not in ("present", "absent") or not np.isfinite(lv.level):
            continue
        fired = lv.beyond(threshold)
        tp += fired and lv.label == "present"
        fp += fired and lv.label == "absent"
        fn += (not fired) and lv.label == "present"
    return Counts(tp, fp, fn)


def candidate_thresholds(levels: list[Level]) -> list[float]:
    """Thresholds half-way between the observed levels, and just outside them."""
    seen = sorted({lv.level for lv in levels if np.isfinite(lv.level)})
    mids = [(a + b) / 2 for a, b in zip(seen, seen[1:])]
    edges = [seen[0] - 1e-6, seen[-1] + 1e-6] if seen else []
    return sorted(mids + edges)
