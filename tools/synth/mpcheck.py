"""Run MediaPipe PoseLandmarker over rendered clips: detection rate and image error vs labels.

Runs in the project's venv (which has mediapipe), not the generator's:
  .venv/bin/python tools/synth/mpcheck.py models/pose_landmarker_lite.task sample_videos/*.mp4
One JSON line per clip; for the varied sets the line carries the clip's variation factors, so
mpsummary.py --by can break the results down.
"""

import json
import sys
from pathlib import Path

import av
import numpy as np


def check(model, path):
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=model),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    path = Path(path)
    kp = np.load(path.with_suffix("").with_suffix(".keypoints.npz"))
    gt, vis = kp["image_xy"], kp["visibility"]
    found, errs = 0, []
    n = 0
    with vision.PoseLandmarker.create_from_options(opts) as lm, av.open(str(path)) as c:
        for i, fr in enumerate(c.decode(video=0)):
            img = mp.Image(
                image_format=mp.ImageFormat.SRGB,
                data=np.ascontiguousarray(fr.to_ndarray(format="rgb24")),
            )
            # the frame's own timestamp: the varied sets run at 24-60 fps
            res = lm.detect_for_video(img, int(round(float(fr.pts * fr.time_base) * 1000)))
            n += 1
            if res.pose_landmarks:
                found += 1
                p = np.array([[q.x, q.y] for q in res.pose_landmarks[0]])
                if i < len(gt):
                    d = np.linalg.norm((p - gt[i]) * [fr.width, fr.height], axis=1)
                    errs.append(np.where(vis[i] > 0, d, np.nan))
    e = np.array(errs)
    body = [11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]
    # the clip's scale: the person's standing height in pixels in the first frame
    lab = json.loads(path.with_suffix("").with_suffix(".labels.json").read_text())
    tall = float(np.ptp(gt[0, :, 1]) * lab["camera"]["height"])
    row = dict(
        clip=path.name,
        frames=n,
        detected=found,
        rate=round(found / max(n, 1), 3),
        median_px_err_visible=round(float(np.nanmedian(e[:, body])), 1) if len(e) else None,
        per_landmark_median_px={k: round(float(np.nanmedian(e[:, k])), 1) for k in body}
        if len(e)
        else None,
    )
    if len(e):
        per_frame = np.nanmedian(e[:, body], axis=1) / tall * 100
        row.update(
            height_px=round(tall),
            # error as % of the standing height, so clips of every size compare
            median_err_pct_height=round(float(np.nanmedian(per_frame)), 2),
            # frames whose skeleton is off by more than 10 % of the height: lost or scrambled
            scrambled=int(np.sum(per_frame > 10)),
        )
    if "variation" in lab:
        row["factors"] = lab["variation"]["factors"]
    return row


if __name__ == "__main__":
    for p in sys.argv[2:]:
        print(json.dumps(check(sys.argv[1], p)))
