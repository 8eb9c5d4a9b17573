"""Rep timelines: a clip is a list of phases; each frame gets a hinge progress s in [0, 1]."""

from dataclasses import dataclass, field

import numpy as np


def min_jerk(u):
    u = np.clip(u, 0.0, 1.0)
    return u * u * u * (10 - 15 * u + 6 * u * u)


@dataclass
class Phase:
    name: str  # descent, pause, bounce, touch, ascent, finish, rest
    dur: float
    s0: float
    s1: float
    rep: int = -1  # -1 = between reps


@dataclass
class Timeline:
    fps: int
    phases: list = field(default_factory=list)

    def add(self, name, dur, s0, s1, rep=-1):
        self.phases.append(Phase(name, float(dur), s0, s1, rep))

    @property
    def duration(self):
        return sum(p.dur for p in self.phases)

    def frames(self):
        """Per-frame arrays: t, s, rep, phase name, u (progress within the phase)."""
        n = int(round(self.duration * self.fps))
        t = np.arange(n) / self.fps
        s = np.zeros(n)
        rep = np.full(n, -1)
        u = np.zeros(n)
        phase = np.empty(n, dtype=object)
        start = 0.0
        for p in self.phases:
            m = (t >= start - 1e-9) & (t < start + p.dur - 1e-9)
            uu = (t[m] - start) / p.dur
            s[m] = p.s0 + (p.s1 - p.s0) * min_jerk(uu)
            rep[m], u[m], phase[m] = p.rep, uu, p.name
            start += p.dur
        return dict(t=t, s=s, rep=rep, u=u, phase=phase)

    def rep_times(self):
        """(start_s, bottom_s, end_s) per rep: descent start, first arrival at s=1, end of the
        finish."""
        out = {}
        start = 0.0
        for p in self.phases:
            if p.rep >= 0:
                r = out.setdefault(p.rep, dict(start_s=None, bottom_s=None, end_s=None))
                if r["start_s"] is None:
                    r["start_s"] = start
                if p.name == "descent" and p.s1 >= 1.0:
                    r["bottom_s"] = start + p.dur
                r["end_s"] = start + p.dur
            start += p.dur
        return [out[k] for k in sorted(out)]
