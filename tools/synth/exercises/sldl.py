"""Kettlebell single-leg deadlift (seed 000).

Clean rep (defaults): descent 1.5 s, pause 0.3 s, ascent 1.2 s, 0.6 s standing between reps.
Trunk 2 -> 80 deg from vertical, standing knee 12 -> 20 deg, free leg in line with the trunk
with 7 deg knee bend at the bottom, bell arm hanging so the bell stays beside the standing shin.
The standing shin's forward tilt is solved per frame to keep the centre of mass over the
mid-foot, which is what pushes the hips back.
"""

import numpy as np

from ..motion import Timeline, min_jerk

EXERCISE = "kb_single_leg_deadlift"

# fault id -> (default magnitude, unit)
FAULTS = {
    "hips_open": (30.0, "deg"),
    "spine_round": (40.0, "deg"),
    "bell_drift": (35.0, "deg"),
    "knee_valgus": (15.0, "deg"),
    "lean_back": (15.0, "deg"),
    "squat_not_hinge": (70.0, "deg"),
    "rear_leg_high": (25.0, "deg"),
    "rear_leg_bent": (70.0, "deg"),
    "chest_drop": (1.0, "fraction"),
    "arm_pull": (70.0, "deg"),
    "fast_descent": (0.5, "s"),
    "bounce_at_bottom": (12.0, "deg"),
    "balance_loss": (0.4, "s"),  # variant "touchdown": free foot down for M s
    "neck_not_neutral": (35.0, "deg"),
}
BALANCE_SHIFT_DEFAULT = 0.10  # variant "foot_shift": standing foot slides M metres

TEMPO = dict(descent=1.5, pause=0.3, ascent=1.2, finish=0.3, rest=0.3, lead=0.5, tail=0.5)
CLEAN = dict(
    trunk_top=2.0,
    trunk_bottom=80.0,
    knee_top=12.0,
    knee_bottom=20.0,
    free_knee_top=28.0,
    free_knee_bottom=7.0,
    free_thigh_top=6.0,
)


def timeline(reps, fps):
    """reps: list of dicts {fault, magnitude, variant}."""
    tl = Timeline(fps)
    T = TEMPO
    tl.add("rest", T["lead"], 0, 0)
    for i, r in enumerate(reps):
        f, m = r.get("fault"), r.get("magnitude")
        if f == "fast_descent":
            tl.add("descent", m, 0, 1, i)
        elif f == "balance_loss" and r.get("variant", "touchdown") == "touchdown":
            # stop half-way down, put the free foot on the floor for M s, carry on
            tl.add("descent", T["descent"] * 0.5, 0, 0.5, i)
            tl.add("touch", m + 0.4, 0.5, 0.5, i)
            tl.add("descent", T["descent"] * 0.5, 0.5, 1, i)
        else:
            tl.add("descent", T["descent"], 0, 1, i)
        if f == "bounce_at_bottom":
            tl.add("bounce", 0.5, 1, 1, i)
        else:
            tl.add("pause", T["pause"], 1, 1, i)
        tl.add("ascent", T["ascent"], 1, 0, i)
        tl.add("finish", 0.8 if f == "lean_back" else T["finish"], 0, 0, i)
        if i < len(reps) - 1:
            tl.add("rest", T["rest"], 0, 0)
    tl.add("rest", T["tail"], 0, 0)
    return tl


def _bump(u, a=0.3, b=0.7):
    """0 -> 1 (by u=a) -> 1 -> 0 (by u=1) smooth envelope over a phase."""
    return min_jerk(u / a) * (1 - min_jerk((u - b) / (1 - b)))


