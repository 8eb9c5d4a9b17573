"""Which supported exercise a clip shows, recognised from the motion itself (``--exercise auto``).

A few features that tell the exercises of our sources apart, each read the way a coach would:

- the trunk never comes up (bent-over work) while one thigh kicks back from the standing
  one: the band kickback;
- one foot leaves the floor at the bottom of each hinge: the single-leg deadlift;
- the hands kept up by the head at the bottom of each hinge (gripping a stick along the spine,
  or behind the head in a good morning): the stick drill. Side-on that hand is hidden behind
  the head and the pose model often puts it lower than it is, so this is weak evidence and
  stick-drill clips are often answered "not sure";
- the arms swing up from the bottom to the top of each rep: the swing;
- the knees at the bottom: bent a lot in a deadlift, softly in a Romanian deadlift (on real
  footage the two overlap, so between the two formcheck asks);
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

from formcheck.analysis import REP_SIGNAL_MAX_GAP_S
from formcheck.pose.landmarks import Landmark as L
from formcheck.reps.segment import RepSettings, RepWindow, segment_shots
from formcheck.signals import geometry as g
from formcheck.signals.filters import smooth_sequence
from formcheck.signals.measures import Body, hinge_depth, leg_extension, standing_knee_flexion
from formcheck.signals.measures import trunk_inclination as trunk_measure
from formcheck.signals.sides import foot_lift, leg_length_m, near_side_sides
from formcheck.signals.view import ViewEstimate, estimate_view
from formcheck.types import PoseSequence

# Below this probability for the best exercise, formcheck asks instead of guessing.
MIN_CONFIDENCE = 0.75

# Hinges of any kind, on the hinge exercises' rep signal (hinge_depth): generous, as the
# swing's and the drill's settings are, so a squatted hinge still shows as reps.
HINGE_REPS = RepSettings(
    min_depth=0.10, min_amplitude=0.08, min_duration_s=0.5, count_lift_from_start=True
)
KICK_REPS = RepSettings(min_depth=145.0, min_amplitude=35.0, min_duration_s=0.6)

# (centre, width) of each soft boundary: 0.5 at the centre, 0.12 / 0.88 one width away.
BOUNDARIES = {
    "trunk_low_deg": (45.0, 6.0),  # the trunk's 20th percentile: bent-over all the time
    # The thighs apart at the far end of each kick: one leg kicks back from the standing one
    # (rendered kickbacks 47-112 deg, the real tuning-part kickback 22-57, median 51), where
    # two-footed lifts straighten both legs together (tuning part: at most 28, a barbell
    # deadlift that opens and ends bent over the bar, read as a sure kickback before).
    "kick_spread_deg": (38.0, 5.0),
    # One leg or two, two ways, averaged (so when they disagree the answer is "not sure"): the
    # thighs apart at the bottom (the free leg reaches back: rendered side and oblique views
    # 67-108 deg, front views 17-43; two-footed lifts under 16), and the free ankle's height
    # (which the pose model sometimes lifts in a deep two-footed pull on real footage).
    "legs_apart_deg": (35.0, 7.0),
    "foot_lift": (0.12, 0.025),  # free ankle above the standing one at the bottom (leg lengths)
    # How far the nearer hand reaches from its shoulder at the bottom of the reps, in arm
    # lengths: a stick held behind the neck, or hands behind the head or on a bar across the
    # back in a good morning, keep an elbow folded; hands holding a weight, or swinging one,
    # hang on straight arms.
    "hand_reach": (0.7, 0.06),
    # The arms' angle to the trunk at the top minus at the bottom: a swing raises them (bell
    # between the thighs, then forward), a deadlift's hang from the shoulders (the angle to
    # the tipped trunk is largest at the bottom), hands behind the head keep it.
    "arm_swing_deg": (30.0, 8.0),
    # Knee bend at the bottom. On real footage the two overlap (tuning part: RDLs 23-63 deg,
    # deadlifts 47-122), so the boundary is wide: only a clear bend or a clearly soft knee is
    # sure, and in between formcheck asks. Off the side view it is wider still
    # (OFF_SIDE_KNEE_WIDTH).
    "knee_at_bottom_deg": (55.0, 15.0),
    # Wrists apart in shoulder widths: two hands on one bell read 0.82-0.84 on rendered clips,
    # arms hanging free 0.98-1.04 (MediaPipe's depth keeps them from reading closer).
    "hands_apart": (0.92, 0.04),
}


# From the front or at an angle the knee bends along the camera's depth, the axis the pose
# model reads worst: tuning-part Romanian deadlifts read 71 and 87 deg there (side views:
# 27-44), so the knee's boundary is twice as wide off the side.
OFF_SIDE_KNEE_WIDTH = 2.0
# An edited film (cuts between angles, close-ups of the bar) is not one filmed set: its reps
# are read from different shots and bodies cut off. With more shots than this formcheck asks
# (the tuning part's 10-shot Romanian deadlift film read as a sure single-leg deadlift).
MAX_SHOTS_TO_BE_SURE = 3


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


def _soft(name: str, value: float, widen: float = 1.0) -> float:
    """Probability that ``value`` is on the high side of the named boundary (0.5 if unknown);
    ``widen`` the boundary for a reading known to be coarser."""
    if not np.isfinite(value):
        return 0.5
    centre, width = BOUNDARIES[name]
    width *= widen
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


def _reach(w3: np.ndarray, side: str) -> np.ndarray:
    """(T,) wrist-to-shoulder distance over the arm's length (1 = a straight arm)."""
    shoulder, elbow, wrist = (w3[:, L[f"{side}_{j}"]] for j in ("SHOULDER", "ELBOW", "WRIST"))
    length = g.robust_median(g.norm(elbow - shoulder) + g.norm(wrist - elbow))
    return g.norm(wrist - shoulder) / length


