"""Rooms and lights for the varied sets (vary.py picks them): wall and floor looks, clutter
behind the person (rack, bench, plates...), lighting presets. The committed set keeps
render.room_mesh and its two lights.

A look is a dict: wall (kind plain | brick | panels | posters, rgb, rgb2), floor (kind tiles |
planks | mats | plain, rgb, rgb2, size), wall_m (wall distance behind the person), clutter
(list of item dicts with kind, along_m = behind the person, side_m = to the camera's right).
"""

import numpy as np

from . import render  # noqa: F401  (first: it points PyOpenGL at OSMesa before pyrender loads)
from .render import pyrender, trimesh

WALLS = {
    "beige": dict(kind="plain", rgb=(0.66, 0.64, 0.58)),
    "white": dict(kind="plain", rgb=(0.86, 0.86, 0.84)),
    "dark": dict(kind="plain", rgb=(0.18, 0.18, 0.2)),
    "teal": dict(kind="plain", rgb=(0.2, 0.45, 0.45)),
    "brick": dict(kind="brick", rgb=(0.5, 0.22, 0.15), rgb2=(0.62, 0.6, 0.55)),
    "panels": dict(kind="panels", rgb=(0.55, 0.38, 0.22), rgb2=(0.45, 0.3, 0.17)),
    "posters": dict(kind="posters", rgb=(0.78, 0.77, 0.72), rgb2=(0.3, 0.3, 0.35)),
}
FLOORS = {
    "wood_tiles": dict(kind="tiles", rgb=(0.52, 0.42, 0.32), size=0.5),
    "planks": dict(kind="planks", rgb=(0.62, 0.45, 0.28), rgb2=(0.5, 0.34, 0.2)),
    "rubber_mats": dict(kind="mats", rgb=(0.07, 0.07, 0.08), rgb2=(0.12, 0.12, 0.13)),
    "concrete": dict(kind="plain", rgb=(0.5, 0.5, 0.49)),
    "carpet": dict(kind="plain", rgb=(0.22, 0.27, 0.4)),
    "light_tiles": dict(kind="tiles", rgb=(0.8, 0.79, 0.76), size=0.4),
}
# name -> (wall, floor, clutter kinds)
LOOKS = {
    "plain_room": ("beige", "wood_tiles", []),
    "white_room": ("white", "light_tiles", []),
    "dark_gym": ("dark", "rubber_mats", ["plates"]),
    "brick_gym": ("brick", "rubber_mats", ["dumbbells"]),
    "teal_wall": ("teal", "concrete", []),
    "living_room": ("panels", "carpet", ["sofa"]),
    "poster_wall": ("posters", "planks", []),
    "cluttered_rack": ("brick", "rubber_mats", ["rack", "bench", "plates"]),
    "cluttered_bench": ("posters", "concrete", ["bench", "box", "dumbbells"]),
}

# preset -> ambient, [(direction in the camera's level frame (right, up, forward), rgb,
# intensity)]; "forward" points from the camera toward the person
LIGHTS = {
    "studio": (0.3, [((0.5, -0.9, 1.0), (1, 1, 1), 2.3), ((-0.6, 0.0, 1.0), (1, 1, 1), 1.2)]),
    "bright": (0.45, [((0.4, -1.0, 1.0), (1, 1, 1), 3.4), ((-0.7, -0.2, 1.0), (1, 1, 1), 2.0)]),
    "dim": (0.1, [((0.5, -0.9, 1.0), (1, 1, 1), 0.8), ((-0.6, 0.0, 1.0), (1, 1, 1), 0.35)]),
    "warm": (
        0.25,
        [((0.5, -0.9, 1.0), (1, 0.78, 0.55), 2.6), ((-0.6, 0, 1.0), (1, 0.8, 0.6), 1.2)],
    ),
    "cold": (
        0.3,
        [((0.5, -0.9, 1.0), (0.75, 0.87, 1.0), 2.4), ((-0.6, 0, 1.0), (0.8, 0.9, 1), 1.3)],
    ),
    "one_sided": (0.08, [((1.0, -0.3, 0.15), (1, 1, 1), 3.2)]),
    "backlit": (0.18, [((0.2, -0.5, -1.0), (1, 1, 1), 3.0), ((0.3, -0.6, 1.0), (1, 1, 1), 0.5)]),
}


