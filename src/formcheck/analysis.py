"""From a pose sequence to judged reps: the part of the pipeline that needs no video.

smoothing -> view -> rep signal -> reps -> standing leg per rep -> measures -> rules.
Kept apart from video decoding so tests can feed it synthetic sequences directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck.exercises.registry import Exercise
from formcheck.pose.landmarks import Landmark as L
from formcheck.reps.metrics import REP_MEASURE_BASIS, rep_measures
from formcheck.reps.segment import RepWindow, segment_shots
from formcheck.reps.setup import drop_setup_cycles
from formcheck.rules.engine import RepEvidence, judge
from formcheck.signals.filters import smooth_sequence
from formcheck.signals.geometry import robust_median
from formcheck.signals.measures import MEASURES, Body, BodySides, compute_measures
from formcheck.signals.noise import measure_noise
from formcheck.signals.sides import near_side_sides, other_leg, sides_per_frame, standing_leg
from formcheck.signals.view import ViewEstimate, estimate_view
from formcheck.types import PoseSequence, Rep
from formcheck.units import FROM_STANDING, REP_MEASURE_UNITS, SET_MEASURES

JOINT_PARTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index", "ear")


@dataclass
class Analysis:
    smoothed: PoseSequence
    view: ViewEstimate
    measures: dict[str, np.ndarray]
    windows: list[RepWindow]
    reps: list[Rep]
    not_assessable: dict[str, str]  # rule id -> reason, for rules the whole clip cannot judge
    standing_leg: str | None
    rep_index: np.ndarray  # (T,) 1-based rep number, 0 between reps
    phase: np.ndarray  # (T,) phase names
    rep_scalars: list[dict[str, tuple[float, int]]] = field(default_factory=list)
    rep_evidence: list[RepEvidence] = field(default_factory=list)  # what each rep was judged on
    warnings: list[str] = field(default_factory=list)
    reps_per_leg: dict[str, int] = field(default_factory=dict)  # leg (exercise.leg_role) -> reps
    near_side: str = "left"  # the side nearer the camera (two-footed lifts are drawn on it)


def low_confidence_rules(exercise: Exercise, view: str) -> dict[str, str]:
    """Rule id -> why it is unreliable, for the rules ``view`` can judge that are marked
    ``confidence = "low"`` (the others are not assessable at all)."""
    return {
        rule.id: rule.confidence_note or "unreliable in the evaluation"
        for rule in exercise.active_rules
        if rule.confidence == "low" and view in rule.views
    }


def not_assessable_from(exercise: Exercise, view: str) -> dict[str, str]:
    """Rule id -> reason, for the exercise's rules that ``view`` cannot judge."""
    return {
        rule.id: f"not assessable from this view ({view}): needs {' or '.join(rule.views)}"
        for rule in exercise.active_rules
        if view not in rule.views
    }


STANDING_MAX_INCLINATION_DEG = 20.0
REP_SIGNAL_MAX_GAP_S = 1.5


def changes_from_standing(
    measures: dict[str, np.ndarray],
    trunk: np.ndarray,
    windows: list[RepWindow],
    until: int | None = None,
) -> dict[str, np.ndarray]:
    """Each FROM_STANDING measure minus its median while the lifter stands tall between
    reps (trunk near vertical), before frame ``until`` if given."""
    standing = trunk < STANDING_MAX_INCLINATION_DEG
    for w in windows:
        standing[w.start : w.end + 1] = False
    if until is not None:
        standing[until:] = False
    if not standing.any():
        standing = trunk < STANDING_MAX_INCLINATION_DEG
    out = {}
    for name, changed in FROM_STANDING.items():
        # NaN, quietly, where the measure was never read standing (an outline not traced).
        baseline = robust_median(measures[name][standing]) if standing.any() else np.nan
        change = measures[name] - baseline
        if name.endswith("_deg"):  # a direction's change: the short way round, in (-180, 180]
            change = 180.0 - np.mod(180.0 - change, 360.0)
        out[changed] = change
    return out


def clip_noise(
    raw: PoseSequence, sides: BodySides, view: ViewEstimate, measures: dict[str, np.ndarray]
) -> dict[str, float]:
    """Each measure's jitter in this clip (signals.noise), also under the names the rules
    judge it by: a change from standing or across the set, and the per-rep scalars read
    from one frame of a per-frame measure."""
    per_frame = [name for name in measures if name in MEASURES]
    noise = measure_noise(Body(raw, sides, view.facing, view.view), measures, per_frame)
    for name, changed in FROM_STANDING.items():
        noise[changed] = noise.get(name, float("nan"))
    for name, (base, _) in SET_MEASURES.items():
        noise[name] = noise.get(base, float("nan"))
    for name, base in REP_MEASURE_BASIS.items():
        noise[name] = noise.get(base, float("nan"))
    return noise


