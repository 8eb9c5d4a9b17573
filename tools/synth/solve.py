"""Per-frame solves that keep a posed body physically plausible.

All solves are batched bisections over the frames on one scalar each, using the numpy
forward kinematics (the mesh is skinned only once, at the end).
"""

import numpy as np


def bisect(fn, lo, hi, target, iters=22):
    """Find x in [lo, hi] per frame with fn(x) = target, fn monotone (either direction)."""
    lo = np.array(lo, float)
    hi = np.array(hi, float)
    f_lo = fn(lo) - target
    for _ in range(iters):
        mid = (lo + hi) / 2
        f_mid = fn(mid) - target
        same = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(same, mid, lo)
        f_lo = np.where(same, f_mid, f_lo)
        hi = np.where(same, hi, mid)
    return (lo + hi) / 2


def _set(Q, key, val):
    Q = dict(Q)
    Q[key] = val
    return Q


def stance_leg(rig, Q, side, knee, target_fn, target, lo=-25.0, hi=45.0):
    """Choose the standing shin's forward tilt (knee flexion fixed) so target_fn(G) hits target."""

    def fn(phi):
        return target_fn(rig.globals(_set(Q, f"{side}_thigh", phi - knee)))

    phi = bisect(fn, np.full_like(knee, lo), np.full_like(knee, hi), target)
    return _set(Q, f"{side}_thigh", phi - knee)


def com_forward_of_ankle(rig, side, bell_kg, bell_side):
    def f(G):
        c = rig.com(G, bell_kg=bell_kg, bell_side=bell_side)
        a = rig.points(G)[f"foot.{side}"]
        return a[:, 1] - c[:, 1]  # + = COM ahead of the ankle (forward is -y)

    return f


def hip_back_of_ankle(rig, side):
    def f(G):
        q = rig.points(G)
        return q["hip_mid"][:, 1] - q[f"foot.{side}"][:, 1]

    return f


def arm_to_shin(rig, Q, side, extra):
    """Bell-arm angle that hangs the grip beside the standing shin line, plus `extra` deg."""
    arm = np.zeros(len(Q["trunk"]))
    for _ in range(3):
        q = rig.points(rig.globals(_set(Q, f"{side}_arm", arm)))
        sh, grip = q[f"upperarm01.{side}"], q[f"grip.{side}"]
        ank, kn = q[f"foot.{side}"], q[f"lowerleg01.{side}"]
        k = (grip[:, 2] - ank[:, 2]) / (kn[:, 2] - ank[:, 2])
        y_line = ank[:, 1] + (kn[:, 1] - ank[:, 1]) * k
        L = np.linalg.norm((grip - sh)[:, 1:], axis=1)
        # aim a few cm in front of the shin line (the bell hangs outside the leg)
        arm = np.degrees(np.arcsin(np.clip((sh[:, 1] - y_line + 0.05) / L, -0.5, 0.4)))
    return _set(Q, f"{side}_arm", arm + extra)


def lowest_foot_z(rig, G, side, ankle_h):
    """Approximate lowest point of a foot (heel under the ankle, toe tips), root frame."""
    b = rig.b
    p = b.fk(G)
    pts = [p[:, b.idx[f"foot.{side}"]] - ankle_h * np.array([0, 0, 1.0])]
    for t in ["toe1-2", "toe2-3", "toe3-3"]:
        pts.append(p[:, b.idx[f"{t}.{side}"]] - np.array([0, 0, 0.012]))
    # heel: behind and below the ankle, carried by the foot's rotation
    heel = p[:, b.idx[f"foot.{side}"]] + np.einsum(
        "tij,j->ti", G[:, b.idx[f"foot.{side}"]], np.array([0, 0.05, -ankle_h])
    )
    pts.append(heel)
    return np.min(np.stack([x[:, 2] for x in pts]), axis=0)


def frontal_knee_angle(rig, side):
    """Hip-knee-ankle angle seen from the front (x-z plane), + = knee inside the hip-ankle line."""
    sg = 1.0 if side == "L" else -1.0

    def f(G):
        q = rig.points(G)
        h, k, a = (q[f"{n}.{side}"][:, [0, 2]] for n in ("upperleg01", "lowerleg01", "foot"))
        u, v = k - h, a - k
        ang = np.degrees(np.arctan2(u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0], (u * v).sum(1)))
        return sg * ang

    return f


def valgus(rig, Q, side, target):
    """Scale the knee-collapse parameter so the frontal-plane knee angle equals `target` deg."""
    k = target > 0
    if not k.any():
        return Q
    fn = frontal_knee_angle(rig, side)
    base = fn(rig.globals(_set(Q, f"{side}_knee_in", np.zeros_like(target))))

    def g(x):
        return fn(rig.globals(_set(Q, f"{side}_knee_in", x))) - base

    x = bisect(g, np.zeros_like(target), 3 * target + 1e-6, target)
    return _set(Q, f"{side}_knee_in", np.where(k, x, 0.0))
