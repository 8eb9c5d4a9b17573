"""Per-rep scalars: depth and tempo for the report, and the measures some rules judge once per
rep rather than frame by frame (how the descent started, how the bottom was turned)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from formcheck.reps.segment import RepWindow
from formcheck.signals import geometry as g
from formcheck.signals.filters import uneven_frames
from formcheck.signals.measures import Body
from formcheck.units import REP_MEASURE_UNITS  # noqa: F401 (its old home: live.engine)

# The free foot counts as down when its lowest point is within this many leg lengths (~2 cm)
# of the standing sole. On a rendered touch-down MediaPipe put the rear foot, resting on its
# toes, 0.14 leg lengths up: inside the heights a clean free foot passes through early in a
# rep, so a higher bar raised false alarms on clean reps (docs/accuracy.md).
FOOT_DOWN_HEIGHT = 0.02
FOOT_HOLD_S = 0.3
MIN_FOOT_VISIBILITY = 0.5
DEEP_FRACTION = 0.3  # of the rep's depth: below it the free foot may be near the floor
# A hold is timed within this fraction of the rep's range from its peak: wider than the
# bottom zone (10%) because a leg held still, seen from its far side, wanders 4-8 deg of a
# 75 deg kickback in the pose model's depth; at 25% held and unheld reps part in every view
# (kinematic builder, seeds 0-5: 0.5 s holds 1.00-1.33 s, no hold 0.30-0.50 s; rendered
# clips through MediaPipe: clean 0.73-1.67 s, rushed 0.43 s).
HOLD_FRACTION = 0.25

# Per-rep scalars that are one frame's reading of a per-frame measure: they are as noisy as it.
REP_MEASURE_BASIS = {
    "depth_deg": "trunk_inclination_deg",
    "bottom_rebound_deg": "trunk_inclination_deg",
    "top_trunk_deg": "trunk_inclination_deg",
}
# The trunk "stops" when it turns slower than this, for at least STALL_S.
STALL_DEG_PER_S = 15.0
STALL_S = 0.2
# A knee that bends less than this in a rep has no extension order worth judging.
MIN_KNEE_RANGE_DEG = 12.0


def _dip_depth(x: np.ndarray) -> tuple[float, int]:
    """Largest dip between two higher points (how far the signal fell and came back)."""
    finite = np.flatnonzero(np.isfinite(x))
    if finite.size < 3:
        return float("nan"), 0
    # Judge only what was seen: a gap is not a dip.
    x = np.interp(np.arange(x.size), finite, x[finite])
    left = np.maximum.accumulate(x)
    right = np.maximum.accumulate(x[::-1])[::-1]
    dip = np.minimum(left, right) - x
    i = int(np.argmax(dip))
    return float(dip[i]), i


def rep_measures(
    w: RepWindow,
    t: np.ndarray,
    signal: np.ndarray,
    body: Body,
    measures: Mapping[str, np.ndarray],
) -> dict[str, tuple[float, int]]:
    """name -> (value, frame where it is best shown). ``measures`` are the clip's per-frame
    measures (``compute_measures``), read here rather than computed again for every rep."""
    # A lift that began before the clip (from the floor) shows no descent and no whole pause.
    unseen = float("nan")
    trunk = measures["trunk_inclination_deg"]
    # The rep signal's units are the exercise's (a fraction of the body lowered, a leg's
    # angle); depth is told in the trunk's degrees, which a lifter knows.
    out: dict[str, tuple[float, int]] = {
        "depth_deg": peak_between(trunk, w.start, w.end),
        "descent_s": (unseen if w.from_start else t[w.reach] - t[w.start], w.reach),
        "pause_s": (unseen if w.from_start else t[w.leave] - t[w.reach], w.bottom),
        "ascent_s": (t[w.end] - t[w.leave], w.leave),
    }
    out["hold_s"] = _hold(w, t, signal)
    rebound, i = _dip_depth(trunk[w.reach : w.leave + 1])
    out["bottom_rebound_deg"] = (rebound, w.reach + i)
    out["hip_back_ratio"] = _hip_back_ratio(w, signal, body)
    out["free_foot_down_s"] = _free_foot_down(w, t, signal, body, measures["free_foot_height"])
    out["standing_foot_travel"] = _standing_foot_travel(w, t, body)
    out["return_to_push"] = _return_to_push(w, t, signal)
    out["knee_lead_on_ascent"] = _knee_lead_on_ascent(
        w, measures["standing_knee_flexion_deg"], trunk
    )
    out["bell_height"] = peak_between(measures["bell_height"], w.leave, w.lockout_end)
    with np.errstate(invalid="ignore"):
        rising = -np.gradient(trunk, t)  # the trunk comes up: the hips extend
    out["hip_snap_deg_per_s"] = peak_between(rising, w.leave, w.end)
    out["top_trunk_deg"] = _top_trunk(w, t, trunk, rising)
    out["toe_wander"] = _toe_wander(w, body)
    # How much of the rep the back's outline could be trusted in (signals.back): the back
    # rules judge a rep only on a back they could see.
    seen = measures.get("back_outline_seen")
    out["outline_seen"] = (
        (float(np.mean(seen[w.start : w.end + 1])), w.bottom)
        if seen is not None
        else (np.nan, w.bottom)
    )
    return out


def _hold(w: RepWindow, t: np.ndarray, signal: np.ndarray) -> tuple[float, int]:
    """How long the signal stays near its peak: first to last frame of the rep within
    HOLD_FRACTION of its range from the deepest point."""
    if w.from_start:
        return float("nan"), w.bottom  # the hold may have begun before the clip
    near = signal[w.start : w.end + 1] >= w.depth - HOLD_FRACTION * (w.depth - w.top_level)
    idx = np.flatnonzero(near) + w.start
    if not idx.size:  # the peak fell in a gap the segmenter bridged: nothing seen to time
        return float("nan"), w.bottom
    return float(t[idx[-1]] - t[idx[0]]), w.bottom


def _crossing_time(t: np.ndarray, x: np.ndarray, level: float, first: bool) -> float:
    idx = np.flatnonzero(x >= level)
    if not idx.size:
        return float("nan")
    return float(t[idx[0]] if first else t[idx[-1]])


def _return_to_push(w: RepWindow, t: np.ndarray, signal: np.ndarray) -> tuple[float, int]:
    """Time to travel the middle of the range (20% to 80%) on the way back, divided by the
    same on the way out. The middle, because a hold at full range and a slow approach to it
    blur where the ends are; a return that is not resisted is fast through the middle."""
    x, tt = signal[w.start : w.end + 1], t[w.start : w.end + 1]
    k = w.bottom - w.start
    amp = w.depth - w.top_level
    lo, hi = w.top_level + 0.2 * amp, w.top_level + 0.8 * amp
    push = _crossing_time(tt[: k + 1], x[: k + 1], hi, True) - _crossing_time(
        tt[: k + 1], x[: k + 1], lo, True
    )
    back = _crossing_time(tt[k:], -x[k:], -lo, True) - _crossing_time(tt[k:], -x[k:], -hi, True)
    if not (np.isfinite(push) and np.isfinite(back)) or push <= 0:
        return float("nan"), w.bottom
    return float(back / push), w.leave


def _top_trunk(
    w: RepWindow, t: np.ndarray, trunk: np.ndarray, rising: np.ndarray
) -> tuple[float, int]:
    """Where the lifter stopped standing up: the trunk's inclination at the first hold (the
    trunk still for ``STALL_S``) in the upper half of the way up, or the most upright point
    of the finish if there was no hold. A finished lift holds near vertical; an unfinished
    one stops with the trunk still forward, even if it straightens later, between reps."""
    # Halfway between the rep's most upright and deepest trunk (a pull from the floor starts
    # at the bottom, so its first frame is no top).
    top = -peak_between(-trunk, w.start, w.lockout_end)[0]
    halfway = top + 0.5 * (peak_between(trunk, w.start, w.end)[0] - top)
    part = slice(w.leave, w.lockout_end + 1)
    still = (np.abs(rising[part]) < STALL_DEG_PER_S) & (trunk[part] < halfway)
    need = max(1, int(round(STALL_S / float(np.median(np.diff(t))))))
    run = 0
    for i, flag in enumerate(still):
        run = run + 1 if flag else 0
        if run >= need:
            first = w.leave + i - need + 1
            return float(np.nanmedian(trunk[first : w.leave + i + 1])), first
    return _lowest(trunk, w.end, w.lockout_end)


def _lowest(x: np.ndarray, lo: int, hi: int) -> tuple[float, int]:
    value, i = peak_between(-x, lo, hi)
    return -value, i


def peak_between(x: np.ndarray, lo: int, hi: int) -> tuple[float, int]:
    """The highest finite value of ``x`` in frames ``lo..hi`` and its frame (NaN, ``lo`` if
    none was seen)."""
    part = x[lo : hi + 1]
    if not np.isfinite(part).any():
        return float("nan"), lo
    i = int(np.nanargmax(part))
    return float(part[i]), lo + i


def _knee_lead_on_ascent(
    w: RepWindow, knee_flexion: np.ndarray, trunk_inclination: np.ndarray
) -> tuple[float, int]:
    """On the way up, how far the knees' straightening runs ahead of the trunk's rise: the
    largest gap between the two progress fractions (0 = together, 1 = knees straight before
    the trunk moves, the hips shooting up first)."""
    # From the deepest frame, not from leaving the bottom zone: when the hips shoot up the
    # trunk stays down while the knees straighten, so the zone lasts through the fault.
    knee = knee_flexion[w.bottom : w.end + 1]
    trunk = trunk_inclination[w.bottom : w.end + 1]
    if not (np.isfinite(knee).mean() > 0.5 and np.isfinite(trunk).mean() > 0.5):
        return float("nan"), w.bottom
    k_hi, k_lo = np.nanmax(knee[: max(1, len(knee) // 4)]), np.nanmin(knee)
    t_hi, t_lo = np.nanmax(trunk[: max(1, len(trunk) // 4)]), np.nanmin(trunk)
    if k_hi - k_lo < MIN_KNEE_RANGE_DEG or t_hi - t_lo <= 0:
        return float("nan"), w.bottom
    knee_done = np.clip((k_hi - knee) / (k_hi - k_lo), 0, 1)
    trunk_done = np.clip((t_hi - trunk) / (t_hi - t_lo), 0, 1)
    lead = knee_done - trunk_done
    i = int(np.nanargmax(lead))
    return float(lead[i]), w.bottom + i


def _hip_back_ratio(w: RepWindow, signal: np.ndarray, body: Body) -> tuple[float, int]:
    """Early in the descent, backward hip travel divided by the shoulders' drop (image).

    A hinge starts at the hip crease: the hips slide back while the chest lowers. Dropping the
    chest over still hips gives a ratio near zero.
    """
    halfway = w.top_level + 0.5 * (w.depth - w.top_level)
    reached = np.flatnonzero(signal[w.start : w.bottom + 1] >= halfway)
    if reached.size == 0:
        return float("nan"), w.start
    k = w.start + int(reached[0])
    hip = body.mid(body.px, "hip")
    shoulder = body.mid(body.px, "shoulder")
    back = -body.facing * (hip[k, 0] - hip[w.start, 0])
    drop = shoulder[k, 1] - shoulder[w.start, 1]
    if not np.isfinite(back) or not np.isfinite(drop) or drop <= 1.0:
        return float("nan"), k
    return float(back / drop), k


def _free_foot_down(
    w: RepWindow, t: np.ndarray, signal: np.ndarray, body: Body, foot_height: np.ndarray
) -> tuple[float, int]:
    """Seconds the free foot is on the floor while the lifter is into the rep (a tap
    between reps is allowed, and the legs pass each other near the top, where the pose
    model can mistake one foot for the other, so the top of the rep does not count)."""
    deep = signal[w.start : w.end + 1] >= w.top_level + DEEP_FRACTION * (w.depth - w.top_level)
    height = foot_height[w.start : w.end + 1]
    # A free foot hidden behind the body (a front view at the bottom) is the pose model's
    # guess: it cannot show a touch-down.
    seen = (
        np.min(
            [body.free(body.seq.visibility[:, :, None], p)[:, 0] for p in ("ankle", "foot_index")],
            axis=0,
        )[w.start : w.end + 1]
        >= MIN_FOOT_VISIBILITY
    )
    down = deep & seen & (height < FOOT_DOWN_HEIGHT)
    if not np.isfinite(height[deep]).any():
        return float("nan"), w.bottom
    dt = float(np.median(np.diff(t)))
    frame = w.start + int(np.argmax(down)) if down.any() else w.bottom
    if uneven_frames(t):  # variable frame rate: a frame lasts until the next one
        return float(_seconds_of(down, t[w.start : w.end + 1], dt)), frame
    return float(down.sum() * dt), frame


def _seconds_of(flags: np.ndarray, t: np.ndarray, step: float) -> float:
    """How long ``flags`` held, on frames at uneven times ``t``: a flagged frame lasts until
    the next frame if that is flagged too (nothing happened in between that was seen), else
    one usual frame interval ``step``."""
    lasts = np.where(flags & np.append(flags[1:], False), np.append(np.diff(t), step), step)
    return float(lasts[flags].sum())


def _standing_foot_travel(w: RepWindow, t: np.ndarray, body: Body) -> tuple[float, int]:
    """How far the standing foot ended the rep from where it began it (medians over
    ``FOOT_HOLD_S`` at each end). Comparing the ends, not the worst frame, because when the
    free leg swings past, the pose model can put the standing foot on the wrong leg for a
    few frames; a foot that really slid stays where it slid to."""
    foot = np.mean([body.stand(body.px, p) for p in ("ankle", "heel", "foot_index")], axis=0)
    step = float(np.median(np.diff(t)))
    hold = max(1, int(round(FOOT_HOLD_S / step)))
    first, last = w.start + hold, w.lockout_end + 1 - hold
    start = w.start
    if uneven_frames(t):
        # Variable frame rate: the same time span, not the same number of frames; and a
        # dropped stretch can leave the rep's first moments to a frame or two, so the
        # standing before the rep (the foot is planted then too) counts as well.
        span = (hold - 0.5) * step
        start = int(np.searchsorted(t, t[w.start] - span, side="left"))
        first = int(np.searchsorted(t, t[w.start] + span / 2, side="left"))
        last = int(np.searchsorted(t, t[w.lockout_end] - span, side="right"))
    before = _nanmedian(foot[start : max(first, w.start + 1)])
    after = _nanmedian(foot[max(w.start, min(last, w.lockout_end)) : w.lockout_end + 1])
    travel = float(g.norm(after - before) / body.leg_length_px())
    return travel, w.end


def _nanmedian(points: np.ndarray) -> np.ndarray:
    """Per-column median ignoring NaN; NaN (without numpy's warning) where a column has none."""
    if not np.isfinite(points).any():
        return np.full(points.shape[1:], np.nan)
    return np.nanmedian(points, axis=0)


def _toe_wander(w: RepWindow, body: Body) -> tuple[float, int]:
    """Furthest the standing (two-footed lifts: near) foot's toes strayed from their median
    place during the rep, in leg lengths. The toes stay planted in every hinge the sources
    teach, so this measures how well the pose model follows the foot, not the lifter: 0.01-0.07
    on every rendered rep, 0.2-0.9 when a barbell's plates hide the feet (docs/evaluation.md)."""
    toe = body.stand(body.px, "foot_index")[w.start : w.end + 1]
    if not np.isfinite(toe).all(axis=1).any():
        return float("nan"), w.bottom
    dist = g.norm(toe - np.nanmedian(toe, axis=0)) / body.leg_length_px()
    i = int(np.nanargmax(dist))
    return float(dist[i]), w.start + i