def look(name, rng):
    wall, floor, clutter = LOOKS[name]
    items = []
    for k in clutter:
        items.append(
            dict(kind=k, along_m=float(rng.uniform(0.6, 1.3)), side_m=float(rng.uniform(-1.0, 1.0)))
        )
    # things of the same kind stand apart: spread them across the frame
    for i, it in enumerate(items):
        it["side_m"] = round(float(it["side_m"] + (i - (len(items) - 1) / 2) * 1.4), 2)
        it["along_m"] = round(it["along_m"], 2)
    return dict(
        name=name,
        wall=dict(WALLS[wall], name=wall),
        floor=dict(FLOORS[floor], name=floor),
        wall_m=round(float(rng.uniform(2.6, 4.0)), 2),
        clutter=items,
    )


# ------------------------------------------------------------------ geometry helpers
class _Builder:
    """Coloured quads and boxes collected into one vertex-coloured mesh."""

    def __init__(self):
        self.v, self.f, self.c, self.n = [], [], [], []
        self.last = []  # quads behind others (mortar, gaps): drawn last so depth rejects them

    def quad(self, corners, rgb, normal, last=False):
        if last:
            self.last.append((corners, rgb, normal))
            return
        k = 4 * len(self.v)
        self.v.append(np.array(corners, float))
        self.f.append(np.array([[k, k + 1, k + 2], [k, k + 2, k + 3]]))
        self.c.append(np.tile(np.asarray(rgb, float), (4, 1)))
        self.n.append(np.tile(np.asarray(normal, float), (4, 1)))

    def mesh(self, rough=0.9):
        for q in self.last:
            self.quad(*q)
        self.last = []
        v, f = np.concatenate(self.v), np.concatenate(self.f)
        c, n = np.concatenate(self.c), np.concatenate(self.n)
        prim = pyrender.Primitive(
            positions=v.astype(np.float32),
            normals=n.astype(np.float32),
            color_0=np.concatenate([c, np.ones((len(c), 1))], 1).astype(np.float32),
            indices=f.astype(np.uint32),
            material=pyrender.MetallicRoughnessMaterial(
                baseColorFactor=[1.0, 1.0, 1.0, 1.0], metallicFactor=0.0, roughnessFactor=rough
            ),
        )
        return pyrender.Mesh([prim])


def _solid(tm, rgb, rough=0.6, metal=0.0):
    mat = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[*rgb, 1.0], metallicFactor=metal, roughnessFactor=rough
    )
    return pyrender.Mesh.from_trimesh(tm, material=mat, smooth=False)


def room(cam, rng, lk, depth_m):
    """Meshes of the floor, the wall `lk['wall_m']` behind the person (beyond the body's
    `depth_m` half-depth along the view) and the clutter, square to the camera's level view."""
    f = cam.level_fwd
    r = np.cross(f, [0, 0, 1.0])
    c = np.array([cam.target[0], cam.target[1], 0.0])
    wall_d = depth_m + lk["wall_m"]
    meshes = []
    for it in lk["clutter"]:  # nearest first: depth then rejects what they hide
        at = c + f * (depth_m + it["along_m"]) + r * it["side_m"]
        meshes += _item(it["kind"], at, r, f, rng)
    return meshes + [
        _floor(c, r, f, rng, lk["floor"], wall_d),
        _wall(c + f * wall_d, r, f, rng, lk["wall"]),
    ]


