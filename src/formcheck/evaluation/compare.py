"""One clip's labels against what the analysis found: the units of metrics.py, and per rule
whether "not assessable" agreed with the labelled view."""

from __future__ import annotations

from formcheck.evaluation.manifest import ClipLabel
from formcheck.evaluation.metrics import Unit
from formcheck.exercises.registry import Exercise
from formcheck.types import VIEWS, Rep


def rule_label(
    rule_id: str, present: tuple[str, ...], uncertain: tuple[str, ...], clip: ClipLabel
) -> str:
    if rule_id in present:
        return "present"
    if rule_id in uncertain:
        return "uncertain"
    return "absent" if clip.good is not None else "unknown"


def rep_status(rule_id: str, rep: Rep, clip_na: dict[str, str]) -> str:
    if any(f.rule_id == rule_id for f in rep.faults):
        return "fault"
    if rule_id in clip_na or rule_id in rep.not_assessable:
        return "na"
    return "pass"


def clip_status(rule_id: str, reps: list[Rep], clip_na: dict[str, str]) -> str:
    statuses = [rep_status(rule_id, rep, clip_na) for rep in reps]
    if "fault" in statuses:
        return "fault"
    if not reps:
        return "no_rep"
    return "na" if all(s == "na" for s in statuses) else "pass"


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def match_reps(
    labelled: tuple[tuple[float, float], ...], found: list[tuple[float, float]]
) -> list[int | None]:
    """For each labelled rep, the index of the found rep overlapping it most (each found rep
    used once), or None."""
    taken: set[int] = set()
    out: list[int | None] = []
    for span in labelled:
        best = max(
            (j for j in range(len(found)) if j not in taken and _overlap(span, found[j]) > 0),
            key=lambda j: _overlap(span, found[j]),
            default=None,
        )
        if best is not None:
            taken.add(best)
        out.append(best)
    return out


def _unit(
    clip: ClipLabel,
    rule_ids: list[str],
    name: str,
    present: tuple[str, ...],
    uncertain: tuple[str, ...],
    found_reps: list[Rep],
    clip_na: dict[str, str],
    clean: bool,
) -> Unit:
    faults = [f for rep in found_reps for f in rep.faults]
    possibly = tuple(
        r
        for r in rule_ids
        if any(f.rule_id == r for f in faults)
        and all(f.confidence == "low" for f in faults if f.rule_id == r)
    )
    return Unit(
        name=name,
        labels={r: rule_label(r, present, uncertain, clip) for r in rule_ids},
        found={r: clip_status(r, found_reps, clip_na) for r in rule_ids},
        clean=clean,
        view=clip.view,
        possibly=possibly,
    )


def clip_unit(
    clip: ClipLabel, exercise: Exercise, reps: list[Rep], clip_na: dict[str, str]
) -> Unit:
    """The whole clip as one unit: a fault labelled in any rep against a fault found in any."""
    rule_ids = [r.id for r in exercise.active_rules]
    clean = clip.good is True and not clip.faults
    return _unit(clip, rule_ids, "clip", clip.faults, clip.uncertain_faults, reps, clip_na, clean)


def units_for(
    clip: ClipLabel, exercise: Exercise, reps: list[Rep], clip_na: dict[str, str]
) -> list[Unit]:
    """Per-rep units where the labels time the reps, else one unit for the whole clip."""
    if clip.rep_times is None or clip.rep_faults is None:
        return [clip_unit(clip, exercise, reps, clip_na)]
    rule_ids = [r.id for r in exercise.active_rules]
    unsure = clip.rep_uncertain or tuple(clip.uncertain_faults for _ in clip.rep_faults)
    spans = [(rep.start_s, rep.end_s) for rep in reps]
    matched = match_reps(clip.rep_times, spans)
    units = [
        _unit(
            clip,
            rule_ids,
            f"rep {k + 1}",
            faults,
            doubts,
            [reps[j]] if j is not None else [],
            clip_na,
            clip.good is not None and not faults,
        )
        for k, (faults, doubts, j) in enumerate(zip(clip.rep_faults, unsure, matched))
    ]
    extra = sorted(set(range(len(reps))) - {j for j in matched if j is not None})
    # A rep found where none was labelled: any fault in it is a false alarm.
    units += [
        _unit(
            clip,
            rule_ids,
            f"extra rep at {reps[j].start_s:.1f} s",
            (),
            (),
            [reps[j]],
            clip_na,
            False,
        )
        for j in extra
    ]
    return units


def na_checks(
    clip: ClipLabel, exercise: Exercise, clip_na: dict[str, str]
) -> dict[str, tuple[bool, bool]]:
    """rule id -> (the labelled view can judge it, the analysis said not assessable);
    empty when the clip has no single labelled view."""
    if clip.view not in VIEWS:
        return {}
    return {r.id: (clip.view in r.views, r.id in clip_na) for r in exercise.active_rules}


def unjudged_labels(clip: ClipLabel, exercise: Exercise) -> list[str]:
    """Labelled fault ids the exercise has no (enabled) rule for."""
    rule_ids = {r.id for r in exercise.active_rules}
    labelled = set(clip.faults) | {f for rep in clip.rep_faults or () for f in rep}
    return sorted(labelled - rule_ids)