def change_across_set(series: np.ndarray, windows: list[RepWindow]) -> np.ndarray:
    """``series`` minus its median over all the set's reps: how far a posture that should
    stay the same through the set ("the same torso position throughout the set") drifted."""
    in_reps = np.zeros(len(series), bool)
    for w in windows:
        in_reps[w.start : w.end + 1] = True
    baseline = np.nanmedian(series[in_reps]) if np.isfinite(series[in_reps]).any() else np.nan
    return series - baseline


def legs_summary(legs: list[str | None]) -> tuple[dict[str, int], list[int]]:
    """Reps per leg, and the 1-based reps at which the working leg switched."""
    counts: dict[str, int] = {}
    switches = []
    previous = None
    for k, leg in enumerate(legs, start=1):
        if leg is None:
            continue
        counts[leg] = counts.get(leg, 0) + 1
        if previous is not None and leg != previous:
            switches.append(k)
        previous = leg
    return counts, switches


def _joint_names(leg: str | None, bell_left: bool) -> dict[str, tuple[str, ...]]:
    stand = leg or "left"
    free = "right" if stand == "left" else "left"
    bell = "left" if bell_left else "right"
    names: dict[str, tuple[str, ...]] = {}
    for part in JOINT_PARTS:
        names[f"standing_{part}"] = (f"{stand}_{part}",)
        names[f"free_{part}"] = (f"{free}_{part}",)
        names[f"bell_{part}"] = (f"{bell}_{part}",)
        names[f"mid_{part}"] = (f"left_{part}", f"right_{part}")
    return names


def joint_visibility(
    seq: PoseSequence, names: dict[str, tuple[str, ...]], aliases: set[str]
) -> dict[str, np.ndarray]:
    """Alias ("standing_heel") -> (T,) visibility of its landmarks (the lowest, for "mid_")."""
    return {
        alias: np.min([seq.visibility[:, L[n.upper()]] for n in names.get(alias, (alias,))], axis=0)
        for alias in aliases
    }


def _phase_labels(t: np.ndarray, windows: list[RepWindow]) -> tuple[np.ndarray, np.ndarray]:
    rep_index = np.zeros(len(t), dtype=int)
    phase = np.full(len(t), "top", dtype=object)
    if windows:
        phase[: windows[0].start] = "setup"
    for k, w in enumerate(windows, start=1):
        rep_index[w.start : w.end + 1] = k
        phase[w.start : w.reach] = "descent"
        phase[w.reach : w.leave + 1] = "bottom"
        phase[w.leave + 1 : w.end + 1] = "ascent"
    return rep_index, phase


def analyze_sequence(seq: PoseSequence, exercise: Exercise) -> Analysis:
    """A recorded clip: zero-phase smoothing (it may look ahead), then everything else; the
    raw landmarks tell how noisy each measure is in this clip."""
    return analyze_smoothed(smooth_sequence(seq), exercise, raw=seq)


