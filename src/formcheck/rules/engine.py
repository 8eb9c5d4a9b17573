"""Judge one rep against one rule: a fault, a pass, or "not assessable" with the reason."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.reps.segment import RepWindow
from formcheck.rules.model import Condition, Rule
from formcheck.types import Fault


@dataclass(frozen=True)
class Outcome:
    rule_id: str
    status: str  # "fault" | "pass" | "not_assessable"
    fault: Fault | None = None
    reason: str = ""


@dataclass(frozen=True)
class RepEvidence:
    """What a rep offers the rules: per-frame series and per-rep scalars (value, frame)."""

    window: RepWindow
    t: np.ndarray
    frame_measures: dict[str, np.ndarray]
    rep_measures: dict[str, tuple[float, int]]
    joint_names: dict[str, tuple[str, ...]]  # "standing_knee" -> ("left_knee",) in this rep
    units: dict[str, str]  # measure -> unit


MIN_VALID_FRACTION = 0.5  # judge a window only when most of it has landmarks


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    """(start, length) of the longest True run."""
    best = (0, 0)
    start = None
    for i, flag in enumerate(np.append(mask, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start > best[1]:
                best = (start, i - start)
            start = None
    return best


def _judge_condition(
    rule: Rule, cond: Condition, ev: RepEvidence
) -> tuple[str, tuple[float, int, int] | None]:
    """("fault"|"pass"|"missing", (worst value, worst frame, onset frame))."""
    if cond.measure in ev.rep_measures:
        value, frame = ev.rep_measures[cond.measure]
        if not np.isfinite(value):
            return "missing", None
        return ("fault" if cond.holds(np.array([value]))[0] else "pass"), (value, frame, frame)

    series = ev.frame_measures[cond.measure]
    frames = ev.window.phase_frames(rule.phases, ev.t)
    values = series[frames]
    finite = np.isfinite(values)
    if frames.size == 0 or finite.mean() < MIN_VALID_FRACTION:
        return "missing", None
    worst = cond.worst_index(values)
    dt = float(np.median(np.diff(ev.t))) if len(ev.t) > 1 else 1 / 30
    run_start, run_len = _longest_run(cond.holds(values) & finite)
    fired = run_len > 0 and run_len * dt >= rule.min_duration_s - 1e-9
    onset = frames[run_start] if fired else frames[worst]
    return ("fault" if fired else "pass"), (float(values[worst]), int(frames[worst]), int(onset))


def judge(rule: Rule, ev: RepEvidence, view: str) -> Outcome:
    if view not in rule.views:
        wanted = " or ".join(rule.views)
        return Outcome(
            rule.id, "not_assessable", reason=f"not assessable from this view: needs {wanted}"
        )
    missing = 0
    for cond in rule.conditions:
        status, detail = _judge_condition(rule, cond, ev)
        if status == "missing":
            missing += 1
            continue
        if status == "fault":
            value, frame, onset = detail
            return Outcome(rule.id, "fault", fault=_fault(rule, cond, ev, value, frame, onset))
    if missing == len(rule.conditions):
        return Outcome(
            rule.id,
            "not_assessable",
            reason="not assessable: the body parts it needs were not found in this rep",
        )
    return Outcome(rule.id, "pass")


def _fault(
    rule: Rule, cond: Condition, ev: RepEvidence, value: float, frame: int, onset: int
) -> Fault:
    return Fault(
        rule_id=rule.id,
        message=rule.message,
        cue=rule.cue,
        value=round(float(value), 3),
        threshold=cond.threshold,
        comparison=cond.compare,
        unit=ev.units.get(cond.measure, ""),
        time_s=round(float(ev.t[frame]), 3),
        frame=frame,
        onset_s=round(float(ev.t[onset]), 3),
        onset_frame=onset,
        joints=tuple(name for j in rule.joints for name in ev.joint_names.get(j, (j,))),
        seed=rule.seed,
    )
