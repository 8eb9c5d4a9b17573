"""Hip-hinge drills (seed 004): with a stick along the back (variant "stick"), or with a band
round the hips anchored to a post behind (variant "band", the band pulls the hips back).

One hand holds the stick behind the neck, the other at the lower back; the stick touches the
sacrum, the upper back and the back of the head. Fold at the hips with soft knees (~20 deg) to
a ~60 deg trunk and back, keeping all three contacts. Tempo: down 2.0 s, 0.5 s, up 1.5 s.
The stick is laid on the sacrum and the upper back; the head's gap to it is a truth signal.
"""

import numpy as np

from .. import rot, solve
from . import bilateral, common

EXERCISE = "hip_hinge"
FAULTS = {
    "spine_not_neutral": (30.0, "deg"),  # lumbar+thoracic flexion at the bottom
    "gaze_not_neutral": (30.0, "deg"),  # neck extension (looking up)
    "squat_not_hinge": (70.0, "deg"),  # knee flexion at the bottom, trunk only ~35 deg
    "heel_lift": (0.04, "m"),
    "hips_rise_first": (0.5, "fraction"),  # band hinge: knees straighten before the trunk rises
}
BAND_ANCHOR = (1.25, 0.85)  # post distance behind the heels and band height (m)
TEMPO = dict(descent=2.0, pause=0.5, ascent=1.5, finish=0.4, rest=0.3, lead=0.5, tail=0.5)
CLEAN = dict(trunk_top=0.0, trunk_bottom=60.0, knee_top=6.0, knee_bottom=20.0)
STICK_LEN = 1.25


def params(fr, reps):
    P = bilateral.base_params(fr, CLEAN)
    for i, r in enumerate(reps):
        if r.get("fault") and not bilateral.apply_common_fault(
            P, fr, fr["rep"] == i, r["fault"], r["magnitude"]
        ):
            raise ValueError(r["fault"])
    return common.apply_rep_extras(P, fr, reps)


class Contacts:
    """Back-of-body points carried rigidly by their bones: sacrum, upper back, back of head."""

    def __init__(self, body):
        b = body
        V = b.ref_verts
        lab = np.array(b.labels)[b.dominant]
        hip_z = b.head("upperleg01.L")[2]

        def back_most(mask):
            idx = np.where(mask & (np.abs(V[:, 0]) < 0.03))[0]
            return idx[np.argmax(V[idx, 1])]

        sac = back_most(
            np.isin(lab, ["root", "spine05", "pelvis.L", "pelvis.R"]) & (V[:, 2] > hip_z + 0.02)
        )
        ub = back_most(np.isin(lab, ["spine02", "spine01"]))
        hd = back_most(lab == "head")
        self.pts = {"sacrum": (sac, "spine05"), "upper_back": (ub, "spine01"), "head": (hd, "head")}
        self.b = b

    def __call__(self, G, q_all):
        b = self.b
        out = {}
        for k, (v, bone) in self.pts.items():
            j = b.idx[bone]
            out[k] = q_all[:, j] + np.einsum("tij,j->ti", G[:, j], b.ref_verts[v] - b.ref_heads[j])
        return out


def stick_line(c):
    d = c["upper_back"] - c["sacrum"]
    return c["sacrum"], d / np.linalg.norm(d, axis=1, keepdims=True)


def head_gap(c):
    """Distance from the back of the head to the stick line (0 = touching)."""
    a, d = stick_line(c)
    v = c["head"] - a
    return np.linalg.norm(v - (v * d).sum(1, keepdims=True) * d, axis=1)


def _ik(rig, Q0, side, target_fn, x0):
    """Pattern search for one arm's (arm, abd, twist, elbow) in the trunk frame, one frame."""
    keys = [f"{side}_arm", f"{side}_arm_abd", f"{side}_arm_twist", f"{side}_elbow"]
    x = np.array(x0, float)

    def cost(x):
        Q = dict(Q0)
        for k, v in zip(keys, x):
            Q[k] = np.array([v])
        Q[f"{side}_arm_frame"] = "trunk"
        G = rig.globals(Q)
        q = rig.points(G)
        return np.linalg.norm(q[f"grip.{side}"][0] - target_fn(G, q)[0]) + 0.002 * max(
            0, x[3] - 150
        )

    best = cost(x)
    step = 20.0
    while step > 0.5:
        improved = False
        for i in range(4):
            for sgn in (1, -1):
                y = x.copy()
                y[i] += sgn * step
                c = cost(y)
                if c < best:
                    x, best, improved = y, c, True
        if not improved:
            step /= 2
    return dict(zip(keys, x)), best


