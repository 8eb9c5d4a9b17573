"""Render synthetic exercise clips with exact ground truth.

python tools/synth/generate.py --samples               # the committed set -> sample_videos/
python tools/synth/generate.py --all --out DIR         # the full set
python tools/synth/generate.py --only sldl_side_demo --out DIR --png 2.0
python tools/synth/generate.py --list
python tools/synth/generate.py --set back --out /work/synthcache/back   # graded back series
python tools/synth/generate.py --set wide --out /work/synthcache/wide   # varied evaluation set
python tools/synth/generate.py --set wide --list                       # names, views, levels
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
    ap.add_argument(
        "--set",
        choices=["wide", "back"],
        help="a varied set (wide.py, backseries.py) instead of the committed catalog",
    )
    ap.add_argument(
        "--stills",
        type=float,
        nargs="+",
        help="varied sets: render only these times (s) of each clip into NAME.stills.png",
    )
    ap.add_argument(
        "--skip-existing",
        action="store_true",
        help="leave clips whose labels.json is already in --out (resume an interrupted run)",
    )
    ap.add_argument("--crf", type=int, default=29)
    ap.add_argument(
        "--shard", default=None, help="I/N: render every N-th clip starting at I (parallel runs)"
    )
    ap.add_argument(
        "--png", type=float, default=None, help="also save a PNG of the frame at this time (s)"
    )
    a = ap.parse_args(argv)
    if a.set:
        return _varied_set(a)
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


def _cost_s(c):
    """Rough render time of a varied clip on the shared 2-core machine (measured there with
    ~10 other busy processes: ~0.4 s per 640x360 frame, ~0.9 s per 1280x720 frame)."""
    from tools.synth import clip

    vid = c["variation"]["video"]
    tl_s = clip.duration_s(c)
    px = vid["width"] * vid["height"] * vid.get("render_scale", 1.0) ** 2
    out_px = vid["width"] * vid["height"]  # upscaling, noise and encoding work at full size
    return tl_s * vid["fps"] * (0.15 + 1.1e-6 * px + 0.35e-6 * out_px)


def _varied_set(a):
    from tools.synth import backseries, wide

    clips = (wide if a.set == "wide" else backseries).clips()
    if a.only:
        clips = [c for c in clips if any(c["name"].startswith(o) for o in a.only)]
    if a.shard:
        i, n = map(int, a.shard.split("/"))
        clips = clips[i::n]
    if a.list:
        for c in clips:
            v = c["variation"]
            cam, vid = v["camera"], v["video"]
            levels = [r.get("labels", {}).get("magnitude", r.get("magnitude")) for r in c["reps"]]
            print(
                c["name"],
                cam["camera_side"],
                f"{vid['size']}@{vid['fps']}",
                "blur" if vid["motion_blur"] else "-",
                v["lighting"]["preset"],
                v["background"]["name"],
                v["clothing"]["scheme"],
                v["clothing"]["fit"],
                levels,
            )
        secs = sum(_cost_s(c) for c in clips)
        print(
            f"{len(clips)} clips, ~{secs / 3600:.1f} h to render on the shared machine (estimate)"
        )
        return 0
    out = Path(a.out or f"/work/synthcache/{a.set}")
    from tools.synth import varied

    t0 = time.time()
    done = 0
    for c in clips:
        if a.skip_existing and (out / f"{c['name']}.labels.json").exists():
            continue
        varied.render(c, out, stills=a.stills)
        done += 1
    print(f"{done} clips in {time.time() - t0:.0f}s -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
