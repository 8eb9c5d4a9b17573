"""How the back's skin truth follows the posed degrees in the back series: for every rep, the
truth_back_* measures at the rep's bottom minus the same clip's 0 deg rep, averaged per
exercise, series and posed degree.

    python tools/synth/backtruth.py /work/synthcache/back
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

MEASURES = ["back_bend_deg", "back_lumbar_bend_deg", "back_thoracic_bend_deg", "back_bulge_frac"]


def rows(folder):
    for lab_path in sorted(Path(folder).glob("*.labels.json")):
        lab = json.loads(lab_path.read_text())
        kp = np.load(str(lab_path).replace(".labels.json", ".keypoints.npz"))
        at = [int(np.argmin(np.abs(kp["t"] - r["bottom_s"]))) for r in lab["reps"]]
        base = {m: kp[f"truth_{m}"][at[0]] for m in MEASURES}
        for r, i in zip(lab["reps"], at):
            deg = abs(r.get("lumbar_flex_deg", 0) or r.get("thoracic_flex_deg", 0))
            yield (
                lab["exercise"],
                r["series"],
                deg,
                {m: float(kp[f"truth_{m}"][i] - base[m]) for m in MEASURES},
            )


def main(folder):
    groups = defaultdict(list)
    for ex, series, deg, d in rows(folder):
        groups[(ex, series, deg)].append(d)
    print("exercise series deg reps | change from the clip's 0 deg rep: " + ", ".join(MEASURES))
    for key in sorted(groups):
        ds = groups[key]
        means = [np.mean([d[m] for d in ds]) for m in MEASURES]
        print(
            f"{key[0]:24s} {key[1]:16s} {key[2]:4.0f} {len(ds):3d} | "
            + "  ".join(
                f"{x:+7.2f}" if "deg" in m else f"{x:+7.3f}" for x, m in zip(means, MEASURES)
            )
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/synthcache/back")