def band_loop(body):
    """Vertices across the front of the pelvis at the hip crease, left to right (for the band)."""
    b = body
    V = b.ref_verts
    lab = np.array(b.labels)[b.dominant]
    z0 = b.head("upperleg01.L")[2] + 0.04
    ring = np.where(
        np.isin(lab, ["root", "pelvis.L", "pelvis.R", "upperleg01.L", "upperleg01.R", "spine05"])
        & (np.abs(V[:, 2] - z0) < 0.012)
    )[0]
    cy = np.median(V[ring, 1])
    front = ring[V[ring, 1] < cy]
    xs = np.linspace(V[front, 0].max(), V[front, 0].min(), 9)
    pts = [
        front[np.argmin(np.abs(V[front, 0] - x) + 2.0 * (V[front, 1] - V[front, 1].min()))]
        for x in xs
    ]
    _, first = np.unique(pts, return_index=True)
    return np.array(pts)[np.sort(first)]


def build(rig, reps, fps=30, variant="stick"):
    if variant == "band":
        return build_band(rig, reps, fps)
    reps = common.with_defaults(reps, FAULTS)
    tl = bilateral.timeline(reps, fps, TEMPO)
    fr = tl.frames()
    P = params(fr, reps)
    Q = bilateral.posture(fr, P, stance_abd=6.0)
    n = len(fr["t"])
    Q = bilateral.set_shins(Q, np.full(n, 5.0))
    contacts = Contacts(rig.b)
    # neutral neck = the head touches the stick in the standing pose
    Q1 = {k: (v[:1] if isinstance(v, np.ndarray) else v) for k, v in Q.items()}

    def gap_signed(nf):
        Qn = dict(Q1, neck_flex=nf)
        G = rig.globals(Qn)
        c = contacts(G, rig.b.fk(G))
        a, d = stick_line(c)
        v = c["head"] - a
        perp = v - (v * d).sum(1, keepdims=True) * d
        back = rot.mv(G[:, rig.b.idx["spine03"]], np.array([0, 1.0, 0]))
        return (perp * back).sum(1)  # + = head behind the stick line

    nf0 = solve.bisect(gap_signed, np.full(1, -40.0), np.full(1, 40.0), 0.0)[0]
    Q["neck_flex"] = Q["neck_flex"] + nf0
    Q1["neck_flex"] = Q1["neck_flex"] + nf0

    # hands on the stick: top hand behind the neck, bottom hand at the low back (solved standing)
    def on_stick(dist):
        def f(G, q):
            c = contacts(G, q["_all"])
            a, d = stick_line(c)
            back = rot.mv(G[:, rig.b.idx["spine03"]], np.array([0, 1.0, 0]))
            return a + d * dist + back * 0.03

        return f

    G1 = rig.globals(Q1)
    c1 = contacts(G1, rig.b.fk(G1))
    L_ub = np.linalg.norm(c1["upper_back"] - c1["sacrum"], axis=1)[0]
    top, _ = _ik(rig, Q1, "R", on_stick(L_ub + 0.22), [10, 150, 0, 130])
    low, _ = _ik(rig, Q1, "L", on_stick(0.06), [-30, 15, 0, 90])
    for k, v in {**top, **low}.items():
        Q[k] = np.full(n, v)
    Q["L_arm_frame"] = Q["R_arm_frame"] = "trunk"
    Q = bilateral.balance(rig, Q, 0.0)
    G = rig.globals(Q)
    q = rig.points(G)
    trans = common.anchor(rig, G, "L")
    c = contacts(G, q["_all"])
    a, d = stick_line(c)
    back = rot.mv(G[:, rig.b.idx["spine03"]], np.array([0, 1.0, 0]))
    start = a + back * 0.016 - d * 0.2 + trans
    props = [(dict(kind="stick", length=STICK_LEN), common.rod(start, start + d, length=STICK_LEN))]
    tr = q["shoulder_mid"] - q["hip_mid"]
    truth = dict(
        bilateral.measured(rig, G, q, trans),
        trunk_deg=Q["trunk"],
        knee_deg=Q["L_knee"],
        spine_flex_deg=Q["spine_flex"],
        neck_flex_rel_neutral_deg=Q["neck_flex"] - nf0,
        head_gap_to_stick_m=head_gap(c),
        trunk_line_deg=common.sagittal_angle(tr),
        phase_s=fr["s"],
    )
    truth.pop("grip_ahead_of_midfoot_m")
    truth.pop("grip_height_m")
    truth.update(common.spine_truth(Q))
    return dict(
        t=fr["t"],
        G=G,
        trans=trans,
        props=props,
        reps=common.rep_labels(tl, reps, FAULTS),
        truth=truth,
        variant="stick",
    )


