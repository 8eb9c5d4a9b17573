"""Check labels by eye: one row per clip, the first frame and each rep's bottom, cropped to
the person, with the labelled keypoints (green; grey = labelled hidden), the back midline (red)
and the rep's label written in; the clip's variation factors above the row.

    python tools/synth/labelsheet.py OUT.png /work/synthcache/back/back_sldl_*.mp4
    python tools/synth/labelsheet.py OUT.png CLIP.mp4 --late   # + a frame 3/4 of the way from
                                                              # each bottom to the rep's end
"""

import json
import sys
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

TILE_H = 240


def frames_at(path, times):
    """RGB frames nearest each time (s), decoded in order."""
    want = sorted(set(times))
    got = {}
    with av.open(str(path)) as c:
        prev = None
        for fr in c.decode(video=0):
            t = float(fr.pts * fr.time_base)
            for w in want:
                if w not in got and t >= w - 1e-3:
                    got[w] = fr.to_ndarray(format="rgb24")
            prev = fr
        for w in want:  # past the end: the last frame
            if w not in got and prev is not None:
                got[w] = prev.to_ndarray(format="rgb24")
    return [got[t] for t in times]


def rep_text(r):
    if r.get("fault") is None:
        text = "clean"
    else:
        text = f"{r['fault']} {r['magnitude']:g} {r.get('unit') or ''}"
    if r.get("level") and r["level"] not in ("clean",):
        text += f" ({r['level']})"
    if r.get("series"):
        text += f" L{r['lumbar_flex_deg']:g} T{r['thoracic_flex_deg']:g}"
    return text


def person_box(kp, W, H):
    """Pixel box round everything the labelled keypoints visit in the clip, 15 % margin."""
    xy = kp["image_xy"].reshape(-1, 2) * [W, H]
    lo, hi = xy.min(0), xy.max(0)
    m = 0.15 * (hi - lo).max()
    return tuple(int(v) for v in (lo[0] - m, lo[1] - 2 * m, hi[0] + m, hi[1] + m))


def tile(rgb, kp, i, text, box):
    im = Image.fromarray(rgb)
    W, H = im.size
    d = ImageDraw.Draw(im)
    r = max(1, (box[2] - box[0]) // 150)
    for (x, y), v in zip(kp["image_xy"][i] * [W, H], kp["visibility"][i]):
        d.ellipse([x - r, y - r, x + r, y + r], outline=(0, 255, 0) if v else (150, 150, 150))
    if "back_midline_xy" in kp.files:
        d.line([tuple(p) for p in kp["back_midline_xy"][i] * [W, H]], fill=(255, 0, 0), width=r)
    im = im.crop(box)
    im = im.resize((int(im.width * TILE_H / im.height), TILE_H))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, im.width, 14], fill=(0, 0, 0))
    d.text((3, 1), f"t={kp['t'][i]:.2f} {text}", fill=(255, 255, 0))
    return im


def row(path, late=False):
    path = Path(path)
    stem = path.with_suffix("")
    lab = json.loads(stem.with_suffix(".labels.json").read_text())
    kp = np.load(stem.with_suffix(".keypoints.npz"))
    times, texts = [0.0], ["standing"]
    for r in lab["reps"]:
        times.append(r["bottom_s"])
        texts.append(rep_text(r))
        if late:  # on the way back up: lockout and float faults show here
            times.append(r["bottom_s"] + 0.75 * (r["end_s"] - r["bottom_s"]))
            texts.append("  (late)")
    idx = [int(np.argmin(np.abs(kp["t"] - t))) for t in times]
    frames = frames_at(path, times)
    box = person_box(kp, frames[0].shape[1], frames[0].shape[0])
    tiles = [tile(f, kp, i, s, box) for f, i, s in zip(frames, idx, texts)]
    v = lab.get("variation", {}).get("factors", {})
    head = f"{path.name}  {lab['exercise']}  {lab['camera_side']}  " + " ".join(
        f"{k}={x}" for k, x in v.items()
    )
    w = sum(t.width for t in tiles)
    out = Image.new("RGB", (max(w, 1200), TILE_H + 16), (30, 30, 30))
    ImageDraw.Draw(out).text((3, 2), head[:260], fill=(255, 255, 255))
    x = 0
    for t in tiles:
        out.paste(t, (x, 16))
        x += t.width
    return out


def main(argv):
    late = "--late" in argv
    argv = [a for a in argv if a != "--late"]
    if len(argv) < 2:
        print(__doc__)
        return 2
    rows = [row(p, late) for p in argv[1:]]
    sheet = Image.new("RGB", (max(r.width for r in rows), sum(r.height for r in rows)))
    y = 0
    for r in rows:
        sheet.paste(r, (0, y))
        y += r.height
    sheet.save(argv[0])
    print(f"{len(rows)} clips -> {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
