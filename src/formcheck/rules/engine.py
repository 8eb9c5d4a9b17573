"""Judge one rep against one rule: a fault, a pass, or "not assessable" with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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
    # joint alias ("standing_heel") -> (T,) the pose model's visibility of it (the lowest of
    # its landmarks); only the aliases rules list in ``needs_visible``.
    visibility: dict[str, np.ndarray] = field(default_factory=dict)
    # measure -> how finely this clip lets it be read (signals.noise), in its unit; a fault
    # that does not stand out from it is told as "possibly". Empty: not estimated (live).
    noise: dict[str, float] = field(default_factory=dict)

    def visible(self, rule: Rule) -> np.ndarray | None:
        """(T,) frames where every joint ``rule`` needs is visible; None: no such need."""
        if not rule.needs_visible or not self.visibility:
            return None
        return np.all([self.visibility[j] >= MIN_VISIBILITY for j in rule.needs_visible], axis=0)


MIN_VALID_FRACTION = 0.5  # judge a window only when most of it has landmarks
# Views from which the pose model's body cannot be trusted through a rep: every fault found
# there is told as "possibly", with the reason. From behind, at the bottom of a hinge, the
# head is hidden and the free leg points at the lens; on the rendered clips MediaPipe lost or
# scrambled the body there (tools/synth/STATUS.md), and clean back-view reps drew hips_open,
# knee_valgus, bounce and balance faults (docs/evaluation.md).
DOUBTFUL_VIEWS = {
    "back": "filmed from behind, where the pose model often scrambles a hinging body; film "
    "from the front or the side to be sure",
}
# A fault is told without "possibly" only when its worst value lies this many times the
# clip's noise of the measure beyond the threshold (the worst of a window of noisy frames
# strays about two sigmas on its own).
NOISE_MARGIN_SIGMAS = 2.0
# MediaPipe's own drawing code hides landmarks below 0.5 visibility; on the rendered clips
# the joints rules need were never below 0.48, while plates and bars in real deadlifts push
# the heels and wrists to 0.0-0.3 and their positions then wander (docs/evaluation.md).
MIN_VISIBILITY = 0.5


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


def _judged_values(rule: Rule, cond: Condition, ev: RepEvidence) -> tuple[np.ndarray, np.ndarray]:
    """(frames, values) of a per-frame condition's measure in the rule's phases; NaN where
    a joint the rule needs is hidden."""
    frames = ev.window.phase_frames(rule.phases, ev.t)
    values = ev.frame_measures[cond.measure][frames]
    visible = ev.visible(rule)
    if visible is not None:
        values = np.where(visible[frames], values, np.nan)
    return frames, values


def _judge_condition(
    rule: Rule, cond: Condition, ev: RepEvidence
) -> tuple[str, tuple[float, int, int] | None]:
    """("fault"|"pass"|"missing", (worst value, worst frame, onset frame))."""
    visible = ev.visible(rule)
    if cond.measure in ev.rep_measures:
        value, frame = ev.rep_measures[cond.measure]
        if not np.isfinite(value) or (visible is not None and not visible[frame]):
            return "missing", None
        return ("fault" if cond.holds(np.array([value]))[0] else "pass"), (value, frame, frame)

    frames, values = _judged_values(rule, cond, ev)
    finite = np.isfinite(values)
    if frames.size == 0 or finite.mean() < MIN_VALID_FRACTION:
        return "missing", None
    worst = cond.worst_index(values)
    dt = float(np.median(np.diff(ev.t))) if len(ev.t) > 1 else 1 / 30
    run_start, run_len = _longest_run(cond.holds(values) & finite)
    fired = run_len > 0 and run_len * dt >= rule.min_duration_s - 1e-9
    onset = frames[run_start] if fired else frames[worst]
    return ("fault" if fired else "pass"), (float(values[worst]), int(frames[worst]), int(onset))


def _preconditions_hold(rule: Rule, ev: RepEvidence) -> bool:
    """The rule's ``assessable_if`` per-rep measures all hold (a missing one does not)."""
    for pre in rule.assessable_if:
        value = ev.rep_measures.get(pre.measure, (np.nan, 0))[0]
        if not (np.isfinite(value) and pre.holds(np.array([value]))[0]):
            return False
    return True


def _frames_needed(min_duration_s: float, dt: float) -> int:
    """Frames a condition must hold in a row to last ``min_duration_s`` (as judged above)."""
    return max(1, int(np.ceil(min_duration_s / dt - 1e-9)))


