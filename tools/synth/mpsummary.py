"""Summarise mpcheck.py's JSON lines: python mpsummary.py results.jsonl"""

import json
import sys

with open(sys.argv[1]) as fh:
    rows = [json.loads(line) for line in fh if line.startswith("{")]
frames = sum(r["frames"] for r in rows)
found = sum(r["detected"] for r in rows)
pct = 100 * found / max(frames, 1)
print(f"{len(rows)} clips, {found}/{frames} frames with a person ({pct:.1f}%)")
errs = sorted(r["median_px_err_visible"] for r in rows if r["median_px_err_visible"] is not None)
if errs:
    mid = errs[len(errs) // 2]
    print(f"per-clip median px error of visible body landmarks: {errs[0]} .. {mid} .. {errs[-1]}")
for r in rows:
    if r["rate"] < 1.0:
        print(f"  {r['clip']}: {r['detected']}/{r['frames']}")
