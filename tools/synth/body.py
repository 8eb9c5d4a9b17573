"""Anny body: variants, skinning-bone colours, forward kinematics and posing.

Poses are given as *global* segment rotations G (relative to Anny's reference A-pose, in
world axes); Anny's default 'local-ref' parameterisation wants each bone's delta in world
axes relative to its parent, i.e. D_c = G_parent^T G_c.
"""

import os

os.environ.setdefault("ANNY_CACHE_DIR", "/work/synthcache/anny")
os.environ.setdefault("WARP_CACHE_PATH", "/work/synthcache/warp")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from . import rot  # noqa: E402

torch.set_num_threads(1)  # two shared cores; the renderer uses the other

# Three people: phenotype values are Anny's [0, 1] sliders (gender 0 = male, 1 = female;
# age 0.667 = young adult, 1 = old). Colours are linear RGB floats.
VARIANTS = {
    "A": dict(
        phenotype=dict(gender=0.0, age=0.72, muscle=0.65, weight=0.5, height=0.55),
        skin=(0.80, 0.60, 0.47),
        hair=(0.12, 0.08, 0.05),
        shirt=(0.10, 0.22, 0.45),
        shorts=(0.08, 0.08, 0.09),
        shoes=(0.85, 0.85, 0.85),
        shorts_to=0.45,
        sleeve_to=0.35,
    ),
    "B": dict(
        phenotype=dict(gender=1.0, age=0.70, muscle=0.5, weight=0.42, height=0.42),
        skin=(0.42, 0.27, 0.19),
        hair=(0.05, 0.04, 0.04),
        shirt=(0.62, 0.14, 0.18),
        shorts=(0.20, 0.20, 0.24),
        shoes=(0.25, 0.25, 0.28),
        shorts_to=0.9,
        sleeve_to=0.0,
    ),
    "C": dict(
        phenotype=dict(gender=0.15, age=0.85, muscle=0.4, weight=0.75, height=0.5),
        skin=(0.93, 0.75, 0.64),
        hair=(0.45, 0.33, 0.20),
        shirt=(0.22, 0.45, 0.25),
        shorts=(0.15, 0.20, 0.40),
        shoes=(0.1, 0.1, 0.1),
        shorts_to=0.35,
        sleeve_to=0.5,
    ),
}

_MODEL = None


def anny_model():
    global _MODEL
    if _MODEL is None:
        import anny

        _MODEL = anny.Anny()
        _MODEL.eval()
    return _MODEL


