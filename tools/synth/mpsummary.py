"""Summarise mpcheck.py's JSON lines.

python mpsummary.py results.jsonl                  # totals and the clips with misses
python mpsummary.py results.jsonl --by lighting    # per level of a variation factor
python mpsummary.py results.jsonl --by all         # every factor, one table each
"""

import argparse
import json
from collections import defaultdict

import numpy as np


def totals(rows):
    frames = sum(r["frames"] for r in rows)
    found = sum(r["detected"] for r in rows)
    errs = [r["median_err_pct_height"] for r in rows if r.get("median_err_pct_height") is not None]
    bad = sum(r.get("scrambled", 0) for r in rows)
    return frames, found, errs, bad


def table(rows, factor):
    groups = defaultdict(list)
    for r in rows:
        if "factors" in r:
            groups[r["factors"][factor]].append(r)
    print(f"\n{factor}: level, clips, frames with a person, median error (% of height),")
    print("  frames off by >10% of the height")
    for level in sorted(groups):
        frames, found, errs, bad = totals(groups[level])
        med = f"{np.median(errs):.1f}" if errs else "-"
        print(
            f"  {level:16s} {len(groups[level]):3d}  {100 * found / max(frames, 1):5.1f}%  "
            f"{med:>5s}  {100 * bad / max(frames, 1):5.1f}%"
        )


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("results")
    ap.add_argument("--by", help="a variation factor (see vary.factors), or 'all'")
    a = ap.parse_args()
    with open(a.results) as fh:
        rows = [json.loads(line) for line in fh if line.startswith("{")]
    frames, found, errs, bad = totals(rows)
    pct = 100 * found / max(frames, 1)
    print(f"{len(rows)} clips, {found}/{frames} frames with a person ({pct:.1f}%)")
    px = sorted(r["median_px_err_visible"] for r in rows if r["median_px_err_visible"] is not None)
    if px:
        mid = px[len(px) // 2]
        print(f"per-clip median px error of visible body landmarks: {px[0]} .. {mid} .. {px[-1]}")
    if errs:
        e = sorted(errs)
        print(f"per-clip median error, % of standing height: {e[0]} .. {e[len(e) // 2]} .. {e[-1]}")
        share = 100 * bad / max(frames, 1)
        print(f"frames off by more than 10% of the height: {bad}/{frames} ({share:.1f}%)")
    if a.by:
        names = list(rows[0].get("factors", {})) if a.by == "all" else [a.by]
        for f in names:
            table(rows, f)
    else:
        for r in rows:
            if r["rate"] < 1.0:
                print(f"  {r['clip']}: {r['detected']}/{r['frames']}")


if __name__ == "__main__":
    main()