def firing_level(rule: Rule, cond: Condition, ev: RepEvidence) -> float:
    """The threshold at which ``cond`` would just stop firing in this rep: the worst value
    the measure held for the rule's minimum duration, in the direction of the fault (a
    magnitude for "|>|"). The condition fires exactly when this is beyond its threshold
    (above it; below it for "<"), so comparing it across labelled reps shows where a
    threshold separates faulty from clean. NaN when the rep offers too little of the measure
    or the rule cannot assess it."""
    status, detail = _judge_condition(rule, cond, ev)
    if status == "missing" or not _preconditions_hold(rule, ev):
        return float("nan")
    if cond.measure in ev.rep_measures:
        return float(detail[0])
    _, values = _judged_values(rule, cond, ev)
    toward_fault = {">": values, "<": -values, "|>|": np.abs(values)}[cond.compare]
    toward_fault = np.where(np.isfinite(toward_fault), toward_fault, -np.inf)
    dt = float(np.median(np.diff(ev.t))) if len(ev.t) > 1 else 1 / 30
    n = min(_frames_needed(rule.min_duration_s, dt), len(toward_fault))
    # A run of n frames all beyond a level exists iff some n-frame window's minimum is.
    level = float(sliding_window_view(toward_fault, n).min(axis=1).max())
    return -level if cond.compare == "<" else level


def judge(rule: Rule, ev: RepEvidence, view: str) -> Outcome:
    if view not in rule.views:
        wanted = " or ".join(rule.views)
        return Outcome(
            rule.id, "not_assessable", reason=f"not assessable from this view: needs {wanted}"
        )
    if not _preconditions_hold(rule, ev):
        reason = f"not assessable: {rule.unassessable_reason}"
        return Outcome(rule.id, "not_assessable", reason=reason)
    missing = 0
    for cond in rule.conditions:
        status, detail = _judge_condition(rule, cond, ev)
        if status == "missing":
            missing += 1
            continue
        if status == "fault":
            value, frame, onset = detail
            fault = _fault(rule, cond, ev, value, frame, onset)
            if view in DOUBTFUL_VIEWS and fault.confidence != "low":
                fault = replace(fault, confidence="low", confidence_note=DOUBTFUL_VIEWS[view])
            return Outcome(rule.id, "fault", fault=fault)
    if missing == len(rule.conditions):
        return Outcome(rule.id, "not_assessable", reason=_unseen_reason(rule, ev))
    return Outcome(rule.id, "pass")


PART_WORDS = {"foot_index": "toes", "heel": "heel", "wrist": "hand", "elbow": "elbow"}


def _unseen_reason(rule: Rule, ev: RepEvidence) -> str:
    visible = ev.visible(rule)
    frames = ev.window.phase_frames(rule.phases, ev.t)
    if visible is not None and visible[frames].mean() < MIN_VALID_FRACTION:
        parts = sorted(
            {
                PART_WORDS.get(part, part)
                for j in rule.needs_visible
                for part in (n.split("_", 1)[1] for n in ev.joint_names.get(j, (j,)))
            }
        )
        return (
            f"not assessable: the {' and '.join(parts)} were hidden for most of this rep "
            "(behind the weight or the body); film with them in view"
        )
    return "not assessable: the body parts it needs were not found in this rep"


def beyond_threshold(cond: Condition, value: float) -> float:
    """How far ``value`` lies past the threshold toward the fault (negative: short of it)."""
    if cond.compare == ">":
        return value - cond.threshold
    if cond.compare == "<":
        return cond.threshold - value
    return abs(value) - cond.threshold


def _within_noise(cond: Condition, ev: RepEvidence, value: float) -> str:
    """Why a fault read at ``value`` may be the clip's noise rather than the lifter, or ""."""
    sigma = ev.noise.get(cond.measure, float("nan"))
    if not np.isfinite(sigma):
        return ""
    margin = beyond_threshold(cond, value)
    if margin >= NOISE_MARGIN_SIGMAS * sigma:
        return ""
    unit = ev.units.get(cond.measure, "")
    return (
        f"read {value:.3g} against a limit of {cond.threshold:g} {unit}, within this clip's "
        f"reading noise (about {sigma:.2g} {unit} from frame to frame): film closer, "
        "steadier and better lit for a firm verdict"
    )


def _short_of_confident(cond: Condition, ev: RepEvidence, value: float) -> str:
    """Why a fault read at ``value`` is only possible: past the threshold but not past the
    level clean lifts on real footage reach (the rule's ``confident_threshold``), or ""."""
    if cond.firmly_holds(value):
        return ""
    unit = ev.units.get(cond.measure, "")
    return (
        f"read {value:.3g} {unit}: past the limit of {cond.threshold:g} but short of "
        f"{cond.confident_threshold:g}, which good lifts on real footage also reach (the pose "
        "model reads this roughly); check it in the video"
    )


def _fault(
    rule: Rule, cond: Condition, ev: RepEvidence, value: float, frame: int, onset: int
) -> Fault:
    confidence, note = rule.confidence, rule.confidence_note
    if confidence != "low":
        doubt = _short_of_confident(cond, ev, value) or _within_noise(cond, ev, value)
        if doubt:
            confidence, note = "low", doubt
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
        confidence=confidence,
        confidence_note=note,
    )