def params(fr, reps):
    """Per-frame parameter arrays: clean values, then each rep's fault applied to its frames."""
    n = len(fr["t"])
    P = {k: np.full(n, v) for k, v in CLEAN.items()}
    for k in [
        "pelvis_open",
        "spine_flex",
        "bell_fwd",
        "elbow",
        "arm_back",
        "knee_in",
        "neck_flex",
        "trunk_add",
        "free_thigh_add",
        "free_knee_add",
        "touch",
        "shift",
    ]:
        P[k] = np.zeros(n)
    P["hip_back_frac"] = np.ones(n)
    s, ph, u, rep = fr["s"], fr["phase"], fr["u"], fr["rep"]
    shift_total = 0.0
    for i, r in enumerate(reps):
        f, M = r.get("fault"), r.get("magnitude")
        m = rep == i
        if f is None:
            continue
        if f == "hips_open":
            P["pelvis_open"][m] = M * s[m]
        elif f == "spine_round":
            P["spine_flex"][m] = M * s[m]
        elif f == "bell_drift":
            # swings out during the descent, stays at the bottom, comes back on the way up
            P["bell_fwd"][m] = M * s[m]
        elif f == "knee_valgus":
            P["knee_in"][m] = M * np.clip(s[m] / 0.3, 0, 1)
        elif f == "lean_back":
            k = m & (ph == "finish")
            P["trunk_add"][k] = -(M + CLEAN["trunk_top"]) * _bump(u[k], 0.35, 0.7)
        elif f == "squat_not_hinge":
            P["knee_bottom"][m] = M
            P["trunk_bottom"][m] = 45.0
        elif f == "rear_leg_high":
            P["free_thigh_add"][m] = M * s[m]
        elif f == "rear_leg_bent":
            P["free_knee_add"][m] = (M - CLEAN["free_knee_bottom"]) * s[m]
        elif f == "chest_drop":
            k = m & (ph == "descent")
            # full effect in the first half of the descent, then the hips catch up
            P["hip_back_frac"][k] = 1 - M * (1 - min_jerk((s[k] - 0.5) / 0.5))
        elif f == "arm_pull":
            k = m & (ph == "ascent")
            w = np.sin(np.pi * np.clip(u[k] / 0.85, 0, 1))
            P["elbow"][k] = M * w
            P["arm_back"][k] = 0.5 * M * w
        elif f == "bounce_at_bottom":
            k = m & (ph == "bounce")
            P["trunk_add"][k] = -M * np.sin(np.pi * u[k])
        elif f == "balance_loss":
            if r.get("variant", "touchdown") == "touchdown":
                k = m & (ph == "touch")
                d = 0.2 / (M + 0.4)  # 0.2 s to reach the floor and 0.2 s to lift off
                P["touch"][k] = min_jerk(u[k] / d) * (1 - min_jerk((u[k] - 1 + d) / d))
            else:
                k = m & (ph == "descent") & (s > 0.4)
                idx = np.where(k)[0]
                if len(idx):
                    a = idx[0]
                    ramp = min_jerk((np.arange(n) - a) / (0.25 * fr.get("fps", 30)))
                    P["shift"] += M * ramp
                    shift_total += M
        elif f == "neck_not_neutral":
            w = np.where(ph[m] == "descent", min_jerk(u[m] / 0.3), 1.0)
            w = np.where(ph[m] == "finish", 1 - min_jerk(u[m]), w)
            P["neck_flex"][m] = -M * w
        elif f == "fast_descent":
            pass
        else:
            raise ValueError(f"unknown SLDL fault {f}")
    from . import common

    return common.apply_rep_extras(P, fr, reps)


