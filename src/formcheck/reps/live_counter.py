"""Live rep counting: one frame of the rep signal at a time, no look-ahead.

The clip analysis finds reps as peaks of the whole signal (``segment.py``). Live, a rep has to
be counted the moment the lifter stands back up, so this is a state machine with hysteresis:

    top --(rises ENTER of the minimum amplitude above the top)--> descent
    descent --(within the bottom zone of the deepest point so far)--> bottom
    bottom --(falls back ASCEND of the way from the deepest point)--> ascent
    ascent --(back within EXIT of the amplitude from the top)--> top: a rep, if it was deep
             enough and long enough; otherwise a wobble, forgotten

The thresholds are fractions of the same ``RepSettings`` the clip analysis uses (depth,
amplitude, duration), so a live set and its recording count alike. Separate enter and exit
levels are the hysteresis: a signal wobbling around one level cannot tick the counter twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.reps.segment import RepSettings, RepWindow

# Fractions of ``min_amplitude`` (ENTER) or of the rep's own amplitude (the others).
ENTER = 0.3  # a move this far above the top starts a rep
START_LEVEL = 0.1  # the rep started at the last frame this close to the top
PEAK_AGE_S = 0.1  # the deepest point so far is this old: the lifter has stopped going down
ASCEND = 0.25  # the way up starts once the signal is this far back from the deepest point
EXIT = 0.2  # the rep ends (lockout) once the signal is back this close to the top
# Stopped short of the top: the signal stayed within STALL_RANGE for STALL_S, having come
# back at least STALL_FROM of the way (and the minimum amplitude) from the deepest point.
STALL_S = 0.5
STALL_RANGE = 3.0
STALL_FROM = 0.5
# A gap in the signal (no person found) longer than this abandons a rep in progress, as the
# clip analysis bridges gaps up to the same length.
MAX_GAP_S = 1.5


@dataclass(frozen=True)
class CounterEvent:
    kind: str  # "start" | "bottom" | "rep" | "abandon"
    frame: int
    window: RepWindow | None = None  # for "rep": the rep's frames (lockout_end = end for now)


class LiveRepCounter:
    """Feed ``update(frame, t, value)`` once per frame (value NaN when no pose); read
    ``phase`` and ``count``. Frame indices are the caller's (e.g. the session buffer's)."""

    def __init__(self, settings: RepSettings) -> None:
        self.settings = settings
        self.count = 0
        self.phase = "setup"  # before the first rep; then top, descent, bottom, ascent
        self._frames: list[int] = []
        self._t: list[float] = []
        self._x: list[float] = []
        self._top: float | None = None  # lowest value since the last rep ended
        self._floor = 0  # history position where the current top stretch began
        self._start = 0  # history positions of the rep in progress
        self._peak = 0
        self._from_start = False
        self._trough: int | None = None  # highest point (lowest signal) of the way up so far
        self._last_valid_t: float | None = None

    def reset_count(self) -> None:
        """A new set: the count restarts; a rep in progress is dropped."""
        self.count = 0
        self.abandon()
        self.phase = "setup"

    def abandon(self) -> None:
        """Drop the rep in progress (e.g. the session was paused in the middle of it)."""
        if self._in_rep:
            self._back_to_top(len(self._x) - 1)

    def update(self, frame: int, t: float, value: float) -> list[CounterEvent]:
        if not np.isfinite(value):
            if (
                self._in_rep
                and self._last_valid_t is not None
                and t - self._last_valid_t > (MAX_GAP_S)
            ):
                return [self._abandon(frame)]
            return []
        self._frames.append(frame)
        self._t.append(t)
        self._x.append(float(value))
        self._last_valid_t = t
        i = len(self._x) - 1
        if self._top is None:
            return self._first_value(i)
        if not self._in_rep:
            return self._at_top(i)
        return self._in_rep_update(i)

    def partial_window(self) -> RepWindow | None:
        """The rep in progress so far (``end`` = the newest frame), or None between reps."""
        if not self._in_rep:
            return None
        i = len(self._x) - 1
        reach, leave = self._zone(i)
        return RepWindow(
            start=self._frames[self._start],
            reach=self._frames[reach],
            bottom=self._frames[self._peak],
            leave=self._frames[leave],
            end=self._frames[i],
            lockout_end=self._frames[i],
            top_level=float(self._top),
            depth=float(self._x[self._peak]),
            from_start=self._from_start,
        )

    def _zone(self, i: int) -> tuple[int, int]:
        """First and last history positions within the bottom zone of the deepest point so
        far (as the clip analysis defines it), up to position ``i``."""
        depth = self._x[self._peak]
        zone = depth - (1 - self.settings.reach_fraction) * (depth - self._top)
        inside = [k for k in range(self._start, i + 1) if self._x[k] >= zone]
        return (inside[0], inside[-1]) if inside else (self._peak, self._peak)

    @property
    def _in_rep(self) -> bool:
        return self.phase in ("descent", "bottom", "ascent")

    # --- states ---------------------------------------------------------------------------

    def _first_value(self, i: int) -> list[CounterEvent]:
        s = self.settings
        self._top = self._x[i]
        if s.count_lift_from_start and self._x[i] >= s.min_depth:
            # Deadlifts start on the floor: a session that opens at the bottom holds a lift.
            self._start = self._peak = i
            self._from_start = True
            self.phase = "bottom"
            return [CounterEvent("start", self._frames[i])]
        return []

    def _at_top(self, i: int) -> list[CounterEvent]:
        x = self._x[i]
        self._top = min(self._top, x)
        if x <= self._top + ENTER * self.settings.min_amplitude:
            return []
        # Moving: the rep began at the last frame still near the top.
        level = self._top + START_LEVEL * self.settings.min_amplitude
        near = [k for k in range(i, self._floor - 1, -1) if self._x[k] <= level]
        self._start = near[0] if near else i
        self._peak = int(self._start + np.argmax(self._x[self._start : i + 1]))
        self._from_start = False
        self.phase = "descent"
        return [CounterEvent("start", self._frames[self._start])]

    def _in_rep_update(self, i: int) -> list[CounterEvent]:
        s = self.settings
        x = self._x[i]
        events: list[CounterEvent] = []
        if x > self._x[self._peak]:
            self._peak = i
        depth = self._x[self._peak]
        if self._from_start:
            self._top = min(self._top, x)
        amplitude = depth - self._top
        deep_enough = depth >= s.min_depth and amplitude >= s.min_amplitude
        if self._t[i] - self._t[self._start] > s.max_duration_s:
            return [self._abandon(self._frames[i])]

        # The bottom begins once the signal stops deepening (the peak is a moment old), not
        # while it still rises: rising, every frame is the deepest so far.
        settled = self._t[i] - self._t[self._peak] >= PEAK_AGE_S
        in_zone = deep_enough and x >= depth - (1 - s.reach_fraction) * amplitude
        turned = deep_enough and x <= depth - ASCEND * amplitude
        if self.phase == "descent" and ((in_zone and settled) or turned):
            # A fast swing turns within a frame or two: it passes the bottom on its way up.
            self.phase = "bottom"
            events.append(CounterEvent("bottom", self._frames[i]))
        if self.phase == "bottom" and turned:
            self.phase = "ascent"
        elif self.phase == "ascent" and in_zone:
            self.phase = "bottom"  # went deeper again: still the same rep

        if self.phase == "ascent" and (self._trough is None or x < self._x[self._trough]):
            self._trough = i
        if self._from_start:
            done = self.phase == "ascent" and x < s.min_depth
        else:
            done = self.phase == "ascent" and (
                x <= self._top + EXIT * amplitude or self._stalled_short(i, depth, amplitude)
            )
        if done:
            events.append(self._finish(i, deep_enough))
        elif self._turned_back(i, depth):
            # Went down again without reaching the top (an unfinished lockout): the rep
            # ended at its highest point, and the next one starts there.
            trough = self._trough
            events.append(self._finish(trough, deep_enough))
            events += self._at_top(len(self._x) - 1)
        elif self.phase == "descent" and x <= self._top + START_LEVEL * s.min_amplitude:
            self._back_to_top(i)  # came back before getting anywhere: a wobble
        return events

    def _stalled_short(self, i: int, depth: float, amplitude: float) -> bool:
        """The lifter stopped rising well out of the bottom but short of the top (an
        unfinished lockout is still a rep, and is counted when they stop)."""
        x = self._x[i]
        if depth - x < max(self.settings.min_amplitude, (1 - STALL_FROM) * amplitude):
            return False
        recent = [k for k in range(i, -1, -1) if self._t[i] - self._t[k] <= STALL_S]
        if self._t[i] - self._t[recent[-1]] < STALL_S - 0.05:
            return False
        values = [self._x[k] for k in recent]
        return max(values) - min(values) < STALL_RANGE

    def _turned_back(self, i: int, depth: float) -> bool:
        if self.phase != "ascent" or self._trough is None or self._from_start:
            return False
        low = self._x[self._trough]
        s = self.settings
        return self._x[i] > low + ENTER * s.min_amplitude and depth - low >= s.min_amplitude

    # --- endings --------------------------------------------------------------------------

    def _finish(self, i: int, deep_enough: bool) -> CounterEvent:
        s = self.settings
        start, peak = self._start, self._peak
        duration = self._t[i] - self._t[start]
        long_enough = duration >= (s.min_duration_s / 2 if self._from_start else s.min_duration_s)
        if not (deep_enough and long_enough):
            return self._abandon(self._frames[i])
        depth = self._x[peak]
        reach, leave = self._zone(i)
        window = RepWindow(
            start=self._frames[start],
            reach=self._frames[reach],
            bottom=self._frames[peak],
            leave=self._frames[leave],
            end=self._frames[i],
            lockout_end=self._frames[i],
            top_level=float(self._top),
            depth=float(depth),
            from_start=self._from_start,
        )
        self.count += 1
        self._back_to_top(i)
        return CounterEvent("rep", window.end, window)

    def _abandon(self, frame: int) -> CounterEvent:
        self._back_to_top(len(self._x) - 1)
        return CounterEvent("abandon", frame)

    def _back_to_top(self, i: int) -> None:
        self.phase = "top" if self.count else "setup"
        self._trough = None
        self._floor = max(0, i)
        self._top = self._x[i] if self._x else None
        self._from_start = False
        # The history before the new top stretch is no longer needed.
        if self._floor > 0:
            del self._frames[: self._floor], self._t[: self._floor], self._x[: self._floor]
            self._floor = 0
