"""The evidence behind kb_swing's ``min_bell_height`` (a cycle whose hands stay below the
hips is set-up, not a swing): every down-and-up cycle of every labelled swing clip with the
highest its hands rose, and each clip's count with and without the set-up test beside the
labelled count.

    python tools/swing_setup_evidence.py      # rendered + real clips (landmarks cached)
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from evidence_sets import pose_sets_from_command_line

from formcheck.analysis import analyze_sequence
from formcheck.evaluation.evidence import judged_poses
from formcheck.exercises.registry import get_exercise
from formcheck.reps.setup import bell_rise


def main(argv: list[str] | None = None) -> int:
    loaded = pose_sets_from_command_line(__doc__.split("\n\n")[0], argv)
    if loaded is None:
        return 2
    args, sets = loaded
    swing = get_exercise("kb_swing")
    every_cycle = dataclasses.replace(swing, min_bell_height=None)
    threshold = swing.min_bell_height
    print(f"kb_swing min_bell_height = {threshold} (shoulder heights above the hips)")
    for source, manifest in sets:
        rises, exact = [], [0, 0]
        clips = [c for c in manifest.clips if c.exercise == "kb_swing"]
        print(f"\n{source}: {len(clips)} swing clips")
        for clip in clips:
            seq = judged_poses(clip, manifest.clips_root, args.model, Path(args.cache))
            if seq is None:
                continue
            cycles = analyze_sequence(seq, every_cycle)
            kept = analyze_sequence(seq, swing)
            heights = [bell_rise(cycles.smoothed, w) for w in cycles.windows]
            rises += heights
            labelled = clip.counted_reps
            exact[0] += len(cycles.windows) == labelled
            exact[1] += len(kept.windows) == labelled
            shown = " ".join(f"{h:.2f}" for h in heights)
            print(
                f"  {clip.file[:58]:58s} labelled {labelled}, cycles {len(cycles.windows)},"
                f" counted {len(kept.windows)}: rises {shown}"
            )
        below = sorted(h for h in rises if h < threshold)
        above = sorted(h for h in rises if h >= threshold)
        print(
            f"  cycles: {len(rises)}; below {threshold}: {len(below)} "
            f"({', '.join(f'{h:.2f}' for h in below) or '-'}); "
            f"the rest {above[0]:.2f}-{above[-1]:.2f}"
            if above
            else f"  cycles: {len(rises)}"
        )
        print(f"  counts exact: every cycle {exact[0]}, set-up test {exact[1]} of {len(clips)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