def posture(fr, P, standing):
    """Posture dict (see posture.py) before the balance / arm solves."""
    s = fr["s"]
    free = "R" if standing == "L" else "L"
    trunk = P["trunk_top"] + (P["trunk_bottom"] - P["trunk_top"]) * s + P["trunk_add"]
    knee = P["knee_top"] + (P["knee_bottom"] - P["knee_top"]) * s
    # in line with the trunk once the trunk passes the relaxed hang of the free leg
    free_thigh = np.maximum(P["free_thigh_top"], trunk - 2.0) + P["free_thigh_add"]
    free_knee = (
        P["free_knee_top"] + (P["free_knee_bottom"] - P["free_knee_top"]) * s + P["free_knee_add"]
    )
    Q = dict(
        standing=standing,
        trunk=trunk,
        spine_flex=P["spine_flex"],
        pelvis_open=P["pelvis_open"],
        neck_flex=P["neck_flex"],
    )
    from . import common

    common.split_spine(Q, P)
    Q[f"{standing}_knee"] = knee
    Q[f"{standing}_flat"] = True
    Q[f"{standing}_abd"] = np.full_like(s, -5.0)  # foot under the body's midline
    Q[f"{standing}_knee_in"] = P["knee_in"]
    Q[f"{free}_thigh"] = free_thigh
    Q[f"{free}_knee"] = free_knee
    Q[f"{free}_ankle"] = np.full_like(s, 15.0)
    Q[f"{free}_abd"] = np.full_like(s, 2.0)
    Q[f"{free}_arm"] = np.zeros_like(s)
    Q[f"{free}_arm_abd"] = np.full_like(s, 8.0)
    Q[f"{free}_elbow"] = np.full_like(s, 12.0)
    Q[f"{standing}_arm_abd"] = np.full_like(s, 9.0)
    Q[f"{standing}_elbow"] = 5.0 + P["elbow"]
    Q[f"{standing}_grip"] = np.ones_like(s)  # fingers round the handle
    return Q


def measured(rig, G, st, q):
    """Ground truth measured on the posed skeleton (joint centres), per frame."""
    from .. import solve

    free = "R" if st == "L" else "L"
    tr = q["shoulder_mid"] - q["hip_mid"]
    hl = q[f"upperleg01.{free}"] - q[f"upperleg01.{st}"]
    fl = q[f"foot.{free}"] - q[f"upperleg01.{free}"]

    def cosang(a, b):
        c = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
        return np.degrees(np.arccos(np.clip(c, -1, 1)))

    shin_k, shin_a = q[f"lowerleg01.{st}"], q[f"foot.{st}"]
    gz = q[f"grip.{st}"][:, 2]
    y_line = shin_a[:, 1] + (shin_k[:, 1] - shin_a[:, 1]) * (gz - shin_a[:, 2]) / (
        shin_k[:, 2] - shin_a[:, 2]
    )
    return dict(
        trunk_line_deg=np.degrees(np.arctan2(-tr[:, 1], tr[:, 2])),  # + = forward of vertical
        hip_line_tilt_deg=np.degrees(
            np.arcsin(hl[:, 2] / np.linalg.norm(hl, axis=1))
        ),  # + = free hip higher
        free_leg_to_trunk_deg=180 - cosang(tr, fl),  # 0 = free leg in line
        standing_knee_frontal_deg=solve.frontal_knee_angle(rig, st)(G),
        grip_ahead_of_shin_m=y_line - q[f"grip.{st}"][:, 1],
    )


