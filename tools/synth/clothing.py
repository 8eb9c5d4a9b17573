"""Clothing painted on the body by skinning bone, and loose clothing as a per-frame offset.

A body spec with a `clothing` dict is painted here instead of by Body._colors (which keeps the
committed sample set's look). Keys (colours are linear RGB floats):
  top     "tshirt" (sleeves to `sleeve_to` of the upper arm) | "long" (sleeves to the wrist)
  bottom  "shorts" (to `shorts_to` of the thigh) | "long" (trousers to the ankle)
  fit     "fitted" | "loose" (loose_m: the cloth stands this far off the skin; drape_m: how far
          it hangs below the body where the skin faces the floor, e.g. a bent-over chest)
  shirt, bottoms, shoes, socks, hair (+ skin from the body spec)
"""

import numpy as np

TORSO = [
    "spine05",
    "spine04",
    "spine03",
    "spine02",
    "spine01",
    "clavicle.L",
    "clavicle.R",
    "shoulder01.L",
    "shoulder01.R",
]


def _along(v, a, b):
    """Fraction along the segment a -> b of each vertex's projection."""
    return (v - a) @ (b - a) / np.dot(b - a, b - a)


def paint(body):
    """(colours (V, 3) float32, loose-cloth weights (V,) in [0, 1] or None)."""
    s = body.spec
    c = s["clothing"]
    lab = np.array(body.labels)[body.dominant].astype(str)
    v = body.ref_verts
    h = body.head
    col = np.tile(np.array(s["skin"], float), (len(v), 1))
    shirt = np.isin(lab, TORSO)
    bottoms = lab == "root"
    for side in "LR":
        a, b = h(f"upperarm01.{side}"), h(f"lowerarm01.{side}")
        upper = np.isin(lab, [f"upperarm01.{side}", f"upperarm02.{side}"])
        if c["top"] == "long":
            fore = np.isin(lab, [f"lowerarm01.{side}", f"lowerarm02.{side}"])
            shirt |= upper | fore
        else:
            shirt |= upper & (_along(v, a, b) < c.get("sleeve_to", 0.35))
        a, b = h(f"upperleg01.{side}"), h(f"lowerleg01.{side}")
        thigh = np.isin(lab, [f"upperleg01.{side}", f"upperleg02.{side}", f"pelvis.{side}"])
        foot_z = h(f"foot.{side}")[2]
        if c["bottom"] == "long":
            shin = np.isin(lab, [f"lowerleg01.{side}", f"lowerleg02.{side}"])
            bottoms |= thigh | (shin & (v[:, 2] > foot_z + 0.03))
        else:
            bottoms |= thigh & (_along(v, a, b) < c.get("shorts_to", 0.45))
    col[shirt] = c["shirt"]
    col[bottoms] = c["bottoms"]
    for side in "LR":
        foot = np.char.startswith(lab, f"foot.{side}") | (
            np.char.startswith(lab, "toe") & np.char.endswith(lab, f".{side}")
        )
        sock = (lab == f"lowerleg02.{side}") & (v[:, 2] < h(f"foot.{side}")[2] + 0.06) & ~bottoms
        col[sock] = c.get("socks", (0.92, 0.92, 0.92))
        col[foot] = c["shoes"]
    eye = h("eye.L")
    hd = lab == "head"
    hair = hd & (
        (v[:, 2] > eye[2] + 0.045) | ((v[:, 1] > eye[1] + 0.09) & (v[:, 2] > eye[2] - 0.06))
    )
    col[hair] = c["hair"]
    col[np.isin(lab, ["eye.L", "eye.R"])] = (0.08, 0.06, 0.05)
    loose = None
    if c.get("fit") == "loose":
        loose = _smooth((shirt | bottoms).astype(float), body.faces, 4)
    return col.astype(np.float32), loose


def _smooth(w, faces, iters):
    """Average each vertex with its mesh neighbours: the cloth tapers into the skin at hems."""
    n = len(w)
    i = np.concatenate(
        [faces[:, 0], faces[:, 1], faces[:, 2], faces[:, 1], faces[:, 2], faces[:, 0]]
    )
    j = np.concatenate(
        [faces[:, 1], faces[:, 2], faces[:, 0], faces[:, 0], faces[:, 1], faces[:, 2]]
    )
    deg = np.bincount(i, minlength=n) + 1.0
    for _ in range(iters):
        w = (np.bincount(i, weights=w[j], minlength=n) + w) / deg
    return w


def dress(verts, faces, loose, loose_m, drape_m):
    """Loose cloth on posed vertices (T, V, 3): out along the normal, and down where the skin
    faces the floor (a shirt hangs off a bent-over chest)."""
    from .render import vertex_normals

    out = verts.copy()
    k = loose > 1e-3
    for t in range(len(verts)):
        n = vertex_normals(verts[t], faces)[k]
        w = loose[k][:, None]
        down = np.clip(-n[:, 2], 0, 1)[:, None] * np.array([0, 0, -1.0])
        out[t, k] += w * (loose_m * n + drape_m * down)
    return out
