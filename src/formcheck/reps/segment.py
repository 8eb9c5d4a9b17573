"""Offline rep segmentation on a smoothed rep signal (e.g. trunk inclination).

A rep is one excursion of the signal away from the top and back: found as a peak with enough
prominence (scipy's ``find_peaks``), then walked outward to where the signal leaves and
regains the top. Prominence and a minimum duration give the hysteresis that keeps a wobble at
the bottom from counting twice; excursions that never return to the top (the clip ends) are
not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from formcheck.preload import library
from formcheck.reps.settings import RepSettings
from formcheck.signals.filters import fill_short_gaps


@dataclass(frozen=True)
class RepWindow:
    """Frame indices of one rep's landmarks in time (all inclusive)."""

    start: int  # leaves the top
    reach: int  # first reaches the bottom zone
    bottom: int  # deepest frame
    leave: int  # last frame in the bottom zone
    end: int  # back at the top
    lockout_end: int  # end of the finish window
    top_level: float
    depth: float
    from_start: bool = False  # began before the clip did, at the bottom: no descent seen

    def frames(self, phase: str, t: np.ndarray) -> slice:
        """The frames of a named phase: rep, descent, early_descent, bottom, ascent, lockout."""
        if phase == "rep":
            return slice(self.start, self.end + 1)
        if phase == "descent":
            return slice(self.start, self.reach + 1)
        if phase == "early_descent":
            return slice(self.start, self.start + max(1, (self.reach - self.start) // 2) + 1)
        if phase == "bottom":
            lo = int(np.searchsorted(t, t[self.reach] - 0.2))
            hi = int(np.searchsorted(t, t[self.leave] + 0.2, side="right"))
            return slice(max(lo, self.start), min(hi, self.end + 1))
        if phase == "ascent":
            return slice(self.leave, self.end + 1)
        if phase == "lockout":
            lo = int(np.searchsorted(t, t[self.end] - 0.3))
            return slice(max(lo, self.leave), self.lockout_end + 1)
        raise ValueError(f"unknown rep phase {phase!r}")

    def shifted(self, offset: int) -> RepWindow:
        """The same rep with every frame index moved by ``offset``."""
        frames = ("start", "reach", "bottom", "leave", "end", "lockout_end")
        return replace(self, **{name: getattr(self, name) + offset for name in frames})

    def phase_frames(self, phases: tuple[str, ...], t: np.ndarray) -> np.ndarray:
        """Sorted frame indices covered by any of the named phases."""
        index = np.arange(len(t))
        return np.unique(np.concatenate([index[self.frames(p, t)] for p in phases]))


# The top is the typical level of the frames resting near the lowest one, not that single
# frame: on a noisy signal (a kickback's 3D leg angle seen from the front) the lowest frame
# of a long lead-in sits several degrees under the resting level, and a rep measured from it
# would start seconds early, at the last frame noise took that low.
REST_BAND = 0.1  # frames within this fraction of the range above the lowest are at rest


def _rest_level(x: np.ndarray, lowest: float, depth: float) -> float:
    """The resting (top) level of a stretch ``x`` whose lowest frame is ``lowest``, beside a
    peak of ``depth``."""
    return float(np.median(x[x <= lowest + REST_BAND * (depth - lowest)]))


# A clip (or shot) that opens already moving down holds the end of a rep that began before
# it: the lifter was not seen leaving the top, or resting on the floor before a pull. Moving
# means going this fraction of the rep's amplitude deeper within OPEN_S of the first frame.
OPEN_MOVING_FRACTION = 0.25
OPEN_S = 0.3


def _opens_moving_down(t: np.ndarray, x: np.ndarray, first: int, amp: float) -> bool:
    """The signal, from the shot's first seen frame, goes deeper by OPEN_MOVING_FRACTION of
    ``amp`` within OPEN_S: the clip opened in the middle of a descent."""
    stop = int(np.searchsorted(t, t[first] + OPEN_S, side="right"))
    opening = x[first:stop]
    if not np.isfinite(opening).any() or not np.isfinite(x[first]):
        return False
    return float(np.nanmax(opening) - x[first]) > OPEN_MOVING_FRACTION * amp


def _last_at_or_below(x: np.ndarray, level: float, before: int, floor: int) -> int | None:
    idx = np.flatnonzero(x[floor : before + 1] <= level)
    return floor + int(idx[-1]) if idx.size else None


def _first_at_or_below(x: np.ndarray, level: float, after: int, ceil: int) -> int | None:
    idx = np.flatnonzero(x[after : ceil + 1] <= level)
    return after + int(idx[0]) if idx.size else None


def segment_reps(t: np.ndarray, signal: np.ndarray, settings: RepSettings) -> list[RepWindow]:
    """Reps found in ``signal`` (T,), larger = deeper. NaN frames never start or end a rep."""
    x = np.asarray(signal, dtype=float)
    valid = np.isfinite(x)
    if valid.sum() < 3:
        return []
    filled = np.where(valid, x, -np.inf)  # a gap cannot be a peak or a top
    dt = float(np.median(np.diff(t)))
    peaks, props = library("scipy.signal").find_peaks(
        np.where(valid, x, np.nanmin(x)),
        height=settings.min_depth,
        prominence=settings.min_amplitude,
        distance=max(1, int(round(settings.min_duration_s / 2 / dt))),
    )
    reps: list[RepWindow] = []
    floor = 0
    for k, peak in enumerate(peaks):
        next_peak = peaks[k + 1] if k + 1 < len(peaks) else len(x) - 1
        depth = x[peak]
        # Whether this is a rep (amplitude, duration) is judged from the lowest frames on
        # either side, as the hysteresis was tuned; when it started and ended, from the
        # resting level, so noise in a long lead-in does not move the start back into it.
        lowest_before = np.nanmin(np.where(valid[floor : peak + 1], x[floor : peak + 1], np.inf))
        lowest_after = np.nanmin(
            np.where(valid[peak : next_peak + 1], x[peak : next_peak + 1], np.inf)
        )
        amp_before, amp_after = depth - lowest_before, depth - lowest_after
        if min(amp_before, amp_after) < settings.min_amplitude:
            continue  # never came back up (clip ends mid-rep) or a wobble, not a rep
        gate_start = _last_at_or_below(
            filled, lowest_before + settings.edge_fraction * amp_before, peak, floor
        )
        gate_end = _first_at_or_below(
            filled, lowest_after + settings.edge_fraction * amp_after, peak, next_peak
        )
        if gate_start is None or gate_end is None:
            continue
        duration = t[gate_end] - t[gate_start]
        if not (settings.min_duration_s <= duration <= settings.max_duration_s):
            continue
        top_before = _rest_level(x[floor : peak + 1], lowest_before, depth)
        top_after = _rest_level(x[peak : next_peak + 1], lowest_after, depth)
        if max(top_before, top_after) >= settings.min_depth:
            continue  # never stood up in between: a shift at the bottom (setting up), not a rep
        # Never None: the gate frames already lie at or below these (higher) levels.
        start = _last_at_or_below(
            filled, top_before + settings.edge_fraction * (depth - top_before), peak, gate_start
        )
        end = _first_at_or_below(
            filled, top_after + settings.edge_fraction * (depth - top_after), peak, gate_end
        )
        assert start is not None and end is not None
        first_seen = int(np.flatnonzero(valid)[0])
        opened = t[start] - t[first_seen] <= OPEN_S
        if opened and _opens_moving_down(t, x, first_seen, depth - x[first_seen]):
            floor = end
            continue  # began before the clip: a partial rep, not counted
        zone = depth - (1 - settings.reach_fraction) * min(amp_before, amp_after)
        in_zone = np.flatnonzero(filled[start : end + 1] >= zone) + start
        lockout_limit = t[end] + settings.lockout_s
        lockout_end = min(int(np.searchsorted(t, lockout_limit, side="right")) - 1, next_peak)
        reps.append(
            RepWindow(
                start=int(start),
                reach=int(in_zone[0]),
                bottom=int(peak),
                leave=int(in_zone[-1]),
                end=int(end),
                lockout_end=int(max(lockout_end, end)),
                top_level=float(top_before),
                depth=float(depth),
            )
        )
        floor = end
    if settings.count_lift_from_start:
        first = _lift_from_start(t, x, valid, settings, reps[0].start if reps else len(x) - 1)
        if first is not None:
            reps.insert(0, first)
    return reps


def segment_shots(
    t: np.ndarray,
    signal: np.ndarray,
    settings: RepSettings,
    shots: list[slice],
    max_gap_s: float,
) -> list[RepWindow]:
    """Reps of an edited clip: each shot segmented on its own, after bridging its gaps up to
    ``max_gap_s``, so no rep spans a cut. A shot that opens at the bottom of a deadlift
    holds a lift, as a clip that does. Frame indices are the whole clip's."""
    reps: list[RepWindow] = []
    for shot in shots:
        t_shot = t[shot]
        bridged = fill_short_gaps(t_shot, signal[shot], max_gap_s)
        reps.extend(w.shifted(shot.start) for w in segment_reps(t_shot, bridged, settings))
    return reps


def _lift_from_start(
    t: np.ndarray, x: np.ndarray, valid: np.ndarray, settings: RepSettings, limit: int
) -> RepWindow | None:
    """A rep whose descent happened before the clip: it opens deep and stands up before
    ``limit`` (the next rep's start). Standing up means finishing shallower than a rep must
    reach (``min_depth``), as the live counter ends such a lift: a pull that stops half-way
    (bar at the knees, no lockout) is not a lift, though it rose as far as a rep falls."""
    seen = np.flatnonzero(valid[: limit + 1])
    if seen.size < 3:
        return None
    first = int(seen[0])
    dt = float(np.median(np.diff(t)))
    opening = x[first : first + max(1, int(round(0.2 / dt)))]
    part = np.where(valid[first : limit + 1], x[first : limit + 1], np.nan)
    top = float(np.nanmin(part))
    if not np.isfinite(opening).any() or np.nanmedian(opening) < settings.min_depth:
        return None
    peak = first + int(np.nanargmax(part[: int(np.nanargmin(part)) + 1]))
    depth = float(x[peak])
    amp = depth - top
    if amp < settings.min_amplitude or top >= settings.min_depth:
        return None
    if _opens_moving_down(t, x, first, amp):
        return None  # opened on the way down: the end of a rep that began before the clip
    filled = np.where(valid, x, -np.inf)
    end = _first_at_or_below(filled, top + settings.edge_fraction * amp, peak, limit)
    if end is None or t[end] - t[first] < settings.min_duration_s / 2:
        return None
    zone = depth - (1 - settings.reach_fraction) * amp
    in_zone = np.flatnonzero(filled[first : end + 1] >= zone) + first
    lockout_end = min(int(np.searchsorted(t, t[end] + settings.lockout_s, side="right")) - 1, limit)
    return RepWindow(
        start=first,
        reach=first,
        bottom=peak,
        leave=int(in_zone[-1]) if in_zone.size else peak,
        end=int(end),
        lockout_end=int(max(lockout_end, end)),
        top_level=top,
        depth=depth,
        from_start=True,
    )