def build(rig, reps, standing="L", fps=30, bell_kg=12.0):
    """Everything the renderer needs: global rotations, root translation, bell grip, labels."""
    from .. import solve
    from . import common

    reps = [
        dict(r, magnitude=BALANCE_SHIFT_DEFAULT)
        if r.get("fault") == "balance_loss"
        and r.get("variant") == "foot_shift"
        and r.get("magnitude") is None
        else r
        for r in reps
    ]
    reps = common.with_defaults(reps, FAULTS)
    tl = timeline(reps, fps)
    fr = tl.frames()
    fr["fps"] = fps
    P = params(fr, reps)
    Q = posture(fr, P, standing)
    st, free = standing, ("R" if standing == "L" else "L")
    arm_extra = P["bell_fwd"] - P["arm_back"]
    balance = solve.com_forward_of_ankle(rig, st, bell_kg, st)
    for _ in range(2):
        Q = solve.arm_to_shin(rig, Q, st, arm_extra)
        Q = solve.stance_leg(rig, Q, st, Q[f"{st}_knee"], balance, 0.04)
    # chest_drop: hold the hips where they were at the start of the rep instead of sending them back
    k = P["hip_back_frac"] < 1
    if k.any():
        hipf = solve.hip_back_of_ankle(rig, st)
        hip = hipf(rig.globals(Q))
        target = hip.copy()
        for i in np.unique(fr["rep"][k]):
            m = fr["rep"] == i
            start = hip[np.where(m)[0][0]]
            target[m] = start + P["hip_back_frac"][m] * (hip[m] - start)
        Qd = solve.stance_leg(rig, Q, st, Q[f"{st}_knee"], hipf, target)
        Q[f"{st}_thigh"] = np.where(k, Qd[f"{st}_thigh"], Q[f"{st}_thigh"])
    ankle_h = rig.b.head(f"foot.{st}")[2] - rig.b.ref_verts[:, 2].min()

    def free_foot_clear(Qx):
        G = rig.globals(Qx)
        floor = rig.points(G)[f"foot.{st}"][:, 2] - ankle_h
        return solve.lowest_foot_z(rig, G, free, ankle_h) - floor

    # keep the hovering free foot off the floor (bend its knee a little more where needed)
    low = free_foot_clear(Q) < 0.02
    if low.any():

        def clear_with(kn):
            return free_foot_clear(solve._set(Q, f"{free}_knee", kn))

        kn = solve.bisect(clear_with, Q[f"{free}_knee"], Q[f"{free}_knee"] + 60.0, 0.02)
        Q[f"{free}_knee"] = np.where(low, kn, Q[f"{free}_knee"])
    # balance_loss/touchdown: lower the free leg until its foot reaches the floor
    k = P["touch"] > 0
    if k.any():
        G = rig.globals(Q)
        anchor_z = rig.points(G)[f"foot.{st}"][:, 2] - ankle_h  # floor height in the root frame

        def foot_z(th):
            return (
                solve.lowest_foot_z(
                    rig, rig.globals(solve._set(Q, f"{free}_thigh", th)), free, ankle_h
                )
                - anchor_z
            )

        th_floor = solve.bisect(foot_z, np.full_like(fr["s"], -10.0), Q[f"{free}_thigh"], 0.0)
        Q[f"{free}_thigh"] = Q[f"{free}_thigh"] + P["touch"] * (th_floor - Q[f"{free}_thigh"])
    Q = solve.valgus(rig, Q, st, P["knee_in"])
    G = rig.globals(Q)
    q = rig.points(G)
    out_sign = 1.0 if st == "L" else -1.0
    anchor = np.zeros((len(fr["t"]), 3))
    anchor[:, 0] = out_sign * P["shift"]
    anchor[:, 2] = ankle_h
    trans = anchor - q[f"foot.{st}"]
    labels = []
    for r, times in zip(reps, tl.rep_times()):
        f = r.get("fault")
        lab = dict(
            times,
            fault=f,
            magnitude=None if f is None else float(r["magnitude"]),
            unit=None if f is None else FAULTS[f][1],
        )
        if f == "balance_loss":
            lab["variant"] = r.get("variant", "touchdown")
            if lab["variant"] == "foot_shift":
                lab["unit"] = "m"
        lab.update(r.get("labels", {}))
        labels.append({k: (round(v, 3) if isinstance(v, float) else v) for k, v in lab.items()})
    truth = dict(
        measured(rig, G, st, q),
        trunk_deg=Q["trunk"],
        hip_back_of_ankle_m=q["hip_mid"][:, 1] - q[f"foot.{st}"][:, 1],
        shoulder_height_m=q["shoulder_mid"][:, 2] + trans[:, 2],
        free_foot_height_m=free_foot_clear(Q),
        standing_foot_shift_m=P["shift"],
        standing_knee_deg=Q[f"{st}_knee"],
        free_knee_deg=Q[f"{free}_knee"],
        free_thigh_deg=Q[f"{free}_thigh"],
        bell_arm_deg=Q[f"{st}_arm"],
        spine_flex_deg=Q["spine_flex"],
        pelvis_open_deg=Q["pelvis_open"],
        neck_flex_deg=Q["neck_flex"],
        knee_in_deg=P["knee_in"],
        bell_elbow_deg=Q[f"{st}_elbow"],
        phase_s=fr["s"],
    )
    truth.update(common.spine_truth(Q))
    return dict(
        t=fr["t"],
        G=G,
        trans=trans,
        grip=q[f"grip.{st}"] + trans,
        reps=labels,
        truth=truth,
        standing_leg="left" if st == "L" else "right",
        bell=True,
    )
