"""Truth for the back's shape: the midline of the back's skin from the sacrum to C7, per frame.

The midline is a fixed chain of mesh vertices chosen once on the reference mesh (the backmost
vertex near the body's mid-plane in each height band), so it bends with the skin. Measures,
signed + = flexion (rounding), - = extension (arching), about the body's left-right axis:
  back_bend_deg          angle between the lower (sacrum -> T12) and upper (T12 -> C7) chords
  back_lumbar_bend_deg   angle between the two halves of the lower part (sacrum -> L3 -> T12)
  back_thoracic_bend_deg angle between the two halves of the upper part (T12 -> T7 -> C7)
  back_bulge_frac        largest distance of the midline behind the sacrum-C7 chord / chord
  back_hollow_frac       largest distance in front of the chord (a hollow) / chord
A neutral standing back is S-shaped (lumbar bend < 0, thoracic bend > 0); compare with the
same body's clean reps.
"""

import numpy as np

N_POINTS = 17


class BackLine:
    def __init__(self, body):
        b = body
        V = b.ref_verts
        lab = np.array(b.labels)[b.dominant]
        on_back = np.isin(
            lab, ["root", "spine05", "spine04", "spine03", "spine02", "spine01", "neck01"]
        ) & (np.abs(V[:, 0]) < 0.015)
        z0 = b.head("spine05")[2] + 0.06  # top of the sacrum, above the buttocks
        z1 = b.head("neck01")[2] - 0.01  # C7
        self.t12_z = b.head("spine03")[2]
        zs = np.linspace(z0, z1, N_POINTS)
        band = (z1 - z0) / (N_POINTS - 1) / 2
        idx = []
        for z in zs:
            cand = np.where(on_back & (np.abs(V[:, 2] - z) < band))[0]
            idx.append(cand[np.argmax(V[cand, 1])])  # + y = backward
        self.idx = np.array(idx)
        zr = V[self.idx, 2]
        self.i_t12 = int(np.argmin(np.abs(zr - self.t12_z)))
        self.i_l3 = self.i_t12 // 2
        self.i_t7 = (self.i_t12 + N_POINTS - 1) // 2
        self.b = b

    def points(self, verts):
        """Midline points (T, N_POINTS, 3), sacrum first."""
        return verts[:, self.idx]

    def measures(self, verts, G):
        b = self.b
        p = self.points(verts)
        left = G[:, b.idx["spine03"]] @ np.array([1.0, 0, 0])  # the body's left-right axis
        inner = (
            verts[:, self.idx].mean(1) - _unit(G[:, b.idx["spine03"]] @ np.array([0, 1.0, 0])) * 0.1
        )

        def bend(a, m, c):
            u, v = p[:, m] - p[:, a], p[:, c] - p[:, m]
            s = (np.cross(u, v) * left).sum(1)
            return np.degrees(np.arctan2(s, (u * v).sum(1)))

        last = N_POINTS - 1
        a, d = p[:, 0], p[:, last] - p[:, 0]
        L = np.linalg.norm(d, axis=1)
        d = d / L[:, None]
        rel = p - a[:, None]
        perp = rel - (rel * d[:, None]).sum(2, keepdims=True) * d[:, None]
        toward_front = inner - a
        toward_front -= (toward_front * d).sum(1, keepdims=True) * d
        toward_front = _unit(toward_front)
        behind = -(perp * toward_front[:, None]).sum(2)  # + = behind the chord
        return dict(
            back_bend_deg=bend(0, self.i_t12, last),
            back_lumbar_bend_deg=bend(0, self.i_l3, self.i_t12),
            back_thoracic_bend_deg=bend(self.i_t12, self.i_t7, last),
            back_bulge_frac=np.maximum(behind.max(1), 0) / L,
            back_hollow_frac=np.maximum(-behind.min(1), 0) / L,
        )


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)
