"""The evidence behind the view boundaries (formcheck/signals/view.py): per labelled clip, the
body yaw and the body's image width ratio beside the labelled and the estimated view, and
the confusion between them.

    python tools/view_evidence.py            # rendered + real clips (landmarks cached)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from evidence_sets import pose_sets_from_command_line

from formcheck.evaluation.evidence import judged_poses
from formcheck.signals.filters import smooth_sequence
from formcheck.signals.geometry import robust_median
from formcheck.signals.view import body_width_ratio, estimate_view


def main(argv: list[str] | None = None) -> int:
    loaded = pose_sets_from_command_line(__doc__.split("\n\n")[0], argv)
    if loaded is None:
        return 2
    args, sets = loaded
    for source, manifest in sets:
        rows = []
        for clip in manifest.clips:
            seq = judged_poses(clip, manifest.clips_root, args.model, Path(args.cache))
            if seq is None:
                continue
            smoothed = smooth_sequence(seq)
            view = estimate_view(smoothed)
            ratio = robust_median(body_width_ratio(smoothed))
            rows.append((clip.view, view.view, view.yaw_deg, ratio, clip.file))
        print(f"\n{source}: {len(rows)} clips (labelled view, found view, yaw, width ratio)")
        for label, found, yaw, ratio, name in sorted(rows, key=lambda r: (r[0], r[2])):
            mark = "" if label in (found, "mixed") else "  <- differs"
            print(f"  {label:8s} {found:8s} yaw {yaw:5.1f}  width {ratio:4.2f}  {name[:60]}{mark}")
        confusion = Counter((label, found) for label, found, *_ in rows)
        print(
            "  labelled -> found: "
            + ", ".join(f"{label}->{found} {n}" for (label, found), n in sorted(confusion.items()))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