def features(
    seq: PoseSequence, view: ViewEstimate
) -> tuple[dict[str, float], list[RepWindow], list[RepWindow]]:
    """The recognition features of a smoothed sequence, and the hinge and kick reps found."""
    t = seq.t
    body = Body(seq, near_side_sides(seq), view.facing, view.view)
    trunk = trunk_measure(body)
    shots = seq.shots()
    depth = hinge_depth(body)
    hinge_reps = segment_shots(t, depth, HINGE_REPS, shots, REP_SIGNAL_MAX_GAP_S)
    kick_reps = segment_shots(t, leg_extension(body), KICK_REPS, shots, REP_SIGNAL_MAX_GAP_S)

    w3 = seq.world_xyz
    leg = leg_length_m(seq)
    arms = _arm_angles(w3)
    knee = standing_knee_flexion(body)
    reach = np.fmin(*[_reach(w3, side) for side in ("LEFT", "RIGHT")])
    shoulders = g.robust_median(g.norm(w3[:, L.LEFT_SHOULDER] - w3[:, L.RIGHT_SHOULDER]))
    hands_apart = g.norm(w3[:, L.LEFT_WRIST] - w3[:, L.RIGHT_WRIST]) / shoulders
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1 / 30

    legs_apart, foot_lifts, arm_swing, apart, knee_bottom, hands_up = [], [], [], [], [], []
    thighs = g.angle_between(
        w3[:, L.LEFT_KNEE] - w3[:, L.LEFT_HIP], w3[:, L.RIGHT_KNEE] - w3[:, L.RIGHT_HIP]
    )
    kick_spread = [float(np.nanmedian(thighs[w.frames("bottom", t)])) for w in kick_reps]
    for w in hinge_reps:
        bottom = w.frames("bottom", t)
        legs_apart.append(float(np.nanmedian(thighs[bottom])))
        foot_lifts.append(foot_lift(seq, bottom, leg))
        top = slice(max(w.leave, w.end - int(0.3 / dt)), w.lockout_end + 1)
        both = np.fmin(arms["LEFT"], arms["RIGHT"])
        if np.isfinite(both[top]).any() and np.isfinite(both[bottom]).any():
            arm_swing.append(float(np.nanmax(both[top]) - np.nanmedian(both[bottom])))
        apart.append(float(np.nanmedian(hands_apart[w.start : w.end + 1])))
        knee_bottom.append(float(np.nanmedian(knee[bottom])))
        hands_up.append(g.robust_median(reach[bottom]))

    found = np.isfinite(trunk)
    values = {
        "trunk_low_deg": float(np.percentile(trunk[found], 20)) if found.any() else np.nan,
        "kick_spread_deg": _median(kick_spread),
        "legs_apart_deg": _median(legs_apart),
        "foot_lift": _median(foot_lifts),
        "hand_reach": _median(hands_up),
        "arm_swing_deg": _median(arm_swing),
        "knee_at_bottom_deg": _median(knee_bottom),
        "hands_apart": _median(apart),
        "hinge_reps": float(len(hinge_reps)),
        "kick_reps": float(len(kick_reps)),
    }
    return values, hinge_reps, kick_reps


