"""Resistance-band one-leg kickback, bent position (seed 003).

Stand on one leg (knee soft ~15 deg), trunk hinged to ~75 deg (almost parallel), hands hold the
band in front of the hips, the band loops round the working foot. Each rep: extend the working
leg straight back to the trunk line (0.8 s), hold (0.5 s), return against the band (1.2 s).
In the rep labels, bottom_s = full extension is reached.
"""

import numpy as np

from .. import solve
from ..motion import Timeline, min_jerk
from . import common

EXERCISE = "band_kickback"
FAULTS = {
    "torso_too_upright": (50.0, "deg"),  # trunk this far above horizontal during the rep
    "back_arch": (20.0, "deg"),  # working thigh above the trunk line, lumbar extends
    "hips_rotate": (20.0, "deg"),  # pelvis rotates about the trunk axis, working hip up
    "working_leg_bent": (45.0, "deg"),  # knee flexion at full extension
    "standing_knee_locked": (0.0, "deg"),  # standing-knee flexion (0 = straight)
    "head_up": (35.0, "deg"),  # neck extension against the trunk line
    "no_hold": (0.4, "s"),  # no pause, the return takes only M s
    "torso_moves": (20.0, "deg"),  # trunk rises by M during the rep
}
TEMPO = dict(extend=0.8, hold=0.5, ret=1.2, rest=0.3, lead=0.6, tail=0.6)
CLEAN = dict(trunk=75.0, knee=15.0, work_thigh_start=-12.0, work_knee_start=70.0, work_knee_end=4.0)


def timeline(reps, fps):
    tl = Timeline(fps)
    T = TEMPO
    tl.add("rest", T["lead"], 0, 0)
    for i, r in enumerate(reps):
        tl.add("descent", T["extend"], 0, 1, i)
        if r.get("fault") == "no_hold":
            tl.add("ascent", r["magnitude"], 1, 0, i)
        else:
            tl.add("pause", T["hold"], 1, 1, i)
            tl.add("ascent", T["ret"], 1, 0, i)
        if i < len(reps) - 1:
            tl.add("rest", T["rest"], 0, 0)
    tl.add("rest", T["tail"], 0, 0)
    return tl


def params(fr, reps):
    n = len(fr["t"])
    P = {k: np.full(n, v) for k, v in CLEAN.items()}
    for k in ["trunk_add", "thigh_add", "spine_flex", "pelvis_open", "work_knee_add", "neck_flex"]:
        P[k] = np.zeros(n)
    s = fr["s"]
    # an envelope over a whole rep: in over the first 30 %, out over the last 20 %
    t = fr["t"]
    for i, r in enumerate(reps):
        f, M = r.get("fault"), r.get("magnitude")
        m = fr["rep"] == i
        if f is None:
            continue
        tm = t[m]
        env = min_jerk((tm - tm[0]) / (0.3 * (tm[-1] - tm[0]))) * (
            1 - min_jerk((tm - tm[-1]) / (0.2 * (tm[-1] - tm[0])) + 1)
        )
        if f == "torso_too_upright":
            P["trunk_add"][m] = -(CLEAN["trunk"] - (90 - M)) * env
        elif f == "torso_moves":
            P["trunk_add"][m] = -M * np.sin(np.pi * (tm - tm[0]) / (tm[-1] - tm[0]))
        elif f == "back_arch":
            P["thigh_add"][m] = M * s[m]
            P["spine_flex"][m] = -0.6 * M * s[m]
        elif f == "hips_rotate":
            P["pelvis_open"][m] = M * s[m]
        elif f == "working_leg_bent":
            P["work_knee_add"][m] = (M - CLEAN["work_knee_end"]) * s[m]
        elif f == "standing_knee_locked":
            P["knee"][m] = CLEAN["knee"] + (M - CLEAN["knee"]) * env
        elif f == "head_up":
            P["neck_flex"][m] = -M * env
        elif f == "no_hold":
            pass
        else:
            raise ValueError(f)
    return common.apply_rep_extras(P, fr, reps)


