"""Two-hand kettlebell swing (seed 004).

Clean rep: backswing 0.6 s into a full hinge (trunk ~65 deg, knees ~30 deg, bell between and
behind the knees), hip snap 0.45 s to a standing plank (shoulders, hips, knees in line), the
bell floats to chest height on straight arms (0.45 s), then falls into the next backswing.
The bell stays in line with the arms (it is swinging, not hanging).
"""

import numpy as np

from ..motion import Timeline, min_jerk
from . import bilateral, common

EXERCISE = "kb_swing"
FAULTS = {
    "arm_lift": (60.0, "deg"),  # elbow flexion while the bell floats (lifting with the arms)
    "top_not_plank": (15.0, "deg"),  # trunk behind vertical at the top
    "squat_swing": (85.0, "deg"),  # knee flexion at the bottom, trunk only ~35 deg
    "spine_round": (35.0, "deg"),  # spine flexion at the bottom
}
TEMPO = dict(back=0.6, snap=0.45, float=0.45, lead=0.6, settle=0.9, tail=0.4)
CLEAN = dict(trunk_top=0.0, trunk_bottom=65.0, knee_top=6.0, knee_bottom=30.0)
ARM = dict(hang=2.0, bottom=-32.0, lock=35.0, peak=82.0)
BELL_KG = 16.0


def timeline(reps, fps):
    tl = Timeline(fps)
    T = TEMPO
    tl.add("rest", T["lead"], 0, 0)
    for i in range(len(reps)):
        tl.add("descent", T["back"], 0, 1, i)
        tl.add("ascent", T["snap"], 1, 0, i)
        tl.add("float", T["float"], 0, 0, i)
    tl.add("settle", T["settle"], 0, 0)  # last float comes down to a hang
    tl.add("rest", T["tail"], 0, 0)
    return tl


def arm_track(fr, P):
    """Global arm angle (deg, + forward) through backswing, snap, float."""
    ph, u = fr["phase"], fr["u"]
    a = np.full(len(u), ARM["hang"])
    first = True
    for k in range(len(u)):
        if ph[k] == "descent":
            start = ARM["hang"] if fr["rep"][k] == 0 else ARM["peak"] + P["peak_add"][k]
            a[k] = start + (ARM["bottom"] - start) * min_jerk(u[k])
        elif ph[k] == "ascent":
            a[k] = ARM["bottom"] + (ARM["lock"] - ARM["bottom"]) * min_jerk(u[k]) ** 0.8
        elif ph[k] == "float":
            a[k] = ARM["lock"] + (ARM["peak"] + P["peak_add"][k] - ARM["lock"]) * np.sin(
                np.pi / 2 * min(u[k] / 0.8, 1)
            )
        elif ph[k] == "settle":
            a[k] = ARM["peak"] + (ARM["hang"] - ARM["peak"]) * min_jerk(u[k])
    del first
    return a


def params(fr, reps):
    P = bilateral.base_params(fr, CLEAN)
    P["peak_add"] = np.zeros(len(fr["t"]))
    s, ph, u = fr["s"], fr["phase"], fr["u"]
    for i, r in enumerate(reps):
        f, M = r.get("fault"), r.get("magnitude")
        m = fr["rep"] == i
        if f is None:
            continue
        if f == "arm_lift":
            k = m & np.isin(ph, ["ascent", "float"])
            w = np.where(ph[k] == "ascent", min_jerk(u[k]), 1.0)
            P["elbow"][k] = M * w
            P["peak_add"][m & (ph == "float")] = 15.0
        elif f == "top_not_plank":
            k = m & (ph == "float")
            P["trunk_add"][k] = -M * np.sin(np.pi * np.clip(u[k] / 0.9, 0, 1))
        elif f == "squat_swing":
            P["knee_bottom"][m] = M
            P["trunk_bottom"][m] = 35.0
        elif f == "spine_round":
            P["spine_flex"][m] = M * s[m]
        else:
            raise ValueError(f)
    return common.apply_rep_extras(P, fr, reps)


def build(rig, reps, fps=30):
    reps = common.with_defaults(reps, FAULTS)
    tl = timeline(reps, fps)
    fr = tl.frames()
    P = params(fr, reps)
    Q = bilateral.posture(fr, P, stance_abd=11.0)
    a = arm_track(fr, P)
    for side in "LR":
        Q[f"{side}_arm"] = a
        Q[f"{side}_arm_abd"] = np.full_like(a, -10.0)
    Q = bilateral.set_shins(Q, np.full(len(a), 8.0))
    Q = bilateral.balance(rig, Q, BELL_KG * 0.5)
    G = rig.globals(Q)
    q = rig.points(G)
    trans = common.anchor(rig, G, "L")
    grip = q["grip.both"] + trans
    props = [(dict(kind="kettlebell"), common.bell_along_arm(grip, q["shoulder_mid"] + trans))]
    tr = q["shoulder_mid"] - q["hip_mid"]
    kn = (q["lowerleg01.L"] + q["lowerleg01.R"]) / 2
    truth = dict(
        trunk_line_deg=common.sagittal_angle(tr),
        # standing plank: 0 when shoulder, hip and knee are in line
        hip_angle_deg=180
        - np.degrees(
            np.arccos(
                np.clip(
                    (tr * (kn - q["hip_mid"])).sum(1)
                    / np.linalg.norm(tr, axis=1)
                    / np.linalg.norm(kn - q["hip_mid"], axis=1),
                    -1,
                    1,
                )
            )
        ),
        bell_height_m=props[0][1][:, 2, 3],
        arm_deg=Q["L_arm"],
        knee_deg=Q["L_knee"],
        elbow_deg=Q["L_elbow"],
        spine_flex_deg=Q["spine_flex"],
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
