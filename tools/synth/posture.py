"""Joint angles -> global bone rotations, with the foot planted and the body balanced.

A posture is a dict of per-frame arrays (degrees unless noted). Segment angles are *global*
(against the world vertical) so that ground truth such as "trunk 80 deg from vertical" is exact:
  trunk          hip-centre -> shoulder-centre line from vertical, + = tipped forward
  spine_flex     total lumbar+thoracic flexion (+ rounds the back), spread over 5 bones
  lumbar_flex    flexion of the lumbar bones only (spine05-03; - = arching), optional
  thoracic_flex  flexion of the thoracic bones only (spine02-01), optional; with either of
                 these the pelvis pitch is solved from a table so the hip-shoulder line stays
                 exactly at `trunk` (spine_flex keeps its old 0.55 approximation)
  spine_twist    rotation of the shoulders about the trunk axis relative to the pelvis
  pelvis_open    pelvis rotation about the trunk's long axis, + = the free-leg hip rises
  neck_flex      neck+head flexion relative to the upper back, - = looking up
  {L,R}_thigh    thigh from vertical, + = knee behind the hip
  {L,R}_knee     knee flexion; the shin angle is thigh + knee
  {L,R}_abd      leg abduction in the frontal plane (+ outward)
  {L,R}_knee_in  frontal-plane knee collapse (valgus), hip-knee-ankle angle
  {L,R}_ankle    foot plantarflexion relative to the shin ('flat' keeps the foot on the floor)
  {L,R}_arm      upper arm from vertical, + = hand forward
  {L,R}_arm_abd  upper-arm abduction, {L,R}_elbow elbow flexion
"""

import numpy as np

from . import rot

LEG = ["upperleg01", "upperleg02"]
SHIN = ["lowerleg01", "lowerleg02"]
SPINE = ["spine05", "spine04", "spine03", "spine02", "spine01"]
# Bone heads on the reference mesh (m above the hip joints): spine05 0, spine04 0.10,
# spine03 0.18, spine02 0.25, spine01 0.39, neck01 0.63. The joints at spine05-03 sit at
# L5/S1, L3/L4 and T12/L1 (lumbar); spine02 (~T10) and spine01 (~T6) bend the thoracic spine.
LUMBAR_W = [0.3, 0.35, 0.35, 0.0, 0.0]
THORACIC_W = [0.0, 0.0, 0.0, 0.45, 0.55]
NECK = ["neck01", "neck02", "neck03", "head"]
SEG_MASS = dict(
    head=0.081,
    trunk=0.497,
    uarm=0.028,
    farm=0.016,
    hand=0.006,
    thigh=0.10,
    shin=0.0465,
    foot=0.0145,
)


