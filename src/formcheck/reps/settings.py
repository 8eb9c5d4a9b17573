"""What makes a rep: the settings rep segmentation reads, which each exercise's TOML and a
user's config set. Apart from the segmentation (SciPy), so reading an exercise does not load it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RepSettings:
    min_depth: float = 35.0  # the signal must reach at least this (deg of trunk inclination)
    min_amplitude: float = 25.0  # and travel at least this far from the top
    min_duration_s: float = 0.8
    max_duration_s: float = 20.0
    edge_fraction: float = 0.05  # start/end: within 5% of the amplitude from the top
    reach_fraction: float = 0.90  # bottom reached / left: within 10% of the amplitude
    lockout_s: float = 0.6  # the finish is judged up to this long after the rep ends
    # Deadlifts start on the floor: a clip that opens at the bottom and stands up holds a
    # whole lift (the lifter's first rep) without the lowering that opens later reps.
    count_lift_from_start: bool = False