class Body:
    """One phenotype of the Anny model, with reference geometry and colours.

    `variant` names one of VARIANTS; `spec` (same keys, plus an optional `clothing` dict, see
    clothing.py) describes any other body, e.g. one drawn by vary.py."""

    def __init__(self, variant="A", spec=None):
        self.variant = variant
        self.spec = VARIANTS[variant] if spec is None else spec
        m = anny_model()
        self.model = m
        self.labels = list(m.bone_labels)
        self.idx = {name: i for i, name in enumerate(self.labels)}
        self.parents = np.array([0] + [int(p) for p in m.bone_parents[1:]])
        self.faces = m.get_triangular_faces().cpu().numpy().astype(np.int64)
        with torch.no_grad():
            out = m(phenotype_kwargs=self._pheno(1))
        self.ref_verts = out["vertices"][0].numpy().astype(np.float64)
        self.ref_heads = out["bone_poses"][0, :, :3, 3].numpy().astype(np.float64)
        w = m.vertex_bone_weights.cpu().numpy()
        bi = m.vertex_bone_indices.cpu().numpy()
        self.dominant = bi[np.arange(len(bi)), w.argmax(1)]
        import anny

        self._coco = anny.KeypointsRegressor.coco(m)
        self.coco_w = self._coco.regression_weights.cpu().numpy()
        self.coco_labels = list(self._coco.labels)
        if "clothing" in self.spec:
            from . import clothing

            self.colors, self.loose = clothing.paint(self)
        else:
            self.colors, self.loose = self._colors(), None

    def _pheno(self, n):
        return {k: torch.full((n,), float(v)) for k, v in self.spec["phenotype"].items()}

    def head(self, name):
        return self.ref_heads[self.idx[name]]

    # ---------------------------------------------------------------- colours
    def _colors(self):
        s = self.spec
        lab = np.array(self.labels)[self.dominant]
        v = self.ref_verts
        col = np.tile(np.array(s["skin"]), (len(v), 1))
        torso = np.isin(
            lab,
            [
                "spine05",
                "spine04",
                "spine03",
                "spine02",
                "spine01",
                "clavicle.L",
                "clavicle.R",
                "shoulder01.L",
                "shoulder01.R",
            ],
        )
        col[torso] = s["shirt"]
        # sleeves: fraction of the upper arm from the shoulder
        for side in "LR":
            a, b = self.head(f"upperarm01.{side}"), self.head(f"lowerarm01.{side}")
            t = (v - a) @ (b - a) / np.dot(b - a, b - a)
            arm = np.isin(lab, [f"upperarm01.{side}", f"upperarm02.{side}"])
            col[arm & (t < s["sleeve_to"])] = s["shirt"]
            # shorts: fraction of the thigh from the hip
            a, b = self.head(f"upperleg01.{side}"), self.head(f"lowerleg01.{side}")
            t = (v - a) @ (b - a) / np.dot(b - a, b - a)
            leg = np.isin(lab, [f"upperleg01.{side}", f"upperleg02.{side}", f"pelvis.{side}"])
            col[leg & (t < s["shorts_to"])] = s["shorts"]
            foot = np.char.startswith(lab.astype(str), f"foot.{side}") | np.char.startswith(
                lab.astype(str), "toe"
            ) & np.char.endswith(lab.astype(str), f".{side}")
            col[foot] = s["shoes"]
            low = np.isin(lab, [f"lowerleg02.{side}"]) & (
                v[:, 2] < self.head(f"foot.{side}")[2] + 0.06
            )
            col[low] = (0.92, 0.92, 0.92)  # sock
        col[lab == "root"] = s["shorts"]
        # hair: top and back of the head
        eye = self.head("eye.L")
        hd = lab == "head"
        hair = hd & (
            (v[:, 2] > eye[2] + 0.045) | ((v[:, 1] > eye[1] + 0.09) & (v[:, 2] > eye[2] - 0.06))
        )
        col[hair] = s["hair"]
        col[np.isin(lab, ["eye.L", "eye.R"])] = (0.08, 0.06, 0.05)
        return col.astype(np.float32)

    # ---------------------------------------------------------------- kinematics
    def fk(self, G):
        """Joint (bone head) positions for global rotations G (..., J, 3, 3), root at origin."""
        h = self.ref_heads
        pos = np.zeros(G.shape[:-2] + (3,))
        for c in range(1, len(h)):
            p = self.parents[c]
            pos[..., c, :] = pos[..., p, :] + rot.mv(G[..., p, :, :], h[c] - h[p])
        return pos

    def deltas(self, G):
        Gp = G[..., self.parents, :, :]
        D = rot.mm(np.swapaxes(Gp, -1, -2), G)
        D[..., 0, :, :] = G[..., 0, :, :]
        return D

    def skin(self, G, chunk=16):
        """Posed vertices (T, V, 3) and bone heads (T, J, 3) for global rotations (T, J, 3, 3)."""
        D = self.deltas(G)
        T = len(D)
        verts, heads = [], []
        for i in range(0, T, chunk):
            d = torch.zeros((min(chunk, T - i), len(self.labels), 4, 4), dtype=torch.float32)
            d[..., :3, :3] = torch.from_numpy(D[i : i + chunk]).float()
            d[..., 3, 3] = 1
            with torch.no_grad():
                out = self.model(pose_parameters=d, phenotype_kwargs=self._pheno(len(d)))
            verts.append(out["vertices"].numpy())
            heads.append(out["bone_poses"][..., :3, 3].numpy())
        return np.concatenate(verts).astype(np.float64), np.concatenate(heads).astype(np.float64)