class Rig:
    """Precomputed rest-to-neutral corrections for one Body."""

    def __init__(self, body):
        self.b = body
        h = body.head
        self.arm0, self.hinge = {}, {}
        for s in "LR":
            sign = 1 if s == "L" else -1
            u = h(f"lowerarm01.{s}") - h(f"upperarm01.{s}")
            f = h(f"wrist.{s}") - h(f"lowerarm01.{s}")
            # hang the A-pose arm straight down
            self.arm0[s] = rot.align(u, [0, 0, -1])
            n = np.cross(u, f)
            self.hinge[s] = (
                n / np.linalg.norm(n),
                np.arccos(np.dot(u, f) / np.linalg.norm(u) / np.linalg.norm(f)),
            )
            del sign
        # finger flexion axes (rest frame): curl each phalanx toward the palm
        self.curl_axes = {}
        for s in "LR":
            n = np.cross(
                h(f"finger2-1.{s}") - h(f"finger5-1.{s}"), h(f"finger3-2.{s}") - h(f"finger3-1.{s}")
            )
            n = -n / np.linalg.norm(n) * (1 if s == "L" else -1)  # palm side (checked on renders)
            for f in (2, 3, 4, 5):
                for k in (1, 2, 3):
                    a = h(f"finger{f}-{k}.{s}")
                    d = (h(f"finger{f}-{k + 1}.{s}") - a) if k < 3 else (a - h(f"finger{f}-2.{s}"))
                    ax = np.cross(d, n)
                    self.curl_axes[(s, f, k)] = ax / np.linalg.norm(ax)
        sh = (h("upperarm01.L") + h("upperarm01.R")) / 2 - (
            h("upperleg01.L") + h("upperleg01.R")
        ) / 2
        # forward lean of the hip-centre -> shoulder-centre line in the reference pose
        self.trunk_rest = np.degrees(np.arctan2(-sh[1], sh[2]))
        self.leg0 = {}
        for s in "LR":
            # thigh and shin of the reference pose are not exactly vertical: straighten them
            th = h(f"lowerleg01.{s}") - h(f"upperleg01.{s}")
            sh_ = h(f"foot.{s}") - h(f"lowerleg01.{s}")
            self.leg0[s] = (rot.align(th, [0, 0, -1]), rot.align(sh_, [0, 0, -1]))

    def globals(self, P):
        """Global rotations (T, J, 3, 3) from posture dict P of (T,) arrays."""
        b = self.b
        T = len(P["trunk"])
        J = len(b.labels)
        G = np.tile(np.eye(3), (T, J, 1, 1))
        g = lambda k, d=0.0: np.asarray(P.get(k, np.full(T, d)), float)  # noqa: E731
        standing = P.get("standing", "L")
        open_sign = 1.0 if standing == "L" else -1.0
        spine_flex = g("spine_flex")
        pel_pitch = (
            g("trunk") - self.trunk_rest - spine_flex * 0.55
        )  # rounding moves the shoulders down
        split = "lumbar_flex" in P or "thoracic_flex" in P
        if split:
            lum, tho = g("lumbar_flex"), g("thoracic_flex")
            if not getattr(self, "_building_chord", False):
                pel_pitch = pel_pitch - self.chord_shift(lum, tho)
        # rotation about the pelvis' own long axis: for a left-leg stance the right hip rises
        Gp = rot.mm(rot.rx(pel_pitch), rot.rz(-open_sign * g("pelvis_open")))
        for name in ["root", "pelvis.L", "pelvis.R"]:
            G[:, b.idx[name]] = Gp
        cur = Gp
        per = [0.15, 0.2, 0.2, 0.25, 0.2]
        for k, (name, w) in enumerate(zip(SPINE, per)):
            flex = spine_flex * w
            if split:
                flex = flex + lum * LUMBAR_W[k] + tho * THORACIC_W[k]
            cur = rot.mm(cur, rot.mm(rot.rx(flex), rot.rz(g("spine_twist") * w)))
            G[:, b.idx[name]] = cur
        spine_top = cur
        for name in ["clavicle.L", "clavicle.R", "shoulder01.L", "shoulder01.R"]:
            G[:, b.idx[name]] = spine_top
        # the head follows the upper back; neck_flex is relative to it
        for name, w in zip(NECK, [0.3, 0.3, 0.2, 0.2]):
            cur = rot.mm(cur, rot.rx(g("neck_flex") * w))
            G[:, b.idx[name]] = cur
        for name in ["eye.L", "eye.R"]:
            G[:, b.idx[name]] = cur
        for s in "LR":
            sg = 1.0 if s == "L" else -1.0
            th0, sh0 = self.leg0[s]
            knee_in = g(f"{s}_knee_in")
            irot = rot.rz(-sg * g(f"{s}_irot", 0) - sg * knee_in * 1.0)
            abd = g(f"{s}_abd")
            # valgus: thigh adducts and shin abducts by half each, knee drops inside the line
            Gt = rot.mm(rot.mm(rot.rx(g(f"{s}_thigh")), rot.ry(-sg * (abd - knee_in / 2))), irot)
            shin_pitch = g(f"{s}_thigh") + g(f"{s}_knee")
            Gs = rot.mm(rot.mm(rot.rx(shin_pitch), rot.ry(-sg * (abd + knee_in / 2))), irot)
            Gt, Gs = rot.mm(Gt, th0), rot.mm(Gs, sh0)
            if P.get(f"{s}_flat", False) is True:
                # flat on the floor; foot_pitch > 0 lifts the heel (the anchor pivots it on
                # the ball of the foot)
                Gf = rot.rx(g(f"{s}_foot_pitch"))
            else:
                Gf = rot.mm(rot.mm(rot.rx(shin_pitch + g(f"{s}_ankle")), irot), sh0)
            for n in LEG:
                G[:, b.idx[f"{n}.{s}"]] = Gt
            for n in SHIN:
                G[:, b.idx[f"{n}.{s}"]] = Gs
            for i, lab in enumerate(b.labels):
                if lab == f"foot.{s}" or (lab.startswith("toe") and lab.endswith(f".{s}")):
                    G[:, i] = Gf
            # arms
            Gu = rot.mm(
                rot.mm(
                    rot.mm(rot.rx(-g(f"{s}_arm")), rot.ry(-sg * g(f"{s}_arm_abd", 6.0))),
                    rot.rz(sg * g(f"{s}_arm_twist")),
                ),
                self.arm0[s],
            )
            if P.get(f"{s}_arm_frame") == "trunk":
                Gu = rot.mm(spine_top, Gu)  # angles relative to the upper back, not the world
            n, th = self.hinge[s]
            Gfa = rot.mm(Gu, rot.axis_angle(n, -th + np.radians(g(f"{s}_elbow"))))
            for n_ in ["upperarm01", "upperarm02"]:
                G[:, b.idx[f"{n_}.{s}"]] = Gu
            for i, lab in enumerate(b.labels):
                if lab in (f"lowerarm01.{s}", f"lowerarm02.{s}", f"wrist.{s}") or (
                    (lab.startswith("finger") or lab.startswith("metacarpal"))
                    and lab.endswith(f".{s}")
                ):
                    G[:, i] = Gfa
        for s in "LR":
            # fingers: {s}_grip 1 = wrapped round a handle, default a relaxed 0.35
            grip = g(f"{s}_grip", 0.35)
            for f in (2, 3, 4, 5):
                for k, ang in zip((1, 2, 3), (35.0, 45.0, 30.0)):
                    c = b.idx[f"finger{f}-{k}.{s}"]
                    R = rot.axis_angle(self.curl_axes[(s, f, k)], np.radians(ang * grip))
                    G[:, c] = rot.mm(G[:, b.parents[c]], R)
        return G

    # ---------------------------------------------------------------- split spine
    _CHORD_L = np.arange(-60.0, 61.0, 5.0)
    _CHORD_T = np.arange(-30.0, 61.0, 5.0)

    def chord_shift(self, lum, tho):
        """How far (deg, + = forward) lumbar / thoracic flexion tips the hip-centre ->
        shoulder-centre line with the pelvis fixed: bilinear in a table built once per body."""
        if not hasattr(self, "_chord_tab"):
            L, T = np.meshgrid(self._CHORD_L, self._CHORD_T, indexing="ij")
            n = L.size
            P = dict(
                trunk=np.full(n, self.trunk_rest), lumbar_flex=L.ravel(), thoracic_flex=T.ravel()
            )
            self._building_chord = True  # pelvis fixed (pitch 0) while the table is measured
            try:
                q = self.points(self.globals(P))
            finally:
                self._building_chord = False
            tr = q["shoulder_mid"] - q["hip_mid"]
            ang = np.degrees(np.arctan2(-tr[:, 1], tr[:, 2]))
            zero = np.argmin(np.abs(L.ravel()) + np.abs(T.ravel()))
            self._chord_tab = (ang - ang[zero]).reshape(L.shape)
        lum = np.clip(np.asarray(lum, float), self._CHORD_L[0], self._CHORD_L[-1])
        tho = np.clip(np.asarray(tho, float), self._CHORD_T[0], self._CHORD_T[-1])
        fi = (lum - self._CHORD_L[0]) / 5.0
        fj = (tho - self._CHORD_T[0]) / 5.0
        i = np.minimum(fi.astype(int), len(self._CHORD_L) - 2)
        j = np.minimum(fj.astype(int), len(self._CHORD_T) - 2)
        a, c = fi - i, fj - j
        t = self._chord_tab
        return (
            t[i, j] * (1 - a) * (1 - c)
            + t[i + 1, j] * a * (1 - c)
            + t[i, j + 1] * (1 - a) * c
            + t[i + 1, j + 1] * a * c
        )

    # ---------------------------------------------------------------- derived points
    def points(self, G):
        """Joint positions and a few derived points (root at origin)."""
        b = self.b
        p = b.fk(G)
        i = b.idx
        out = {k: p[:, i[k]] for k in b.labels}
        out["hip_mid"] = (p[:, i["upperleg01.L"]] + p[:, i["upperleg01.R"]]) / 2
        out["shoulder_mid"] = (p[:, i["upperarm01.L"]] + p[:, i["upperarm01.R"]]) / 2
        for s in "LR":
            # grip point: middle of the palm
            out[f"grip.{s}"] = (p[:, i[f"finger3-1.{s}"]] + p[:, i[f"wrist.{s}"]]) / 2
        out["grip.both"] = (out["grip.L"] + out["grip.R"]) / 2
        # ball of the foot (MTP joints), the pivot for heel lifts
        for s in "LR":
            out[f"ball.{s}"] = (p[:, i[f"toe1-1.{s}"]] + p[:, i[f"toe5-1.{s}"]]) / 2
        out["_all"] = p
        return out

    def com(self, G, bell_kg=0.0, bell_side="L", body_kg=75.0):
        """Whole-body centre of mass from segment masses (Winter) plus the bell."""
        q = self.points(G)
        m = SEG_MASS
        acc = []
        acc.append((m["head"], (q["neck01"] + q["head"]) / 2 + (q["head"] - q["neck01"]) * 0.8))
        acc.append((m["trunk"], q["hip_mid"] * 0.55 + q["shoulder_mid"] * 0.45))
        for s in "LR":
            acc.append((m["uarm"], (q[f"upperarm01.{s}"] + q[f"lowerarm01.{s}"]) / 2))
            acc.append((m["farm"], (q[f"lowerarm01.{s}"] + q[f"wrist.{s}"]) / 2))
            acc.append((m["hand"], q[f"grip.{s}"]))
            acc.append((m["thigh"], q[f"upperleg01.{s}"] * 0.57 + q[f"lowerleg01.{s}"] * 0.43))
            acc.append((m["shin"], q[f"lowerleg01.{s}"] * 0.57 + q[f"foot.{s}"] * 0.43))
            acc.append((m["foot"], q[f"foot.{s}"]))
        tot = sum(w for w, _ in acc) * body_kg
        c = sum(w * body_kg * x for w, x in acc)
        if bell_kg:
            grip = q["grip.both"] if bell_side == "both" else q[f"grip.{bell_side}"]
            c = c + bell_kg * (grip - np.array([0, 0, 0.15]))
            tot += bell_kg
        return c / tot