def analyze_smoothed(
    smoothed: PoseSequence,
    exercise: Exercise,
    *,
    view: ViewEstimate | None = None,
    windows: list[RepWindow] | None = None,
    standing_until: int | None = None,
    raw: PoseSequence | None = None,
) -> Analysis:
    """Judge an already smoothed sequence. The live session smooths causally, keeps its own
    view estimate and finds reps with its live counter, so it passes ``view`` and
    ``windows``; a clip leaves both to be found here from the whole sequence. The live
    session also passes ``standing_until`` (its rep's start): it judges a rep while it
    happens and again after it, and both must measure from the same standing posture, the
    one before the rep. ``raw``, the landmarks before smoothing, gives each measure's noise
    in this clip (without it, faults are not weighed against noise)."""
    warnings: list[str] = []
    t = smoothed.t
    view = view if view is not None else estimate_view(smoothed)

    # The rep signal does not depend on which leg stands, so reps come first.
    neutral = near_side_sides(smoothed)
    first = compute_measures(
        Body(smoothed, neutral, view.facing, view.view),
        sorted({exercise.rep_signal, "trunk_inclination_deg"}),
    )
    signal, trunk = first[exercise.rep_signal], first["trunk_inclination_deg"]
    # Reps are found on a signal bridged over longer gaps than the landmarks are: hinged
    # toward a front camera the lifter is foreshortened and the pose model can drop out for
    # half a second at the bottom. That the rep happened is plain from both sides of the gap;
    # what happened inside it stays unknown (NaN) to the rules.
    found_here = windows is None
    if windows is None:
        windows = segment_shots(
            t, signal, exercise.rep_settings, smoothed.shots(), REP_SIGNAL_MAX_GAP_S
        )
    legs = [standing_leg(smoothed, w, t) for w in windows] if exercise.single_leg else []
    # Windows given by the caller (the live counter) were already checked with
    # ``setup_reason``.
    if found_here and windows:
        windows, legs = drop_setup_cycles(
            smoothed, windows, legs or [None] * len(windows), exercise, view.view, warnings
        )
        legs = legs if exercise.single_leg else []

    if exercise.single_leg:
        fallback = next((leg for leg in legs if leg), "left")
        sides = sides_per_frame(
            smoothed, windows, legs or [None] * len(windows), fallback, exercise.bell_hand
        )
    else:
        sides = neutral
    body = Body(smoothed, sides, view.facing, view.view)
    measures = compute_measures(body)
    measures.update(changes_from_standing(measures, trunk, windows, standing_until))
    for name, (base, _) in SET_MEASURES.items():
        measures[name] = change_across_set(measures[base], windows)

    noise = clip_noise(raw, sides, view, measures) if raw is not None else {}

    units = {name: info.unit for name, (_, info) in MEASURES.items()} | REP_MEASURE_UNITS
    units |= {changed: units[name] for name, changed in FROM_STANDING.items()}
    units |= {name: unit for name, (_, unit) in SET_MEASURES.items()}
    not_assessable = not_assessable_from(exercise, view.view)
    reps: list[Rep] = []
    rep_scalars: list[dict[str, tuple[float, int]]] = []
    rep_evidence: list[RepEvidence] = []
    reported = ("depth_deg", "descent_s", "pause_s", "ascent_s", *exercise.rep_metrics)
    needed = {j for rule in exercise.active_rules for j in rule.needs_visible}
    for k, w in enumerate(windows, start=1):
        leg = legs[k - 1] if legs else None
        scalars = rep_measures(w, t, signal, body, measures)
        rep_scalars.append(scalars)
        # Two-footed lifts have no standing leg: their "standing" joints are the near side's,
        # as in their measures.
        stand = leg or ("left" if sides.left_stands[w.bottom] else "right")
        names = _joint_names(stand, bool(sides.left_hand_loaded[w.bottom]))
        evidence = RepEvidence(
            window=w,
            t=t,
            frame_measures=measures,
            rep_measures=scalars,
            joint_names=names,
            units=units,
            visibility=joint_visibility(smoothed, names, needed),
            noise=noise,
        )
        rep_evidence.append(evidence)
        rep = Rep(
            index=k,
            start_frame=w.start,
            bottom_frame=w.bottom,
            end_frame=w.end,
            start_s=round(float(t[w.start]), 3),
            bottom_s=round(float(t[w.bottom]), 3),
            end_s=round(float(t[w.end]), 3),
            standing_leg=leg,
            working_leg=other_leg(leg),
            metrics={name: round(float(scalars[name][0]), 3) for name in reported},
        )
        for rule in exercise.active_rules:
            outcome = judge(rule, evidence, view.view)
            if outcome.status == "fault":
                rep.faults.append(outcome.fault)
            elif outcome.status == "pass":
                rep.passed.append(rule.id)
            elif rule.id not in not_assessable:
                rep.not_assessable.append(rule.id)
                not_assessable.setdefault(f"{rule.id}@rep{k}", outcome.reason)
        reps.append(rep)

    if smoothed.shot_starts:
        cuts = ", ".join(f"{t[i]:.1f} s" for i in smoothed.shot_starts)
        warnings.append(
            f"the clip is edited (cut at {cuts}): each shot was followed and counted on its "
            "own, and no rep is counted across a cut"
        )
    if view.view == "back":
        warnings.append(
            "filmed from behind: at the bottom of a hinge the pose model often loses or "
            "scrambles the body from this side, so reps may be missed; film from the side"
        )
    counted = [leg for leg in legs if leg]
    standing = max(set(counted), key=counted.count) if counted else None
    role_legs = [leg if exercise.leg_role == "standing" else other_leg(leg) for leg in legs]
    per_leg, switches = legs_summary(role_legs)
    for k in switches:
        warnings.append(
            f"the {exercise.leg_role} leg switched at rep {k} (to the {role_legs[k - 1]} "
            "leg); each rep names its own"
        )
    rep_index, phase = _phase_labels(t, windows)
    return Analysis(
        smoothed=smoothed,
        view=view,
        measures=measures,
        windows=windows,
        reps=reps,
        not_assessable=not_assessable,
        standing_leg=standing,
        rep_index=rep_index,
        phase=phase,
        rep_scalars=rep_scalars,
        rep_evidence=rep_evidence,
        warnings=warnings,
        reps_per_leg=per_leg,
        near_side="left" if neutral.left_stands[0] else "right",
    )