def build(rig, reps, standing="L", fps=30):
    reps = common.with_defaults(reps, FAULTS)
    tl = timeline(reps, fps)
    fr = tl.frames()
    P = params(fr, reps)
    s = fr["s"]
    st, wk = standing, ("R" if standing == "L" else "L")
    trunk = P["trunk"] + P["trunk_add"]
    Q = dict(
        standing=st,
        trunk=trunk,
        spine_flex=P["spine_flex"],
        pelvis_open=P["pelvis_open"],
        neck_flex=P["neck_flex"],
    )
    common.split_spine(Q, P)
    Q[f"{st}_knee"] = P["knee"]
    Q[f"{st}_flat"] = True
    Q[f"{st}_abd"] = np.full_like(s, -4.0)
    # working leg: thigh from under the hip to the trunk line, knee straightening
    Q[f"{wk}_thigh"] = (
        P["work_thigh_start"] + (trunk - 2.0 - P["work_thigh_start"]) * s + P["thigh_add"]
    )
    Q[f"{wk}_knee"] = (
        P["work_knee_start"] + (P["work_knee_end"] - P["work_knee_start"]) * s + P["work_knee_add"]
    )
    Q[f"{wk}_ankle"] = np.full_like(s, -5.0)  # dorsiflexed: pushing through the heel
    Q[f"{wk}_abd"] = np.full_like(s, 1.0)
    for side in "LR":
        Q[f"{side}_arm_frame"] = "trunk"
        Q[f"{side}_arm"] = np.full_like(s, 28.0)  # hands in front of the hips
        Q[f"{side}_arm_abd"] = np.full_like(s, 2.0)
        Q[f"{side}_elbow"] = np.full_like(s, 20.0)
        Q[f"{side}_grip"] = np.ones_like(s)
    bal = solve.com_forward_of_ankle(rig, st, 0.0, st)
    Q = solve.stance_leg(rig, Q, st, Q[f"{st}_knee"], bal, 0.04)
    G = rig.globals(Q)
    q = rig.points(G)
    trans = common.anchor(rig, G, st)
    b = rig.b
    ankle_h = b.head(f"foot.{wk}")[2] - b.ref_verts[:, 2].min()
    foot = (
        q[f"foot.{wk}"]
        + np.einsum("tij,j->ti", G[:, b.idx[f"foot.{wk}"]], [0, -0.04, -ankle_h])
        + trans
    )
    props = [
        (dict(kind="band", rgb=(0.1, 0.55, 0.2)), common.rod(q[f"grip.{side}"] + trans, foot))
        for side in "LR"
    ]
    tr = q["shoulder_mid"] - q["hip_mid"]
    wl = q[f"foot.{wk}"] - q[f"upperleg01.{wk}"]
    hl = q[f"upperleg01.{wk}"] - q[f"upperleg01.{st}"]
    truth = dict(
        trunk_line_deg=common.sagittal_angle(tr),
        working_leg_vs_trunk_deg=common.sagittal_angle(-wl) - common.sagittal_angle(tr),
        hip_line_tilt_deg=np.degrees(np.arcsin(hl[:, 2] / np.linalg.norm(hl, axis=1))),
        working_knee_deg=Q[f"{wk}_knee"],
        standing_knee_deg=Q[f"{st}_knee"],
        neck_flex_deg=Q["neck_flex"],
        spine_flex_deg=Q["spine_flex"],
        phase_s=s,
    )
    truth.update(common.spine_truth(Q))
    return dict(
        t=fr["t"],
        G=G,
        trans=trans,
        props=props,
        reps=common.rep_labels(tl, reps, FAULTS),
        truth=truth,
        standing_leg="left" if st == "L" else "right",
        working_leg="left" if wk == "L" else "right",
    )
