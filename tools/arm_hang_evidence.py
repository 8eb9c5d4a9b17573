"""Whether pose landmarks show a weight in the hands when a deadlifter stands: how far forward
the arms hang (``bell_arm_forward_deg``) at each rep's lockout, weight in hand, and in the
first 0.3 s of a clip that opens standing (empty-handed before a set-up, or holding the bar
before Romanian deadlifts; the clip's label says which). It decides whether a last stand-up
after the bar is put down can be told from a rep (docs/accuracy.md, known limits).

    python tools/arm_hang_evidence.py      # rendered + real deadlifts (landmarks cached)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from evidence_sets import pose_sets_from_command_line

from formcheck.analysis import analyze_sequence
from formcheck.evaluation.evidence import judged_poses
from formcheck.exercises.registry import get_exercise
from formcheck.signals.geometry import robust_median

OPENING_S = 0.3
STANDING_DEG = 20.0  # the trunk within this of vertical: the clip opens standing
LIFTS = ("kb_deadlift", "romanian_deadlift")


def main(argv: list[str] | None = None) -> int:
    loaded = pose_sets_from_command_line(__doc__.split("\n\n")[0], argv)
    if loaded is None:
        return 2
    args, sets = loaded
    for source, manifest in sets:
        lockouts: list[float] = []
        clips = [c for c in manifest.clips if c.exercise in LIFTS and c.usable]
        print(f"\n{source}: {len(clips)} deadlift clips (deg of arm hang, + = forward)")
        for clip in clips:
            seq = judged_poses(clip, manifest.clips_root, args.model, Path(args.cache))
            if seq is None:
                continue
            analysis = analyze_sequence(seq, get_exercise(clip.exercise))
            t, hang = analysis.smoothed.t, analysis.measures["bell_arm_forward_deg"]
            trunk = analysis.measures["trunk_inclination_deg"]
            seen = np.flatnonzero(np.isfinite(trunk))
            if analysis.view.view == "back" or not seen.size:
                continue  # from behind the pose model scrambles the hinge (reps missed)
            first = int(seen[0])
            opening = slice(first, int(np.searchsorted(t, t[first] + OPENING_S)) + 1)
            stands = robust_median(trunk[opening]) < STANDING_DEG
            at_start = robust_median(hang[opening]) if stands else float("nan")
            at_lockout = [robust_median(hang[w.end : w.lockout_end + 1]) for w in analysis.windows]
            lockouts += [v for v in at_lockout if np.isfinite(v)]
            print(
                f"  {clip.file[:58]:58s} {analysis.view.view:7s} opening standing "
                f"{at_start:6.1f}  lockouts {' '.join(f'{v:.1f}' for v in at_lockout) or '-'}"
            )
        if lockouts:
            low, high = np.percentile(lockouts, [5, 95])
            print(
                f"  lockouts (side, oblique, front): {len(lockouts)}, {min(lockouts):.1f} to "
                f"{max(lockouts):.1f}; 5th-95th percentile {low:.1f} to {high:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