def build_band(rig, reps, fps=30):
    reps = common.with_defaults(reps, FAULTS)
    tl = bilateral.timeline(reps, fps, TEMPO)
    fr = tl.frames()
    P = params(fr, reps)
    Q = bilateral.posture(fr, P, stance_abd=5.0)
    n = len(fr["t"])
    for side in "LR":
        Q[f"{side}_arm"] = np.zeros(n)
        Q[f"{side}_arm_abd"] = np.full(n, 7.0)
        Q[f"{side}_elbow"] = np.full(n, 12.0)
        Q[f"{side}_grip"] = np.full(n, 0.35)
    Q = bilateral.set_shins(Q, np.full(n, 5.0))
    Q = bilateral.balance(rig, Q, 0.0)
    G = rig.globals(Q)
    q = rig.points(G)
    trans = common.anchor(rig, G, "L")
    b = rig.b
    loop = band_loop(b)
    r = b.idx["root"]
    # band points ride on the pelvis, 1 cm off the skin
    pts = q["_all"][:, r][:, None, :] + np.einsum(
        "tij,kj->tki", G[:, r], b.ref_verts[loop] - b.ref_heads[r]
    )
    pts[:, :, 1] -= 0.01
    pts = pts + trans[:, None, :]
    heel_y = (q["foot.L"][:, 1] + trans[:, 1]).mean() + 0.05
    anchor = np.array([0.0, heel_y + BAND_ANCHOR[0], BAND_ANCHOR[1]])
    props = []
    for k in range(len(loop) - 1):
        props.append(
            (dict(kind="band", rgb=(0.15, 0.3, 0.75)), common.rod(pts[:, k], pts[:, k + 1]))
        )
    for k in (0, len(loop) - 1):
        props.append(
            (
                dict(kind="band", rgb=(0.15, 0.3, 0.75)),
                common.rod(
                    np.tile(anchor, (n, 1)) + [np.sign(pts[0, k, 0]) * 0.03, 0, 0], pts[:, k]
                ),
            )
        )
    post = np.tile(np.eye(4), (n, 1, 1))
    post[:, :3, 3] = [0.0, anchor[1] + 0.03, 0.0]
    props.append((dict(kind="stick", length=1.1, rgb=(0.2, 0.2, 0.22), radius=0.035), post))
    tr = q["shoulder_mid"] - q["hip_mid"]
    truth = dict(
        bilateral.measured(rig, G, q, trans),
        trunk_deg=Q["trunk"],
        knee_deg=Q["L_knee"],
        spine_flex_deg=Q["spine_flex"],
        neck_flex_deg=Q["neck_flex"],
        trunk_line_deg=common.sagittal_angle(tr),
        phase_s=fr["s"],
    )
    truth.pop("grip_ahead_of_midfoot_m")
    truth.pop("grip_height_m")
    truth.update(common.spine_truth(Q))
    return dict(
        t=fr["t"],
        G=G,
        trans=trans,
        props=props,
        reps=common.rep_labels(tl, reps, FAULTS),
        truth=truth,
        variant="band",
    )
