"""Smoothing of landmark tracks.

Offline analysis can look ahead, so it uses a zero-phase Butterworth low-pass (``filtfilt``):
no lag, so the bottom of a rep stays where it happened. Before it, a short running median
removes the pose model's glitches (a foot put on the other leg for two or three frames as the
legs pass each other) that a low-pass would only spread out. Gaps shorter than ``max_gap_s`` are
bridged by linear interpolation first (the filter cannot run through NaN); longer gaps stay
NaN, because inventing a second of motion would invent faults.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import butter, sosfiltfilt

from formcheck.types import PoseSequence


def fill_short_gaps(t: np.ndarray, x: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate NaN runs shorter than ``max_gap_s`` along axis 0 of ``x``."""
    x = np.array(x, dtype=float, copy=True)
    flat = x.reshape(len(x), -1)
    missing = np.isnan(flat).any(axis=1)
    if not missing.any() or missing.all():
        return x
    good = np.flatnonzero(~missing)
    # Each missing frame is filled only when the gap it sits in is short enough.
    prev_good = np.searchsorted(good, np.arange(len(x)), side="right") - 1
    next_good = prev_good + 1
    for i in np.flatnonzero(missing):
        p, n = prev_good[i], next_good[i]
        if p < 0 or n >= len(good):
            continue  # leading or trailing gap: nothing to interpolate between
        a, b = good[p], good[n]
        if t[b] - t[a] > max_gap_s:
            continue
        w = (t[i] - t[a]) / (t[b] - t[a])
        flat[i] = (1.0 - w) * flat[a] + w * flat[b]
    return flat.reshape(x.shape)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs in ``mask``."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(int)))
    return list(zip(edges[::2], edges[1::2]))


def zero_phase_lowpass(
    t: np.ndarray, x: np.ndarray, cutoff_hz: float = 4.0, order: int = 2
) -> np.ndarray:
    """Zero-phase low-pass of ``x`` (T, ...) sampled at times ``t``; NaN runs are kept.

    Each contiguous run of valid frames is filtered on its own. Runs too short for the
    filter's padding are left unfiltered rather than distorted.
    """
    x = np.asarray(x, dtype=float)
    if len(t) < 3:
        return x.copy()
    fs = 1.0 / float(np.median(np.diff(t)))
    if not np.isfinite(fs) or cutoff_hz >= 0.5 * fs:
        return x.copy()
    sos = butter(order, cutoff_hz, btype="low", fs=fs, output="sos")
    pad = 3 * (2 * len(sos) + 1)  # sosfiltfilt's default padlen
    out = x.copy()
    flat_in = x.reshape(len(x), -1)
    flat_out = out.reshape(len(x), -1)
    valid = ~np.isnan(flat_in).any(axis=1)
    for start, stop in _runs(valid):
        if stop - start > pad:
            flat_out[start:stop] = sosfiltfilt(sos, flat_in[start:stop], axis=0)
    return out


def running_median(t: np.ndarray, x: np.ndarray, window_s: float) -> np.ndarray:
    """Running median over ``window_s`` along axis 0, per run of valid frames (NaN kept)."""
    x = np.asarray(x, dtype=float)
    if len(t) < 3:
        return x.copy()
    size = int(round(window_s / float(np.median(np.diff(t))))) | 1  # odd, centred
    out = x.copy()
    flat_in, flat_out = x.reshape(len(x), -1), out.reshape(len(x), -1)
    valid = ~np.isnan(flat_in).any(axis=1)
    for start, stop in _runs(valid):
        if stop - start >= size:
            flat_out[start:stop] = median_filter(
                flat_in[start:stop], size=(size, 1), mode="nearest"
            )
    return out


def smooth_sequence(
    seq: PoseSequence,
    cutoff_hz: float = 4.0,
    max_gap_s: float = 0.3,
    median_s: float = 0.2,
) -> PoseSequence:
    """The offline smoothing stage: bridge short gaps, remove glitches, zero-phase low-pass.
    Each shot of an edited clip is smoothed on its own: across a cut the body jumps."""

    def clean(t: np.ndarray, x: np.ndarray) -> np.ndarray:
        filled = fill_short_gaps(t, x, max_gap_s)
        return zero_phase_lowpass(t, running_median(t, filled, median_s), cutoff_hz)

    def bridge(t: np.ndarray, x: np.ndarray) -> np.ndarray:
        return fill_short_gaps(t, x, max_gap_s)

    return PoseSequence(
        t=seq.t,
        image_xy=by_shot(seq, seq.image_xy, clean),
        world_xyz=by_shot(seq, seq.world_xyz, clean),
        visibility=by_shot(seq, seq.visibility, bridge),
        frame_size=seq.frame_size,
        shot_starts=seq.shot_starts,
    )


def by_shot(
    seq: PoseSequence,
    values: np.ndarray,
    stage: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """``stage(t, values)`` applied to each shot of ``seq`` separately, joined again."""
    shots = seq.shots()
    if len(shots) == 1:
        return stage(seq.t, values)
    return np.concatenate([stage(seq.t[shot], values[shot]) for shot in shots])
