"""Ground-truth keypoints in MediaPipe's 33-landmark order, as points on the body surface.

MediaPipe's landmarks behave like COCO-style surface keypoints, so most come from Anny's COCO
regressor; the rest are mesh vertices chosen once on the reference mesh (they then move with
the skin). `depth_tol` is how far below the skin each point lies, used by the occlusion test.
"""

import numpy as np

NAMES = [
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
]
COCO_SAME = [
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
]


class Landmarks:
    def __init__(self, body):
        b = body
        V = b.ref_verts
        lab = np.array(b.labels)[b.dominant]
        coco = b.coco_w @ V
        cidx = {n: i for i, n in enumerate(b.coco_labels)}
        W = np.zeros((33, len(V)))
        head = np.where(lab == "head")[0]

        def nearest(cands, p):
            return cands[np.argmin(np.linalg.norm(V[cands] - p, axis=1))]

        for k, name in enumerate(NAMES):
            if name in COCO_SAME:
                W[k] = b.coco_w[cidx[name]]
        for side, sg, pre in (("L", 1.0, "left"), ("R", -1.0, "right")):
            e = coco[cidx[f"{pre}_eye"]]
            W[NAMES.index(f"{pre}_eye_inner"), nearest(head, e + [-sg * 0.014, 0, 0.002])] = 1
            W[NAMES.index(f"{pre}_eye_outer"), nearest(head, e + [sg * 0.017, 0.006, 0.002])] = 1
            n = coco[cidx["nose"]]
            W[NAMES.index(f"mouth_{pre}"), nearest(head, n + [sg * 0.024, 0.012, -0.045])] = 1
            hand = np.where(
                np.char.endswith(lab.astype(str), f".{side}")
                & (
                    np.char.startswith(lab.astype(str), "finger")
                    | np.char.startswith(lab.astype(str), "metacarpal")
                    | (lab == f"wrist.{side}")
                )
            )[0]
            for lm, bone in (
                (f"{pre}_pinky", "finger5-1"),
                (f"{pre}_index", "finger2-1"),
                (f"{pre}_thumb", "finger1-3"),
            ):
                W[NAMES.index(lm), nearest(hand, b.head(f"{bone}.{side}"))] = 1
            # foot index: tip of the big toe (the foremost point of the foot)
            W[NAMES.index(f"{pre}_foot_index")] = b.coco_w[cidx[f"{pre}_big_toe"]]
            # hip: lateral skin at the height of the hip joint (greater trochanter)
            j = b.head(f"upperleg01.{side}")
            hipzone = np.where(
                np.isin(lab, [f"upperleg01.{side}", f"pelvis.{side}", "root", f"upperleg02.{side}"])
                & (np.abs(V[:, 2] - (j[2] - 0.03)) < 0.02)
                & (np.abs(V[:, 1] - j[1]) < 0.03)
            )[0]
            W[NAMES.index(f"{pre}_hip"), hipzone[np.argmax(sg * V[hipzone, 0])]] = 1
        self.W = W
        pts = W @ V
        d = np.min(np.linalg.norm(V[None, :, :] - pts[:, None, :], axis=2), axis=1)
        self.depth_tol = d + 0.03

    def __call__(self, verts):
        """verts (T, V, 3) -> landmarks (T, 33, 3)."""
        return np.einsum("kv,tvd->tkd", self.W, verts)