def _floor(c, r, f, rng, spec, wall_d):
    b = _Builder()
    kind, rgb = spec["kind"], np.array(spec["rgb"])
    up = [0, 0, 1.0]
    x0, x1, y0, y1 = -12.0, 12.0, -14.0, wall_d + 0.01  # right, forward extents

    def cell(a0, a1, b0, b1, col):
        p = [c + r * a + f * bb for a, bb in ((a0, b0), (a1, b0), (a1, b1), (a0, b1))]
        b.quad(p, col, up)

    if kind in ("tiles", "mats"):
        s = spec.get("size", 1.0)
        gap = 0.01 if kind == "mats" else 0.0
        if gap:
            b.quad(
                [c + r * a + f * bb for a, bb in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))],
                rgb * 0.6,
                up,
                True,
            )
        for a in np.arange(x0, x1, s):
            for bb in np.arange(y0, y1, s):
                tone = spec.get("rgb2", rgb) if (rng.random() < 0.3 and kind == "mats") else rgb
                col = np.array(tone) * (0.92 + 0.08 * rng.random())
                p = [
                    c + r * aa + f * b2 + [0, 0, 0.001 if gap else 0]
                    for aa, b2 in (
                        (a + gap, bb + gap),
                        (a + s - gap, bb + gap),
                        (a + s - gap, min(bb + s, y1) - gap),
                        (a + gap, min(bb + s, y1) - gap),
                    )
                ]
                b.quad(p, col, up)
    elif kind == "planks":
        w, L = 0.14, 1.2
        for i, a in enumerate(np.arange(x0, x1, w)):
            off = (i * 0.37 % 1.0) * L
            for bb in np.arange(y0 - off, y1, L):
                col = np.array(spec["rgb"] if rng.random() < 0.5 else spec["rgb2"]) * (
                    0.9 + 0.1 * rng.random()
                )
                cell(a, a + w * 0.97, max(bb, y0), min(bb + L * 0.995, y1), col)
    else:
        for a in np.arange(x0, x1, 1.0):
            for bb in np.arange(y0, y1, 1.0):
                cell(a, a + 1.0, bb, min(bb + 1.0, y1), rgb * (0.96 + 0.04 * rng.random()))
    return b.mesh(0.85)


def _wall(w0, r, f, rng, spec):
    b = _Builder()
    n = -f
    kind, rgb = spec["kind"], np.array(spec["rgb"])
    H, X = 9.0, 14.0

    def rect(a0, a1, h0, h1, col, off=0.0, last=False):
        p = [
            w0 - f * off + r * a + np.array([0, 0, h])
            for a, h in ((a0, h0), (a1, h0), (a1, h1), (a0, h1))
        ]
        b.quad(p, col, n, last)

    if kind == "brick":
        rect(-X, X, 0, H, np.array(spec["rgb2"]), last=True)  # mortar behind the bricks
        bw, bh = 0.23, 0.075
        for row, h in enumerate(np.arange(0, 3.2, bh)):
            off = (row % 2) * bw / 2
            for a in np.arange(-X - off, X, bw):
                rect(a, a + bw - 0.012, h, h + bh - 0.012, rgb * (0.8 + 0.3 * rng.random()), 0.004)
        rect(-X, X, 3.2, H, rgb * 0.9, 0.004)
    elif kind == "panels":
        for i, a in enumerate(np.arange(-X, X, 0.2)):
            rect(
                a,
                a + 0.2,
                0,
                H,
                np.array(spec["rgb"] if i % 2 else spec["rgb2"]) * (0.93 + 0.07 * rng.random()),
            )
    else:
        for h0, h1 in ((0, 1.0), (1.0, 2.5), (2.5, H)):
            rect(-X, X, h0, h1, rgb * (0.85 + 0.15 * h0 / H))
        if kind == "posters":
            for a in rng.uniform(-4, 4, 5):
                h = rng.uniform(1.2, 2.2)
                col = rng.uniform(0.1, 0.9, 3)
                rect(a, a + rng.uniform(0.4, 0.9), h, h + rng.uniform(0.5, 1.0), col, 0.005)
    rect(-X, X, 0, 0.1, rgb * 0.55, 0.01)  # skirting
    return b.mesh(0.9)


def _place(tm, at, r, f, rot_deg=0.0):
    """Put a mesh built in a local frame (x = camera right, y = away from camera, z = up)."""
    M = np.eye(4)
    M[:3, 0], M[:3, 1], M[:3, 2], M[:3, 3] = r, f, [0, 0, 1.0], at
    if rot_deg:
        tm.apply_transform(trimesh.transformations.rotation_matrix(np.radians(rot_deg), [0, 0, 1]))
    tm.apply_transform(M)
    return tm


def _box(ext, centre):
    m = trimesh.creation.box(extents=ext)
    m.apply_translation(centre)
    return m


def _cyl(radius, height, centre, axis="z"):
    m = trimesh.creation.cylinder(radius=radius, height=height, sections=24)
    if axis == "x":
        m.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [0, 1, 0]))
    elif axis == "y":
        m.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    m.apply_translation(centre)
    return m


