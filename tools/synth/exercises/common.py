"""Pieces shared by the exercise scripts: rep labels, anchoring, prop poses, measurements."""

import numpy as np

from .. import rot
from ..render import BELL_GRIP, BELL_R


def rep_labels(tl, reps, faults):
    out = []
    for r, times in zip(reps, tl.rep_times()):
        f = r.get("fault")
        lab = dict(
            times,
            fault=f,
            magnitude=None if f is None else float(r["magnitude"]),
            unit=None if f is None else faults[f][1],
        )
        if r.get("variant"):
            lab["variant"] = r["variant"]
        if r.get("unit"):
            lab["unit"] = r["unit"]
        lab.update(r.get("labels", {}))
        out.append({k: (round(v, 3) if isinstance(v, float) else v) for k, v in lab.items()})
    return out


def apply_rep_extras(P, fr, reps):
    """Per-rep keys of the varied sets (absent in the committed set, which is then untouched):
    lumbar_flex / thoracic_flex (deg at the bottom, - = arching; grow with the hinge progress
    like spine_round) and trunk_bottom (a graded squat's trunk angle at the bottom)."""
    if any("lumbar_flex" in r or "thoracic_flex" in r for r in reps):
        for k in ("lumbar_flex", "thoracic_flex"):
            P[k] = np.zeros(len(fr["t"]))
            for i, r in enumerate(reps):
                m = fr["rep"] == i
                P[k][m] = r.get(k, 0.0) * fr["s"][m]
    for i, r in enumerate(reps):
        if "trunk_bottom" in r:
            P["trunk_bottom"][fr["rep"] == i] = r["trunk_bottom"]
    return P


def split_spine(Q, P):
    """Carry lumbar / thoracic flexion into a posture dict when a rep asks for them."""
    for k in ("lumbar_flex", "thoracic_flex"):
        if k in P:
            Q[k] = P[k]
    return Q


def with_defaults(reps, faults):
    """Fill in each faulted rep's default magnitude."""
    out = []
    for r in reps:
        r = dict(r)
        if r.get("fault") is not None and r.get("magnitude") is None:
            r["magnitude"] = faults[r["fault"]][0]
        out.append(r)
    return out


def anchor(rig, G, side, shift=None):
    """Root translation that keeps the ball of `side`'s foot where a flat foot puts it."""
    b = rig.b
    q = rig.points(G)
    ankle_h = b.head(f"foot.{side}")[2] - b.ref_verts[:, 2].min()
    ball_ref = (b.head(f"toe1-1.{side}") + b.head(f"toe5-1.{side}")) / 2 - b.head(f"foot.{side}")
    target = np.array([0.0, ball_ref[1], ankle_h + ball_ref[2]])
    trans = target - q[f"ball.{side}"]
    if shift is not None:
        trans = trans + shift
    return trans


def bell_hanging(grip, two_hand=True):
    """Bell hanging straight down from the grip; stops on the floor."""
    M = np.tile(np.eye(4), (len(grip), 1, 1))
    if two_hand:
        M[:, :3, :3] = rot.rz(90.0)  # handle bar across both palms
    c = grip - np.array([0, 0, BELL_GRIP])
    c[:, 2] = np.maximum(c[:, 2], BELL_R * 0.95)
    M[:, :3, 3] = c
    return M


def bell_along_arm(grip, shoulder):
    """Bell in line with the arms (swing): the handle points back at the shoulders."""
    d = grip - shoulder
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    M = np.tile(np.eye(4), (len(grip), 1, 1))
    for i in range(len(grip)):
        M[i, :3, :3] = rot.align([0, 0, 1], -d[i]) @ rot.rz(90.0)
    M[:, :3, 3] = grip + d * BELL_GRIP
    return M


def rod(a, b, length=None):
    """Pose of a z-aligned cylinder from a to b (scaled to |b - a| unless a fixed length is
    given)."""
    d = b - a
    n = np.linalg.norm(d, axis=1)
    M = np.tile(np.eye(4), (len(a), 1, 1))
    for i in range(len(a)):
        R = rot.align([0, 0, 1], d[i] / n[i])
        M[i, :3, :3] = R if length else R @ np.diag([1, 1, n[i]])
    M[:, :3, 3] = a
    return M


def sagittal_angle(v):
    """Angle of vector v from vertical in the sagittal plane, + = leaning forward (toward -y)."""
    return np.degrees(np.arctan2(-v[:, 1], v[:, 2]))


def spine_truth(Q):
    """Commanded lumbar / thoracic flexion per frame, when the clip poses them."""
    if "lumbar_flex" not in Q and "thoracic_flex" not in Q:
        return {}
    n = len(Q["trunk"])
    return {
        f"{k}_deg": np.asarray(Q.get(k, np.zeros(n)), float)
        for k in ("lumbar_flex", "thoracic_flex")
    }