def recognize(seq: PoseSequence, *, smoothed: bool = False) -> Recognition:
    """The exercise ``seq`` most likely shows, with every exercise's probability."""
    seq = seq if smoothed else smooth_sequence(seq)
    view = estimate_view(seq)
    f, hinge_reps, kick_reps = features(seq, view)
    shots = sum(1 for shot in seq.shots() if shot.stop > shot.start)
    if not hinge_reps and not kick_reps:
        return Recognition(
            None,
            0.0,
            features=f,
            reason="no repetition of a hinge or a kickback was found in the clip",
        )
    bent = (
        _soft("trunk_low_deg", f["trunk_low_deg"]) * _soft("kick_spread_deg", f["kick_spread_deg"])
        if kick_reps
        else 0.0
    )
    one_leg = (
        0.5 * (_soft("legs_apart_deg", f["legs_apart_deg"]) + _soft("foot_lift", f["foot_lift"]))
        if hinge_reps
        else 0.0
    )
    stick = 1.0 - _soft("hand_reach", f["hand_reach"])
    swing = _soft("arm_swing_deg", f["arm_swing_deg"])
    knees_bent = _soft(
        "knee_at_bottom_deg",
        f["knee_at_bottom_deg"],
        widen=1.0 if view.view == "side" else OFF_SIDE_KNEE_WIDTH,
    )
    one_bell = 1.0 - _soft("hands_apart", f["hands_apart"])

    upright = 1.0 - bent
    two_legs = upright * (1.0 - one_leg)
    # A swing brings the bell down between the legs; hands kept up at the bottom are not one.
    swinging = two_legs * swing * (1.0 - stick)
    # Not swinging: a stick held along the back, or something lifted with the hands.
    still_arms = two_legs * (1.0 - swing * (1.0 - stick))
    lifting = still_arms * (1.0 - stick)
    soft_knees = lifting * (1.0 - knees_bent)
    scores = {
        "band_kickback": bent,
        "kb_single_leg_deadlift": upright * one_leg,
        "kb_swing": swinging,
        # The stick drill by its grip; the band drill cannot be told from an RDL without a bell.
        "hip_hinge": still_arms * stick + soft_knees * (1.0 - one_bell) * 0.5,
        "kb_deadlift": lifting * knees_bent,
        "romanian_deadlift": soft_knees * (one_bell + (1.0 - one_bell) * 0.5),
    }
    total = sum(scores.values())
    scores = {name: round(v / total, 3) for name, v in scores.items()}
    best = max(scores, key=scores.get)
    # From behind the pose model scrambles a hinging body (docs/accuracy.md): on rendered
    # clips two back views read as confident swings. Never sure from there, nor from a film.
    doubt = ""
    if view.view == "back":
        doubt = "filmed from behind, where the pose model loses the body in a hinge"
    elif shots > MAX_SHOTS_TO_BE_SURE:
        doubt = f"an edited film of {shots} shots, not one filmed set"
    if doubt:
        capped = min(scores[best], MIN_CONFIDENCE / 2)
        return Recognition(best, capped, scores=scores, features=f, reason=doubt)
    return Recognition(best, scores[best], scores=scores, features=f)


def describe(rec: Recognition) -> str:
    """One line for the user: what was recognised and how sure, or why not."""
    if rec.exercise is None:
        return rec.reason
    top = ", ".join(f"{name} {p:.0%}" for name, p in rec.ranked()[:3])
    if rec.reason and rec.confidence < rec.scores.get(rec.exercise, 0.0):
        # Capped by a doubt about the clip itself: the movement's own scores stand beside it,
        # and "38% sure" next to "kb_deadlift 99%" would read as a contradiction.
        return f"best guess {rec.exercise} (the movement alone says {top}; but {rec.reason})"
    why = f"; {rec.reason}" if rec.reason else ""
    verb = "recognised" if rec.sure else "best guess"
    return f"{verb} {rec.exercise} ({rec.confidence:.0%} sure; {top}{why})"
