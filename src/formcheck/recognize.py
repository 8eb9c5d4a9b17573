"""Which supported exercise a clip shows, recognised from the motion itself (``--exercise auto``).

A few features that tell the exercises of our sources apart, each read the way a coach would:

- the trunk never comes up (bent-over work): the band kickback;
- one foot leaves the floor at the bottom of each hinge: the single-leg deadlift;
- a hand held up behind the neck (gripping a stick along the spine): the stick drill. Side-on
  that hand is hidden behind the head and the pose model often puts it lower than it is, so
  this is weak evidence and stick-drill clips are often answered "not sure";
- the arms rise forward at the top of each rep: the swing;
- the knees at the bottom: bent a lot in a deadlift, softly in a Romanian deadlift;
- with soft knees, both hands together on one bell: a Romanian deadlift. With the hands apart
  the clip may as well be the band drill (the band round the hips is not a body part, and the
  arms hang the same): formcheck says it cannot tell rather than pick one.

Each feature becomes a soft yes/no (a logistic curve around a boundary set on the rendered
clips, docs/accuracy.md), the features combine as a decision tree with soft branches, and the
result is a probability per exercise. Far from every boundary the answer is sure; near one it
is not, and the caller asks the user to name the exercise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck.analysis import near_side_sides
from formcheck.pose.landmarks import Landmark as L
from formcheck.reps.segment import RepSettings, RepWindow, segment_reps
from formcheck.signals import geometry as g
from formcheck.signals.filters import fill_short_gaps, smooth_sequence
from formcheck.signals.measures import Body, leg_extension, standing_knee_flexion
from formcheck.signals.measures import trunk_inclination as trunk_measure
from formcheck.signals.view import estimate_view
from formcheck.types import PoseSequence

# Below this probability for the best exercise, formcheck asks instead of guessing.
MIN_CONFIDENCE = 0.6

# Hinges of any kind: generous, so a squatted hinge (trunk ~35 deg) still shows as reps.
HINGE_REPS = RepSettings(min_depth=25.0, min_amplitude=20.0, min_duration_s=0.5)
KICK_REPS = RepSettings(min_depth=145.0, min_amplitude=35.0, min_duration_s=0.6)

# (centre, width) of each soft boundary: 0.5 at the centre, 0.12 / 0.88 one width away.
BOUNDARIES = {
    "trunk_low_deg": (45.0, 6.0),  # the trunk's 20th percentile: bent-over all the time
    "foot_lift": (0.12, 0.025),  # free ankle above the standing one at the bottom (leg lengths)
    "hand_high": (-0.8, 0.06),  # the higher wrist along the trunk from the shoulders (torsos)
    "arms_at_top_deg": (50.0, 10.0),  # arms raised forward of the trunk at the top
    "knee_at_bottom_deg": (38.0, 6.0),  # knee bend at the bottom
    "hands_apart": (0.7, 0.12),  # wrists apart, in shoulder widths (one bell: together)
}


@dataclass(frozen=True)
class Recognition:
    exercise: str | None  # the most likely exercise, None when there is nothing to go on
    confidence: float  # its probability, 0..1
    scores: dict[str, float] = field(default_factory=dict)  # every exercise's probability
    features: dict[str, float] = field(default_factory=dict)
    reason: str = ""  # when nothing could be recognised: why

    @property
    def sure(self) -> bool:
        return self.exercise is not None and self.confidence >= MIN_CONFIDENCE

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.scores.items(), key=lambda kv: -kv[1])


def _soft(name: str, value: float) -> float:
    """Probability that ``value`` is on the high side of the named boundary (0.5 if unknown)."""
    if not np.isfinite(value):
        return 0.5
    centre, width = BOUNDARIES[name]
    return float(1.0 / (1.0 + np.exp(-2.0 * (value - centre) / width)))


def _median(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.median(finite)) if finite else float("nan")


def _arm_angles(w3: np.ndarray) -> dict[str, np.ndarray]:
    """Each arm's angle to the trunk (shoulder->wrist against shoulder->hip), 3D: 0 = hanging
    along the trunk, 90 = raised forward square to it, 180 = overhead."""
    out = {}
    for side in ("LEFT", "RIGHT"):
        shoulder = w3[:, L[f"{side}_SHOULDER"]]
        out[side] = g.angle_between(
            w3[:, L[f"{side}_WRIST"]] - shoulder, w3[:, L[f"{side}_HIP"]] - shoulder
        )
    return out


def features(seq: PoseSequence) -> tuple[dict[str, float], list[RepWindow], list[RepWindow]]:
    """The recognition features of a smoothed sequence, and the hinge and kick reps found."""
    t = seq.t
    view = estimate_view(seq)
    body = Body(seq, near_side_sides(seq), view.facing, view.view)
    trunk = trunk_measure(body)
    hinge_reps = segment_reps(t, fill_short_gaps(t, trunk, 1.5), HINGE_REPS)
    kick_reps = segment_reps(t, fill_short_gaps(t, leg_extension(body), 1.5), KICK_REPS)

    w3 = seq.world_xyz
    leg = g.robust_median(
        g.norm(w3[:, L.LEFT_HIP] - w3[:, L.LEFT_KNEE])
        + g.norm(w3[:, L.LEFT_KNEE] - w3[:, L.LEFT_ANKLE])
    )
    torso = g.robust_median(g.norm(body.mid(w3, "shoulder") - body.mid(w3, "hip")))
    arms = _arm_angles(w3)
    knee = standing_knee_flexion(body)
    shoulder = body.mid(w3, "shoulder")
    up = (shoulder - body.mid(w3, "hip")) / g.norm(shoulder - body.mid(w3, "hip"))[:, None]
    hand_high = (
        np.fmax(
            *[np.sum((w3[:, L[f"{s}_WRIST"]] - shoulder) * up, axis=1) for s in ("LEFT", "RIGHT")]
        )
        / torso
    )
    shoulders = g.robust_median(g.norm(w3[:, L.LEFT_SHOULDER] - w3[:, L.RIGHT_SHOULDER]))
    hands_apart = g.norm(w3[:, L.LEFT_WRIST] - w3[:, L.RIGHT_WRIST]) / shoulders
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1 / 30

    foot_lift, arms_top, apart, knee_bottom = [], [], [], []
    for w in hinge_reps:
        bottom = w.frames("bottom", t)
        drop = np.nanmean(w3[bottom, L.LEFT_ANKLE, 1] - w3[bottom, L.RIGHT_ANKLE, 1])
        foot_lift.append(abs(drop) / leg)
        top = slice(max(w.leave, w.end - int(0.3 / dt)), w.lockout_end + 1)
        both = np.fmin(arms["LEFT"][top], arms["RIGHT"][top])
        arms_top.append(float(np.nanmax(both)) if np.isfinite(both).any() else np.nan)
        apart.append(float(np.nanmedian(hands_apart[w.start : w.end + 1])))
        knee_bottom.append(float(np.nanmedian(knee[bottom])))

    found = np.isfinite(trunk)
    values = {
        "trunk_low_deg": float(np.percentile(trunk[found], 20)) if found.any() else np.nan,
        "foot_lift": _median(foot_lift),
        "hand_high": g.robust_median(hand_high),
        "arms_at_top_deg": _median(arms_top),
        "knee_at_bottom_deg": _median(knee_bottom),
        "hands_apart": _median(apart),
        "hinge_reps": float(len(hinge_reps)),
        "kick_reps": float(len(kick_reps)),
    }
    return values, hinge_reps, kick_reps


def recognize(seq: PoseSequence, *, smoothed: bool = False) -> Recognition:
    """The exercise ``seq`` most likely shows, with every exercise's probability."""
    seq = seq if smoothed else smooth_sequence(seq)
    f, hinge_reps, kick_reps = features(seq)
    if not hinge_reps and not kick_reps:
        return Recognition(
            None,
            0.0,
            features=f,
            reason="no repetition of a hinge or a kickback was found in the clip",
        )
    bent = _soft("trunk_low_deg", f["trunk_low_deg"]) if kick_reps else 0.0
    one_leg = _soft("foot_lift", f["foot_lift"]) if hinge_reps else 0.0
    stick = _soft("hand_high", f["hand_high"])
    swing = _soft("arms_at_top_deg", f["arms_at_top_deg"])
    knees_bent = _soft("knee_at_bottom_deg", f["knee_at_bottom_deg"])
    one_bell = 1.0 - _soft("hands_apart", f["hands_apart"])

    upright = 1.0 - bent
    two_legs = upright * (1.0 - one_leg)
    arms_free = two_legs * (1.0 - stick)  # not holding a stick along the back
    lifting = arms_free * (1.0 - swing)
    soft_knees = lifting * (1.0 - knees_bent)
    scores = {
        "band_kickback": bent,
        "kb_single_leg_deadlift": upright * one_leg,
        "kb_swing": arms_free * swing,
        # The stick drill by its grip; the band drill cannot be told from an RDL without a bell.
        "hip_hinge": two_legs * stick + soft_knees * (1.0 - one_bell) * 0.5,
        "kb_deadlift": lifting * knees_bent,
        "romanian_deadlift": soft_knees * (one_bell + (1.0 - one_bell) * 0.5),
    }
    total = sum(scores.values())
    scores = {name: round(v / total, 3) for name, v in scores.items()}
    best = max(scores, key=scores.get)
    return Recognition(best, scores[best], scores=scores, features=f)


def describe(rec: Recognition) -> str:
    """One line for the user: what was recognised and how sure, or why not."""
    if rec.exercise is None:
        return rec.reason
    top = ", ".join(f"{name} {p:.0%}" for name, p in rec.ranked()[:3])
    return f"recognised {rec.exercise} ({rec.confidence:.0%} sure; {top})"
