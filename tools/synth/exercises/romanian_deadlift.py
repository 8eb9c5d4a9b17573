"""Kettlebell Romanian deadlift (seed 004): fairly straight legs with a soft knee bend, hips
travel back, trunk to ~75 deg, the bell slides close in front of the thighs and shins to
mid-shin. Tempo: down 1.5 s, 0.3 s at the bottom, up 1.2 s, 0.5 s tall."""

import numpy as np

from . import bilateral, common

EXERCISE = "romanian_deadlift"
FAULTS = {
    "knees_too_bent": (60.0, "deg"),  # knee flexion at the bottom
    "spine_round": (35.0, "deg"),
    "gaze_not_neutral": (70.0, "deg"),  # real clean lifts read up to 58
    "arms_bent": (45.0, "deg"),
    "incomplete_lockout": (25.0, "deg"),
}
# faults the varied sets pose but the committed catalog (which lists FAULTS) does not
EXTRA_FAULTS = {"heel_lift": (0.04, "m")}
ALL_FAULTS = {**FAULTS, **EXTRA_FAULTS}
TEMPO = dict(descent=1.5, pause=0.3, ascent=1.2, finish=0.5, rest=0.3, lead=0.5, tail=0.5)
CLEAN = dict(trunk_top=1.0, trunk_bottom=75.0, knee_top=4.0, knee_bottom=18.0)
BELL_KG = 16.0


def params(fr, reps):
    P = bilateral.base_params(fr, CLEAN)
    for i, r in enumerate(reps):
        if r.get("fault"):
            m = fr["rep"] == i
            if not bilateral.apply_common_fault(P, fr, m, r["fault"], r["magnitude"]):
                raise ValueError(r["fault"])
            if r["fault"] == "knees_too_bent":
                P["trunk_bottom"][m] = 60.0  # more knee, less hinge
    return common.apply_rep_extras(P, fr, reps)


def build(rig, reps, fps=30):
    reps = common.with_defaults(reps, ALL_FAULTS)
    tl = bilateral.timeline(reps, fps, TEMPO)
    fr = tl.frames()
    P = params(fr, reps)
    Q = bilateral.posture(fr, P, stance_abd=4.0)
    Q = bilateral.set_shins(Q, np.full(len(fr["t"]), 5.0))
    tgt = bilateral.legs_front_target(0.12)
    for _ in range(2):
        Q = bilateral.arms_to(rig, Q, tgt)
        Q = bilateral.balance(rig, Q, BELL_KG)
    Q = bilateral.arms_to(rig, Q, tgt)
    G = rig.globals(Q)
    q = rig.points(G)
    trans = common.anchor(rig, G, "L")
    props = [(dict(kind="kettlebell"), common.bell_hanging(q["grip.both"] + trans))]
    truth = dict(
        bilateral.measured(rig, G, q, trans),
        trunk_deg=Q["trunk"],
        knee_deg=Q["L_knee"],
        spine_flex_deg=Q["spine_flex"],
        neck_flex_deg=Q["neck_flex"],
        elbow_deg=Q["L_elbow"],
        phase_s=fr["s"],
    )
    truth.update(common.spine_truth(Q))
    return dict(
        t=fr["t"],
        G=G,
        trans=trans,
        props=props,
        reps=common.rep_labels(tl, reps, ALL_FAULTS),
        truth=truth,
    )
