"""How finely this clip lets each measure be read.

The same rule reads a clean lift differently in different clips: a small, blurred or partly
hidden lifter makes the pose model's landmarks shake, and every angle built on them shakes
with them. A fault read just past its threshold in such a clip is as likely the shake as the
lifter, so a verdict must stand out from the clip's own noise before it is told without
"possibly".

The noise of a measure is read from the clip itself: the measure computed on the raw
landmarks minus the same measure on the smoothed ones is what the smoothing removed, frame by
frame; its robust spread (1.4826 x the median absolute deviation, the standard deviation for
Gaussian noise) is the measure's jitter in this clip, in the measure's own unit.
"""

from __future__ import annotations

import numpy as np

from formcheck.signals.measures import Body, compute_measures

MAD_TO_SIGMA = 1.4826
MIN_FRAMES = 10  # fewer finite residuals than this and the noise is unknown (NaN)


def robust_sigma(residual: np.ndarray) -> float:
    """1.4826 x the median absolute deviation of the finite values (NaN if too few)."""
    r = np.asarray(residual, dtype=float)
    r = r[np.isfinite(r)]
    if r.size < MIN_FRAMES:
        return float("nan")
    return float(MAD_TO_SIGMA * np.median(np.abs(r - np.median(r))))


def measure_noise(
    raw: Body, smoothed: dict[str, np.ndarray], names: list[str] | None = None
) -> dict[str, float]:
    """Measure name -> its jitter in this clip (its unit), for the measures in ``smoothed``
    (or ``names`` of them), from the same measures on the raw landmarks of ``raw``."""
    wanted = [n for n in (names or list(smoothed)) if n in smoothed]
    rough = compute_measures(raw, wanted)
    out = {}
    for name in wanted:
        diff = rough[name] - smoothed[name]
        if name.endswith("_deg"):  # directions: the short way round
            diff = 180.0 - np.mod(180.0 - diff, 360.0)
        out[name] = robust_sigma(diff)
    return out
