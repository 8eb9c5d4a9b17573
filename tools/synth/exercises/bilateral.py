"""Two-footed hinge engine shared by kb_deadlift, romanian_deadlift and hip_hinge.

Per-frame parameters (degrees): trunk_top/bottom (hip-shoulder line from vertical), knee_top/
bottom, spine_flex, neck_flex, elbow, plus fault hooks: heel_lift (m), hips_first (fraction of
the ascent in which the knees straighten while the trunk holds), bell_ahead (m).
Both shins tilt together; their tilt is solved so the centre of mass (body + bell) sits over
mid-foot, which is what sends the hips back.
"""

import numpy as np

from .. import solve
from ..motion import Timeline, min_jerk
from . import common

FOOT_LEN = 0.19  # heel to ball, used to turn a heel rise in metres into a foot pitch


def timeline(reps, fps, tempo):
    tl = Timeline(fps)
    T = tempo
    tl.add("rest", T["lead"], 0, 0)
    for i, r in enumerate(reps):
        d = r["magnitude"] if r.get("fault") == "fast_descent" else T["descent"]
        tl.add("descent", d, 0, 1, i)
        tl.add("pause", T["pause"], 1, 1, i)
        tl.add("ascent", T["ascent"], 1, 0, i)
        tl.add("finish", T["finish"], 0, 0, i)
        if i < len(reps) - 1:
            tl.add("rest", T["rest"], 0, 0)
    tl.add("rest", T["tail"], 0, 0)
    return tl


def base_params(fr, clean):
    n = len(fr["t"])
    P = {k: np.full(n, float(v)) for k, v in clean.items()}
    for k in [
        "spine_flex",
        "neck_flex",
        "elbow",
        "heel_lift",
        "hips_first",
        "bell_ahead",
        "trunk_add",
    ]:
        P.setdefault(k, np.zeros(n))
    return P


def apply_common_fault(P, fr, m, f, M):
    """Faults that mean the same thing in every bilateral hinge. Returns False if not handled."""
    s, ph, u = fr["s"], fr["phase"], fr["u"]
    if f in ("spine_round", "spine_not_neutral"):
        P["spine_flex"][m] = M * s[m]
    elif f in ("gaze_not_neutral", "head_up"):
        w = np.where(ph[m] == "descent", min_jerk(u[m] / 0.3), 1.0)
        P["neck_flex"][m] = -M * np.where(ph[m] == "finish", 1 - min_jerk(u[m]), w)
    elif f == "arms_bent":
        w = np.where(ph[m] == "descent", min_jerk(u[m] / 0.3), 1.0)
        P["elbow"][m] = M * np.where(ph[m] == "finish", 1 - min_jerk(u[m]), w)
    elif f == "heel_lift":
        P["heel_lift"][m] = M * s[m] ** 2
    elif f == "hips_rise_first":
        P["hips_first"][m] = M
    elif f in ("squat_not_hinge", "knees_too_bent"):
        P["knee_bottom"][m] = M
        if f == "squat_not_hinge":
            P["trunk_bottom"][m] = np.minimum(P["trunk_bottom"][m], 35.0)
    elif f == "incomplete_lockout":
        k = m & np.isin(ph, ["ascent", "finish"])
        P["trunk_top"][k] = M
        P["knee_top"][k] = np.maximum(P["knee_top"][k], 15.0)
    elif f == "bell_position":
        P["bell_ahead"][m] = M * s[m]
    else:
        return False
    return True


def progress(fr, P):
    """Trunk and knee progress; hips_rise_first lets the knees finish extending before the trunk
    moves."""
    s = fr["s"].copy()
    sk = s.copy()
    F = P["hips_first"]
    k = (F > 0) & (fr["phase"] == "ascent")
    u = fr["u"][k]
    sk[k] = 1 - min_jerk(u / F[k])
    s[k] = 1 - min_jerk((u - 0.8 * F[k]) / (1 - 0.8 * F[k]))
    return s, sk


def posture(fr, P, stance_abd=8.0):
    s, sk = progress(fr, P)
    trunk = P["trunk_top"] + (P["trunk_bottom"] - P["trunk_top"]) * s + P["trunk_add"]
    knee = P["knee_top"] + (P["knee_bottom"] - P["knee_top"]) * sk
    pitch = np.degrees(np.arcsin(np.clip(P["heel_lift"] / FOOT_LEN, 0, 0.9)))
    Q = dict(standing="L", trunk=trunk, spine_flex=P["spine_flex"], neck_flex=P["neck_flex"])
    common.split_spine(Q, P)
    for side in "LR":
        Q[f"{side}_knee"] = knee
        Q[f"{side}_flat"] = True
        Q[f"{side}_foot_pitch"] = pitch
        Q[f"{side}_abd"] = np.full_like(s, stance_abd)
        Q[f"{side}_elbow"] = 4.0 + P["elbow"]
        Q[f"{side}_arm_abd"] = np.full_like(s, -11.0)  # hands together on one handle
        Q[f"{side}_grip"] = np.ones_like(s)
    return Q


