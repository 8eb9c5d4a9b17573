"""Which overlay state each frame shows: rep count, phase, joint angles and fault banners.

Everything is precomputed into per-frame arrays once, so the per-frame lookup while rendering a
long clip is a few array reads.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from formcheck.pose.landmarks import Landmark
from formcheck.render.overlay import OverlayState
from formcheck.types import Fault, Report

BOTTOM_WINDOW_S = 0.15  # "bottom" is shown this long either side of a rep's bottom frame
TIME_TOLERANCE_S = 1e-6  # frame times are sums of floats: a time on a boundary is on it
PHASES = ("setup", "descent", "bottom", "ascent", "top")
SETUP, DESCENT, BOTTOM, ASCENT, TOP = range(len(PHASES))


def overlay_anchor(anchor: str, standing: str) -> int:
    """The landmark an exercise's overlay angle is written beside: ``anchor`` names a role
    and a joint ("standing_knee", "free_hip", "mid_shoulder", "bell_wrist"), resolved with
    the standing (or near-camera) side; "mid" and the bell draw on the left / standing side."""
    free = "right" if standing == "left" else "left"
    side_of = {"standing": standing, "free": free, "mid": "left", "bell": standing}
    role, part = anchor.split("_", 1)
    return int(Landmark[f"{side_of[role]}_{part}".upper()])


def build_timeline(
    report: Report,
    t: np.ndarray,
    angle_series: dict[str, tuple[np.ndarray, int]],
    *,
    hold_s: float = 2.5,
) -> Callable[[int], OverlayState]:
    """Return ``state_at(frame_index) -> OverlayState`` for a clip with frame times ``t``.

    ``angle_series`` maps a label to ((T,) degrees, landmark index to anchor it at). A frame
    index outside the clip is clamped to its first or last frame.
    """
    t = np.asarray(t, dtype=float)
    n = len(t)
    if n == 0:
        raise ValueError("build_timeline needs at least one frame time")
    for label, (degrees, _) in angle_series.items():
        if np.shape(degrees) != (n,):
            raise ValueError(
                f"angle series {label!r} has shape {np.shape(degrees)}, expected {(n,)}"
            )

    rep_count = _rep_counts(report, n)
    phase = _phases(report, t)
    fault_segment, fault_states = _fault_segments(report, t, hold_s)
    angles = [
        (label, np.asarray(deg, dtype=float), int(anchor))
        for label, (deg, anchor) in angle_series.items()
    ]
    view = f"{report.view} view" if report.view else ""

    def state_at(frame: int) -> OverlayState:
        i = min(max(int(frame), 0), n - 1)
        banners, highlight = fault_states[fault_segment[i]]
        return OverlayState(
            exercise=report.exercise,
            rep_count=int(rep_count[i]),
            phase=PHASES[phase[i]],
            angles=tuple(
                (label, float(deg[i]), anchor)
                for label, deg, anchor in angles
                if np.isfinite(deg[i])
            ),
            banners=banners,
            highlight=highlight,
            view=view,
        )

    return state_at


def _rep_counts(report: Report, n: int) -> np.ndarray:
    """(T,) the rep each frame shows: the one in progress from its start frame on (rep 2
    reads 2 while it happens), the last one between reps, 0 before the first."""
    starts = np.sort([rep.start_frame for rep in report.reps]).astype(int)
    return np.searchsorted(starts, np.arange(n), side="right")


def _phases(report: Report, t: np.ndarray) -> np.ndarray:
    """(T,) indices into PHASES: "setup" before the first rep, "top" between and after reps."""
    n = len(t)
    phase = np.full(n, TOP if report.reps else SETUP, dtype=np.int8)
    if report.reps:
        phase[: max(0, min(rep.start_frame for rep in report.reps))] = SETUP
    for rep in sorted(report.reps, key=lambda r: r.start_frame):
        start, bottom, end = (
            _clamp(f, n) for f in (rep.start_frame, rep.bottom_frame, rep.end_frame)
        )
        phase[start:bottom] = DESCENT
        phase[bottom:end] = ASCENT
        bottom_t = t[bottom]
        lo = int(np.searchsorted(t, bottom_t - BOTTOM_WINDOW_S - TIME_TOLERANCE_S, side="left"))
        hi = int(np.searchsorted(t, bottom_t + BOTTOM_WINDOW_S + TIME_TOLERANCE_S, side="right"))
        # The window stays inside the rep, so it never hides the top between reps.
        lo, hi = max(lo, start), min(hi, end)
        phase[lo:hi] = BOTTOM
    return phase


def _fault_segments(
    report: Report, t: np.ndarray, hold_s: float
) -> tuple[np.ndarray, list[tuple[tuple[str, ...], frozenset[int]]]]:
    """Per-frame index into a list of (banners, highlighted joints), one entry per stretch of
    frames with the same active faults.

    A fault is active from its onset frame for at least ``hold_s`` seconds (so it can be read)
    and until its rep's end frame if that is later.
    """
    n = len(t)
    intervals: list[tuple[int, int, Fault]] = []  # [first, stop) frames
    for rep in report.reps:
        for fault in rep.faults:
            first = _clamp(fault.onset_frame, n)
            held = int(np.searchsorted(t, t[first] + hold_s - TIME_TOLERANCE_S, side="left"))
            stop = min(n, max(held, first + 1, rep.end_frame + 1))
            intervals.append((first, stop, fault))

    bounds = np.unique([0, n, *(f for f, _, _ in intervals), *(s for _, s, _ in intervals)])
    states = []
    for lo in bounds[:-1]:
        active = sorted(
            (fault for first, stop, fault in intervals if first <= lo < stop),
            key=lambda fault: fault.onset_frame,
            reverse=True,  # most recent first
        )
        states.append(_fault_state(active))
    segment = np.searchsorted(bounds, np.arange(n), side="right") - 1
    return segment, states


def _fault_state(active: list[Fault]) -> tuple[tuple[str, ...], frozenset[int]]:
    banners = tuple(dict.fromkeys(banner_text(fault) for fault in active))
    joints = frozenset(
        int(Landmark[name.upper()])
        for fault in active
        for name in fault.joints
        if name.upper() in Landmark.__members__  # an unknown name must not stop the render
    )
    return banners, joints


def banner_text(fault: Fault) -> str:
    """What the video and the live window say of a fault: its whole message (what went
    wrong, then how to fix it), flagged when the rule is unreliable (low confidence)."""
    return f"Possibly: {fault.message}" if fault.confidence == "low" else fault.message


def first_sentence(message: str) -> str:
    head, dot, _ = message.partition(". ")
    return head + "." if dot else message


def _clamp(frame: int, n: int) -> int:
    return min(max(int(frame), 0), n - 1)
