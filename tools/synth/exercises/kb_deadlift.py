"""Kettlebell deadlift from the floor, bell between the feet (seed 004).

Clean: feet between hip and shoulder width, bell over mid-foot, straight arms, neutral spine and
gaze, hips back with knees bending (~55 deg), trunk depth solved so the hands reach the handle
on the floor; stand until knees and hips are stacked. Tempo: down 1.2 s, 0.4 s on the floor,
up 1.2 s, 0.5 s tall.
"""

import numpy as np

from .. import solve
from . import bilateral, common

EXERCISE = "kb_deadlift"
FAULTS = {
    "spine_round": (35.0, "deg"),
    "gaze_not_neutral": (70.0, "deg"),  # neck extended (looking up); real clean lifts read up to 58
    "bell_position": (0.15, "m"),  # bell ahead of mid-foot at the bottom
    "arms_bent": (70.0, "deg"),  # elbow flexion through the rep; real straight arms read up to 63
    "incomplete_lockout": (25.0, "deg"),  # trunk still this far forward at the top
    "hips_rise_first": (0.5, "fraction"),  # share of the ascent in which the knees extend first
    "heel_lift": (0.04, "m"),
}
TEMPO = dict(descent=1.2, pause=0.4, ascent=1.2, finish=0.5, rest=0.3, lead=0.5, tail=0.5)
CLEAN = dict(trunk_top=1.0, trunk_bottom=50.0, knee_top=4.0, knee_bottom=95.0)
BELL_KG = 16.0
GRIP_ON_FLOOR = 0.215  # handle height of a bell standing on the floor


def params(fr, reps):
    P = bilateral.base_params(fr, CLEAN)
    for i, r in enumerate(reps):
        if r.get("fault") and not bilateral.apply_common_fault(
            P, fr, fr["rep"] == i, r["fault"], r["magnitude"]
        ):
            raise ValueError(r["fault"])
    return common.apply_rep_extras(P, fr, reps)


def _solve_depth(rig, fr, P):
    """Per rep: the bottom trunk angle at which the hands reach the handle on the floor."""
    for i in np.unique(fr["rep"][fr["rep"] >= 0]):
        j = np.where((fr["rep"] == i) & (fr["s"] >= 1))[0][:1]
        one = {k: v[j] for k, v in P.items()}
        f1 = {
            "s": np.ones(1),
            "phase": np.array(["pause"], object),
            "u": np.zeros(1),
            "rep": np.array([i]),
        }

        def grip_z(trunk, one=one, f1=f1):
            one["trunk_bottom"] = trunk
            Q = bilateral.posture(f1, one)
            Q = bilateral.set_shins(Q, np.full(1, 12.0))
            Q = bilateral.arms_to(rig, Q, bilateral.bell_path_target(one["bell_ahead"]))
            Q = bilateral.balance(rig, Q, BELL_KG, iters=12)
            q = rig.points(rig.globals(Q))
            return q["grip.both"][:, 2] - q["ball.L"][:, 2]

        # floor is ~ankle height below the ball joints; compare in the root frame
        ball_h = 0.035
        tb = solve.bisect(grip_z, np.full(1, 10.0), np.full(1, 88.0), GRIP_ON_FLOOR - ball_h, 16)
        P["trunk_bottom"][fr["rep"] == i] = tb[0]
    return P


def build(rig, reps, fps=30):
    reps = common.with_defaults(reps, FAULTS)
    tl = bilateral.timeline(reps, fps, TEMPO)
    fr = tl.frames()
    P = params(fr, reps)
    P = _solve_depth(rig, fr, P)
    Q = bilateral.posture(fr, P)
    Q = bilateral.set_shins(Q, np.full(len(fr["t"]), 10.0))
    for _ in range(2):
        Q = bilateral.arms_to(rig, Q, bilateral.bell_path_target(P["bell_ahead"]))
        Q = bilateral.balance(rig, Q, BELL_KG)
    Q = bilateral.arms_to(rig, Q, bilateral.bell_path_target(P["bell_ahead"]))
    G = rig.globals(Q)
    q = rig.points(G)
    trans = common.anchor(rig, G, "L")
    grip = q["grip.both"] + trans
    props = [(dict(kind="kettlebell"), common.bell_hanging(grip))]
    truth = dict(
        bilateral.measured(rig, G, q, trans),
        trunk_deg=Q["trunk"],
        knee_deg=Q["L_knee"],
        spine_flex_deg=Q["spine_flex"],
        neck_flex_deg=Q["neck_flex"],
        elbow_deg=Q["L_elbow"],
        heel_lift_m=P["heel_lift"],
        phase_s=fr["s"],
    )
    truth.update(common.spine_truth(Q))
    return dict(
        t=fr["t"],
        G=G,
        trans=trans,
        props=props,
        reps=common.rep_labels(tl, reps, FAULTS),
        truth=truth,
    )
