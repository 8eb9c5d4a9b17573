"""Render synthetic exercise clips with exact ground truth.

python tools/synth/generate.py --samples               # the committed set -> sample_videos/
python tools/synth/generate.py --all --out DIR         # the full set
python tools/synth/generate.py --only sldl_side_demo --out DIR --png 2.0
python tools/synth/generate.py --list
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.synth import catalog  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--all", action="store_true", help="render every clip in the catalog")
    ap.add_argument(
        "--samples", action="store_true", help="render the committed selection into sample_videos/"
    )
    ap.add_argument("--only", nargs="+", help="clip names (or prefixes) to render")
    ap.add_argument("--out", default=None, help="output folder")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--crf", type=int, default=29)
    ap.add_argument(
        "--shard", default=None, help="I/N: render every N-th clip starting at I (parallel runs)"
    )
    ap.add_argument(
        "--png", type=float, default=None, help="also save a PNG of the frame at this time (s)"
    )
    a = ap.parse_args(argv)
    clips = catalog.all_clips()
    if a.list:
        for c in clips:
            print(c["name"], c["view"], c["variant"], [r.get("fault") for r in c["reps"]])
        return 0
    if a.samples:
        clips = catalog.sample_clips()
        out = Path(a.out or ROOT / "sample_videos")
    elif a.all or a.only:
        out = Path(a.out or "/work/synthcache/clips")
    else:
        ap.error("say --all, --samples or --only")
    if a.only:
        clips = [c for c in clips if any(c["name"].startswith(o) for o in a.only)]
    if a.shard:
        i, n = map(int, a.shard.split("/"))
        clips = clips[i::n]
    from tools.synth import clip

    t0 = time.time()
    for c in clips:
        if a.png is not None:
            c = dict(c, png_at=a.png)
        clip.render_clip(c, out, crf=a.crf)
    print(f"{len(clips)} clips in {time.time() - t0:.0f}s -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
