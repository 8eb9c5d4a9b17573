"""Centre of mass of a posed body, and a bisection to balance it: a hinge sends the hips back
because the weight must stay over the feet."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from formcheck.pose.landmarks import Landmark as L

from .skeleton import Posed

# Segment mass fractions and centre positions along the segment (Winter, Biomechanics and
# Motor Control of Human Movement, table 4.1).
BODY_KG = 75.0
TRUNK, HEAD, THIGH, SHANK, FOOT, UPPER_ARM, FOREARM_HAND = (
    0.497,
    0.081,
    0.100,
    0.0465,
    0.0145,
    0.028,
    0.022,
)


def centre_of_mass(posed: Posed, load_kg: float = 0.0, load_at: np.ndarray | None = None):
    """(..., 3) whole-body centre of mass, plus ``load_kg`` held at ``load_at`` (..., 3)."""
    j, lm = posed.joints, posed.landmarks
    shoulders = (j["left_shoulder"] + j["right_shoulder"]) / 2
    head = (lm[..., L.LEFT_EAR, :] + lm[..., L.RIGHT_EAR, :]) / 2
    parts = [(TRUNK, 0.55 * j["pelvis"] + 0.45 * shoulders), (HEAD, head)]
    for s in ("left", "right"):
        parts += [
            (THIGH, j[f"{s}_hip"] + 0.433 * (j[f"{s}_knee"] - j[f"{s}_hip"])),
            (SHANK, j[f"{s}_knee"] + 0.433 * (j[f"{s}_ankle"] - j[f"{s}_knee"])),
            (FOOT, j[f"{s}_ankle"]),
            (UPPER_ARM, j[f"{s}_shoulder"] + 0.436 * (j[f"{s}_elbow"] - j[f"{s}_shoulder"])),
            (FOREARM_HAND, j[f"{s}_elbow"] + 0.68 * (j[f"{s}_wrist"] - j[f"{s}_elbow"])),
        ]
    mass = BODY_KG * sum(w for w, _ in parts)
    total = BODY_KG * sum(w * p for w, p in parts)
    if load_kg:
        total = total + load_kg * load_at
        mass += load_kg
    return total / mass


def bisect(
    f: Callable[[np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray, iters: int = 10
) -> np.ndarray:
    """Per-element root of an increasing ``f`` between ``lo`` and ``hi`` (the nearer end if
    there is none). Regula falsi with the Illinois step: the builders' functions are smooth,
    so a few evaluations reach micro-degrees where halving would need twenty."""
    a, b = np.array(lo, dtype=float), np.array(hi, dtype=float)
    fa, fb = f(a), f(b)
    x = np.where(fa >= 0, a, np.where(fb <= 0, b, 0.5 * (a + b)))
    live = (fa < 0) & (fb > 0)
    side = np.zeros(a.shape)
    for _ in range(iters):
        if not live.any():
            break
        x = np.where(live, (a * fb - b * fa) / np.where(live, fb - fa, 1.0), x)
        fx = f(x)
        up = live & (fx < 0)
        down = live & (fx >= 0)
        # Illinois: halve the stale end's value when the same end is kept twice running.
        fb = np.where(up & (side == 1), fb / 2, fb)
        fa = np.where(down & (side == -1), fa / 2, fa)
        a, fa = np.where(up, x, a), np.where(up, fx, fa)
        b, fb = np.where(down, x, b), np.where(down, fx, fb)
        side = np.where(up, 1, np.where(down, -1, side))
        live &= np.abs(fx) > 1e-9
    return x
