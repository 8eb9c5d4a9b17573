"""Smoothing of landmark tracks.

Offline analysis can look ahead, so it uses a zero-phase Butterworth low-pass (``filtfilt``):
no lag, so the bottom of a rep stays where it happened. Before it, a short running median
removes the pose model's glitches (a foot put on the other leg for two or three frames as the
legs pass each other) that a low-pass would only spread out. Gaps shorter than ``max_gap_s`` are
bridged by linear interpolation first (the filter cannot run through NaN); longer gaps stay
NaN, because inventing a second of motion would invent faults.

Both filters count in frames, so they need evenly spaced frames. A variable-frame-rate phone
clip is not: it drops frames under load, leaving gaps of a tenth to a third of a second among
frames 1/30 s apart. There, each run of frames is resampled onto an even grid at the clip's
usual frame interval, filtered, and read back at the frames' own times; evenly spaced clips
are filtered as they are.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from formcheck.preload import library
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


# Frames whose intervals differ from the clip's usual one by more than this fraction are
# uneven (container timestamps are rounded: 30000/1001 fps in a 1/1000 time base varies ~3%).
UNEVEN_TOLERANCE = 0.25


def usual_step(t: np.ndarray) -> float:
    """The clip's usual frame interval in seconds (the median one)."""
    return float(np.median(np.diff(t)))


def uneven_frames(t: np.ndarray) -> bool:
    """Some frames are not ``usual_step`` apart (a variable-frame-rate clip's gaps)."""
    return len(t) > 2 and _uneven(t, usual_step(t))


def _uneven(t: np.ndarray, step: float) -> bool:
    dt = np.diff(t)
    return dt.size > 0 and bool(np.any(np.abs(dt - step) > UNEVEN_TOLERANCE * step))


def _evenly(
    t: np.ndarray, x: np.ndarray, step: float, stage: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """``stage`` (a filter counting in frames) applied to ``x`` (T, k) as if sampled every
    ``step`` seconds: on an even grid when ``t`` is uneven, read back at ``t``."""
    if not _uneven(t, step):
        return stage(x)
    grid = t[0] + step * np.arange(int(np.floor((t[-1] - t[0]) / step + 1e-9)) + 1)
    on_grid = np.column_stack([np.interp(grid, t, column) for column in x.T])
    filtered = stage(on_grid)
    return np.column_stack([np.interp(t, grid, column) for column in filtered.T])


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
    step = usual_step(t)
    fs = 1.0 / step
    if not np.isfinite(fs) or cutoff_hz >= 0.5 * fs:
        return x.copy()
    scipy_signal = library("scipy.signal")  # where used: see formcheck.preload
    sos = scipy_signal.butter(order, cutoff_hz, btype="low", fs=fs, output="sos")
    pad = 3 * (2 * len(sos) + 1)  # sosfiltfilt's default padlen
    out = x.copy()
    flat_in = x.reshape(len(x), -1)
    flat_out = out.reshape(len(x), -1)
    valid = ~np.isnan(flat_in).any(axis=1)

    def lowpass(values: np.ndarray) -> np.ndarray:
        if len(values) <= pad:  # too short for the filter's padding: left as it is
            return values
        return scipy_signal.sosfiltfilt(sos, values, axis=0)

    for start, stop in _runs(valid):
        if stop - start > pad:
            flat_out[start:stop] = _evenly(t[start:stop], flat_in[start:stop], step, lowpass)
    return out


def running_median(t: np.ndarray, x: np.ndarray, window_s: float) -> np.ndarray:
    """Running median over ``window_s`` along axis 0, per run of valid frames (NaN kept)."""
    x = np.asarray(x, dtype=float)
    if len(t) < 3:
        return x.copy()
    step = usual_step(t)
    size = int(round(window_s / step)) | 1  # odd, centred
    out = x.copy()
    flat_in, flat_out = x.reshape(len(x), -1), out.reshape(len(x), -1)
    valid = ~np.isnan(flat_in).any(axis=1)

    median_filter = library("scipy.ndimage").median_filter  # see formcheck.preload

    def median(values: np.ndarray) -> np.ndarray:
        return median_filter(values, size=(size, 1), mode="nearest")

    for start, stop in _runs(valid):
        if stop - start >= size:
            flat_out[start:stop] = _evenly(t[start:stop], flat_in[start:stop], step, median)
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
        # The trunk's outline moves with the body: smoothed over time like the landmarks, each
        # point on its own (an edge lost on one side must not unsmooth the rest).
        outline=None if seq.outline is None else by_shot(seq, seq.outline, per_column(clean)),
        outline_sharpness=(
            None if seq.outline_sharpness is None else by_shot(seq, seq.outline_sharpness, bridge)
        ),
    )


def per_column(
    stage: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``stage`` applied to each column of (T, ...) values on its own: its valid runs are
    each column's, not the frames where every column is valid."""

    def each(t: np.ndarray, x: np.ndarray) -> np.ndarray:
        flat = np.asarray(x, dtype=float).reshape(len(x), -1)
        out = np.column_stack([stage(t, flat[:, j]) for j in range(flat.shape[1])])
        return out.reshape(np.shape(x))

    return each


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