def set_shins(Q, phi):
    Q = dict(Q)
    for side in "LR":
        Q[f"{side}_thigh"] = phi - Q[f"{side}_knee"]
    return Q


def balance(rig, Q, bell_kg, mid=0.05, iters=20):
    """Shin tilt (both legs) putting the centre of mass `mid` m ahead of the ankles."""

    def fn(phi):
        G = rig.globals(set_shins(Q, phi))
        c = rig.com(G, bell_kg=bell_kg, bell_side="both")
        a = rig.points(G)["foot.L"]
        return a[:, 1] - c[:, 1]

    n = len(Q["trunk"])
    return set_shins(Q, solve.bisect(fn, np.full(n, -20.0), np.full(n, 40.0), mid, iters))


def arms_to(rig, Q, y_target_fn, extra=None):
    """Arm angle (both arms) putting the two-hand grip at y_target_fn(points) (forward = -y)."""
    n = len(Q["trunk"])

    def fn(a):
        Qa = dict(Q)
        Qa["L_arm"] = Qa["R_arm"] = a
        q = rig.points(rig.globals(Qa))
        return q["grip.both"][:, 1] - y_target_fn(q)

    a = solve.bisect(fn, np.full(n, -60.0), np.full(n, 100.0), 0.0, 18)
    if extra is not None:
        a = a + extra
    Q = dict(Q)
    Q["L_arm"] = Q["R_arm"] = a
    return Q


def bell_path_target(ahead, clear_thigh=0.13):
    """Grip over mid-foot, but in front of the thighs when the hands are above the knees."""

    def f(q):
        ank = (q["foot.L"] + q["foot.R"]) / 2
        kn = (q["lowerleg01.L"] + q["lowerleg01.R"]) / 2
        hip = q["hip_mid"]
        z = q["grip.both"][:, 2]
        mid = ank[:, 1] - 0.05
        w = np.clip((z - kn[:, 2]) / 0.08, 0, 1)  # blend in the thigh clearance above the knee
        thigh_y = kn[:, 1] + (hip[:, 1] - kn[:, 1]) * np.clip(
            (z - kn[:, 2]) / (hip[:, 2] - kn[:, 2]), 0, 1.5
        )
        return mid + w * (np.minimum(mid, thigh_y - clear_thigh) - mid) - ahead

    return f


def measured(rig, G, q, trans):
    tr = q["shoulder_mid"] - q["hip_mid"]
    th = (q["lowerleg01.L"] + q["lowerleg01.R"]) / 2 - q["hip_mid"]
    ank = (q["foot.L"] + q["foot.R"]) / 2
    return dict(
        trunk_line_deg=common.sagittal_angle(tr),
        thigh_deg=common.sagittal_angle(-th),
        grip_ahead_of_midfoot_m=(ank[:, 1] - 0.05) - q["grip.both"][:, 1],
        grip_height_m=q["grip.both"][:, 2] + trans[:, 2],
        # how far the ankle rose above its flat-foot height (heel lift pivots on the ball)
        ankle_rise_m=(q["foot.L"][:, 2] - q["ball.L"][:, 2])
        - (rig.b.head("foot.L")[2] - (rig.b.head("toe1-1.L")[2] + rig.b.head("toe5-1.L")[2]) / 2),
    )


def legs_front_target(clear=0.12):
    """Grip just in front of the leg line (thigh above the knee, shin below): bell close to the
    legs."""

    def f(q):
        ank = (q["foot.L"] + q["foot.R"]) / 2
        kn = (q["lowerleg01.L"] + q["lowerleg01.R"]) / 2
        hip = q["hip_mid"]
        z = q["grip.both"][:, 2]
        up = np.clip((z - kn[:, 2]) / (hip[:, 2] - kn[:, 2]), 0, 1.5)
        lo = np.clip((z - ank[:, 2]) / (kn[:, 2] - ank[:, 2]), 0, 1)
        y = np.where(
            z > kn[:, 2],
            kn[:, 1] + (hip[:, 1] - kn[:, 1]) * up,
            ank[:, 1] + (kn[:, 1] - ank[:, 1]) * lo,
        )
        return y - clear

    return f