def _item(kind, at, r, f, rng):
    frame_rgb = [(0.08, 0.08, 0.09), (0.55, 0.08, 0.08), (0.15, 0.2, 0.35)][rng.integers(3)]
    out = []
    if kind == "rack":
        parts = []
        for x in (-0.6, 0.6):
            for y in (0.0, 1.1):
                parts.append(_box((0.07, 0.07, 2.25), (x, y, 1.125)))
            parts.append(_box((0.07, 1.2, 0.07), (x, 0.55, 2.2)))
        parts.append(_box((1.27, 0.07, 0.07), (0, 1.1, 2.2)))
        parts.append(_box((1.27, 0.07, 0.07), (0, 0.0, 2.2)))
        out.append(_solid(_place(trimesh.util.concatenate(parts), at, r, f), frame_rgb, 0.5, 0.4))
        h = rng.uniform(1.2, 1.5)
        bar = [_cyl(0.014, 2.2, (0, 0.0, h), "x")]
        plates = [_cyl(0.225, 0.05, (s * 0.85, 0.0, h), "x") for s in (-1, 1)]
        out.append(
            _solid(_place(trimesh.util.concatenate(bar), at, r, f), (0.6, 0.6, 0.62), 0.3, 0.9)
        )
        out.append(
            _solid(_place(trimesh.util.concatenate(plates), at, r, f), (0.1, 0.1, 0.11), 0.6)
        )
    elif kind == "bench":
        parts = [
            _box((0.3, 1.2, 0.08), (0, 0, 0.43)),
            _box((0.06, 0.06, 0.39), (0, -0.5, 0.195)),
            _box((0.06, 0.06, 0.39), (0, 0.5, 0.195)),
            _box((0.4, 0.06, 0.04), (0, -0.5, 0.02)),
            _box((0.4, 0.06, 0.04), (0, 0.5, 0.02)),
        ]
        out.append(
            _solid(
                _place(trimesh.util.concatenate(parts), at, r, f, rng.uniform(-30, 30)),
                (0.1, 0.1, 0.1),
                0.7,
            )
        )
    elif kind == "plates":
        parts = [_cyl(0.225 - 0.03 * i, 0.05, (0, 0, 0.025 + 0.05 * i)) for i in range(4)]
        out.append(
            _solid(_place(trimesh.util.concatenate(parts), at, r, f), (0.12, 0.12, 0.13), 0.6)
        )
    elif kind == "dumbbells":
        parts = []
        for i in range(4):
            y = i * 0.25
            parts += [
                _cyl(0.06, 0.3, (0, y, 0.06), "x"),
                _cyl(0.075, 0.06, (-0.15, y, 0.075), "x"),
                _cyl(0.075, 0.06, (0.15, y, 0.075), "x"),
            ]
        out.append(
            _solid(_place(trimesh.util.concatenate(parts), at, r, f), (0.2, 0.2, 0.22), 0.5, 0.5)
        )
    elif kind == "box":
        out.append(
            _solid(
                _place(_box((0.6, 0.5, 0.6), (0, 0, 0.3)), at, r, f, rng.uniform(-40, 40)),
                (0.55, 0.4, 0.25),
                0.8,
            )
        )
    elif kind == "sofa":
        parts = [
            _box((2.0, 0.8, 0.45), (0, 0.4, 0.225)),
            _box((2.0, 0.2, 0.5), (0, 0.75, 0.65)),
            _box((0.2, 0.8, 0.25), (-0.9, 0.4, 0.55)),
            _box((0.2, 0.8, 0.25), (0.9, 0.4, 0.55)),
        ]
        out.append(
            _solid(
                _place(trimesh.util.concatenate(parts), at, r, f),
                tuple(rng.uniform(0.15, 0.6, 3)),
                0.95,
            )
        )
    else:
        raise ValueError(kind)
    return out


def lights(cam, preset):
    """[(DirectionalLight, 4x4 pose)] and the ambient level for a lighting preset."""
    amb, specs = LIGHTS[preset]
    f = cam.level_fwd
    r = np.cross(f, [0, 0, 1.0])
    u = np.array([0, 0, 1.0])
    out = []
    for (a, b, c), rgb, inten in specs:
        d = a * r + b * u + c * f  # the way the light travels
        d = d / np.linalg.norm(d)
        M = np.eye(4)
        z = -d
        x = np.cross([0, 0, 1.0], z)
        x = x / np.linalg.norm(x) if np.linalg.norm(x) > 1e-6 else r
        M[:3, 0], M[:3, 1], M[:3, 2] = x, np.cross(z, x), z
        out.append((pyrender.DirectionalLight(color=np.array(rgb, float), intensity=inten), M))
    return amb, out
