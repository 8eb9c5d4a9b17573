"""Rep timelines for the exercise builders: a set is a list of phases, each frame gets a hinge
progress ``s`` (0 standing, 1 at the bottom), its rep, its phase and how far into the phase it
is. The phase names and their order follow tools/synth's timelines, so a builder's reps last
as long as the rendered clips' do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np


def min_jerk(u: np.ndarray | float) -> np.ndarray:
    """0 -> 1 over u in [0, 1] with zero velocity and acceleration at both ends."""
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    return u**3 * (10.0 - 15.0 * u + 6.0 * u**2)


@dataclass(frozen=True)
class Phase:
    name: str
    dur: float
    s0: float
    s1: float
    rep: int = -1  # -1: between reps


@dataclass(frozen=True)
class Frames:
    """Per-frame arrays of a timeline (all (N,))."""

    t: np.ndarray
    s: np.ndarray  # hinge progress
    rep: np.ndarray  # rep index, -1 between reps
    phase: np.ndarray  # phase name
    u: np.ndarray  # progress within the phase, 0 -> 1
    start: np.ndarray  # start time of the frame's phase


@dataclass
class Timeline:
    fps: float
    phases: list[Phase] = field(default_factory=list)

    def add(self, name: str, dur: float, s0: float, s1: float, rep: int = -1) -> None:
        if dur <= 0:
            raise ValueError(f"phase {name!r} needs a positive duration, got {dur}")
        self.phases.append(Phase(name, float(dur), s0, s1, rep))

    @property
    def duration(self) -> float:
        return sum(p.dur for p in self.phases)

    def frames(self) -> Frames:
        n = int(round(self.duration * self.fps))
        t = np.arange(n) / self.fps
        s, u, start = np.zeros(n), np.zeros(n), np.zeros(n)
        rep = np.full(n, -1)
        phase = np.full(n, "", dtype=object)
        t0 = 0.0
        for p in self.phases:
            m = (t >= t0 - 1e-9) & (t < t0 + p.dur - 1e-9)
            uu = (t[m] - t0) / p.dur
            s[m] = p.s0 + (p.s1 - p.s0) * min_jerk(uu)
            rep[m], u[m], phase[m], start[m] = p.rep, uu, p.name, t0
            t0 += p.dur
        return Frames(t=t, s=s, rep=rep, phase=phase, u=u, start=start)

    def rep_times(self) -> list[tuple[float, float, float]]:
        """(start, bottom, end) per rep: the rep's first phase starts, its descent ends (the
        first arrival at s = 1), its last phase ends."""
        out: dict[int, list[float]] = {}
        t0 = 0.0
        for p in self.phases:
            if p.rep >= 0:
                r = out.setdefault(p.rep, [t0, np.nan, t0])
                if p.name == "descent" and p.s1 >= 1.0 and np.isnan(r[1]):
                    r[1] = t0 + p.dur
                r[2] = t0 + p.dur
            t0 += p.dur
        return [tuple(out[k]) for k in sorted(out)]  # type: ignore[misc]


def rep_faults(
    reps: int,
    fault: str | None,
    magnitude: float | None,
    fault_reps: Sequence[int] | None,
    faults: Mapping[str, tuple[float, str]],
) -> list[tuple[str | None, float | None]]:
    """(fault, magnitude) per rep, checking the arguments the way every builder does."""
    if fault is not None and fault not in faults:
        raise ValueError(f"unknown fault {fault!r}; faults are {', '.join(faults)}")
    if reps < 1:
        raise ValueError(f"reps={reps} must be at least 1")
    chosen = set(range(reps)) if fault_reps is None else {int(i) for i in fault_reps}
    bad = sorted(i for i in chosen if not 0 <= i < reps)
    if bad:
        raise ValueError(f"fault_reps {bad} are outside 0..{reps - 1}")
    if fault is None:
        return [(None, None)] * reps
    mag = faults[fault][0] if magnitude is None else float(magnitude)
    return [(fault, mag) if i in chosen else (None, None) for i in range(reps)]


def ramp_after(fr: Frames, mask: np.ndarray) -> np.ndarray:
    """Weight 1 on ``mask``, easing to 0 over the phase that follows each masked stretch, so a
    posture held to the end of a rep returns smoothly instead of jumping back."""
    w = mask.astype(float)
    idx = np.flatnonzero(np.diff(mask.astype(int)) == -1) + 1  # first frame after a stretch
    for i in idx:
        same = (fr.start == fr.start[i]) & (np.arange(len(w)) >= i)
        w[same] = np.maximum(w[same], 1.0 - min_jerk(fr.u[same]))
    return w
