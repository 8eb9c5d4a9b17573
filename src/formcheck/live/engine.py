"""The live session's analysis, one frame at a time: no camera, no window, no clock of its own.

    landmarks --One Euro--> buffer --tail measures--> live rep counter --> verdicts
                                                                      \\-> overlay state

The measures, the rules and the judging are the clip analysis's own (``analyze_smoothed``);
only the smoothing (causal One Euro instead of zero-phase) and the rep finding (a live state
machine instead of peaks of the whole signal) differ. A rep is judged twice:

- while it happens, every ``check_every_s``, by the rules that need only the frames seen so
  far (per-frame measures in the descent and at the bottom), so a fault is called out while
  the lifter can still correct it;
- once the finish has been seen (``lockout_s`` after the counter ticks), by every rule: the
  rep's verdict, as in the report of a clip.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from formcheck.analysis import analyze_smoothed
from formcheck.exercises.registry import Exercise
from formcheck.live.history import RollingSequence
from formcheck.live.setup_help import framing_problem, view_advice
from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.person import PersonLandmarks
from formcheck.render.back_line import back_line
from formcheck.render.overlay import OverlayState
from formcheck.render.timeline import banner_text, overlay_anchor
from formcheck.reps.live_counter import LiveRepCounter
from formcheck.reps.metrics import REP_MEASURE_UNITS
from formcheck.reps.segment import RepWindow
from formcheck.reps.setup import setup_reason
from formcheck.signals.causal import CausalLowpass, OneEuroFilter, OneEuroSettings
from formcheck.signals.measures import Body, BodySides, compute_measures
from formcheck.signals.sides import (
    foot_lift,
    leg_length_m,
    loaded_hand_left,
    lower_ankle_leg,
    near_side_sides,
)
from formcheck.signals.view import ViewEstimate, estimate_view
from formcheck.types import Fault, PoseSequence, Rep

# Phases whose frames are complete once the counter has reached the given live phase.
JUDGED_SO_FAR = {
    "descent": ("descent", "early_descent", "rep"),
    "bottom": ("descent", "early_descent", "rep", "bottom"),
    "ascent": ("descent", "early_descent", "rep", "bottom"),
}


@dataclass(frozen=True)
class LiveSettings:
    # The drawn skeleton (image coordinates, fractions of the frame): docs/live.md, tuning.
    smoothing: OneEuroSettings = OneEuroSettings(min_cutoff=1.0, beta=10.0)
    # The landmarks the rules judge: the clip analysis's low-pass, run forward only.
    cutoff_hz: float = 4.0
    median_frames: int = 3
    tail_s: float = 4.0  # per-frame measures are computed on this much recent history
    view_window_s: float = 3.0  # the view is estimated on this much history...
    view_every_s: float = 1.0  # ...this often, and never in the middle of a rep
    check_every_s: float = 0.2  # in-rep fault checks
    context_s: float = 8.0  # a rep is judged with up to this much history before it
    banner_hold_s: float = 2.5  # a called-out fault stays on screen this long
    setup_hint_after_s: float = 1.0  # a framing problem must last this long to be shown
    # History older than this is done with (every forget_every_s), and forgotten a rep and
    # its context later, so memory stays flat in a long session; never the frames a rep
    # still waiting to be judged needs. About 2 minutes held: 6 MB at 30 fps.
    keep_s: float = 60.0
    forget_every_s: float = 30.0


@dataclass(frozen=True)
class LiveEvent:
    """Something to tell the lifter: ``text`` for the console, ``cue`` for the voice."""

    kind: str  # "rep" | "not_counted" | "fault" | "verdict" | "setup" | "reset"
    t: float
    text: str
    cue: str = ""
    rep: Rep | None = None


@dataclass(frozen=True)
class LiveUpdate:
    frame: int
    image_xy: np.ndarray | None  # (33, 2) smoothed, normalised; None when nobody is seen
    visibility: np.ndarray | None
    state: OverlayState
    events: list[LiveEvent] = field(default_factory=list)
    # The traced back line of this frame (render.back_line): (K, 2) normalised, and +1 / -1
    # where it rounds / arches past the back rule; None without an outline.
    back_xy: np.ndarray | None = None
    back_flag: int = 0


@dataclass
class _Banner:
    text: str
    joints: frozenset[int]
    until_t: float


class LiveAnalyzer:
    """Feed ``update(t, person)`` once per processed frame; it returns what to draw and say."""

    def __init__(
        self,
        exercise: Exercise,
        frame_size: tuple[int, int],
        settings: LiveSettings = LiveSettings(),
        *,
        fps: float = 30.0,
    ) -> None:
        self.exercise = exercise
        self.settings = settings
        self.buffer = RollingSequence(frame_size)
        # Called with a session frame index just before the frames older than it are
        # forgotten (the recorder writes their measures to measures.csv then).
        self.on_forget: Callable[[int], None] | None = None
        self._last_forget_t: float | None = None
        self._done_before = 0  # frames before this were handed to on_forget
        self.counter = LiveRepCounter(exercise.rep_settings)
        self._drawn_xy = OneEuroFilter(settings.smoothing)
        self._judged_xy = CausalLowpass(
            fps, settings.cutoff_hz, median_frames=settings.median_frames
        )
        self._judged_world = CausalLowpass(
            fps, settings.cutoff_hz, median_frames=settings.median_frames
        )
        self.view: ViewEstimate | None = None
        self.windows: list[RepWindow] = []  # counted reps, buffer frame indices
        self.reps: list[Rep] = []  # judged reps (the report's)
        self.set_starts: list[int] = [1]  # rep numbers at which each set began
        self.warnings: list[str] = []
        self._pending: list[tuple[RepWindow, float]] = []  # reps awaiting their finish
        self._unconfirmed: list[tuple[RepWindow, float]] = []  # swings awaiting the bell's rise
        self._called: set[str] = set()  # rules called out in the rep in progress
        self._banners: list[_Banner] = []
        self._last_view_t = -np.inf
        self._last_check_t = -np.inf
        self._framing_since: float | None = None
        self._said_setup: set[str] = set()
        self._standing = "left"
        self._count_offset = 0  # reps counted before the last reset
        self._signal: list[float] = []  # the rep signal per frame held in the buffer
        self._signal_first = 0  # the session index of _signal[0]

    # --- per frame ------------------------------------------------------------------------

    def update(self, t: float, person: PersonLandmarks | None) -> LiveUpdate:
        xy = vis = None
        if person is not None:
            xy = self._drawn_xy(t, person.image_xy)
            vis = person.visibility
            judged = PersonLandmarks(
                self._judged_xy(person.image_xy),
                self._judged_world(person.world_xyz),
                vis,
                outline=person.outline,
            )
            self.buffer.append(t, judged)
        else:
            for f in (self._drawn_xy, self._judged_xy, self._judged_world):
                f.reset()
            self.buffer.append(t, None)
        i = self.buffer.n - 1
        events: list[LiveEvent] = []

        view_due = t - self._last_view_t >= self.settings.view_every_s
        if view_due and (not self._in_rep or self.view is None):
            self._refresh_view(t, events)
        values = self._frame_measures(i)
        signal = values.get(self.exercise.rep_signal, np.nan)
        self._signal.append(signal)
        for event in self.counter.update(i, t, signal):
            self._on_counter(event, t, events)
        if self._in_rep and t - self._last_check_t >= self.settings.check_every_s:
            self._last_check_t = t
            self._check_rep_so_far(t, events)
        self._confirm_swings(t, events)
        self._judge_due(t, events)
        note = self._setup_note(t, xy, vis, events)
        self._forget_old(t)
        back_xy, back_flag = self._back_line(person, xy)
        return LiveUpdate(
            i, xy, vis, self._overlay(t, values, note), events, back_xy=back_xy, back_flag=back_flag
        )

    def _back_line(self, person: PersonLandmarks | None, xy: np.ndarray | None):
        """This frame's traced back line, drawn on the smoothed landmarks."""
        if person is None or person.outline is None or xy is None:
            return None, 0
        frame = PoseSequence(
            t=np.zeros(1),
            image_xy=xy[None],
            world_xyz=person.world_xyz[None],
            visibility=person.visibility[None],
            frame_size=self.buffer.frame_size,
            outline=person.outline.depth[None],
            outline_sharpness=person.outline.sharpness[None],
        )
        facing = self.view.facing if self.view is not None else 1
        body = Body(frame, near_side_sides(frame), facing, self.view.view if self.view else "side")
        measures = compute_measures(body, ["back_bend_deg", "back_rounding"])
        line = back_line(frame, facing, measures, self.exercise)
        return line.xy[0], int(line.flag[0])

    @property
    def _in_rep(self) -> bool:
        return self.counter.phase in ("descent", "bottom", "ascent")

    @property
    def rep_count(self) -> int:
        """Reps in the current set (what the counter shows)."""
        return len(self.windows) - self._count_offset

    def reset_count(self, t: float) -> list[LiveEvent]:
        """Start a new set: the count shows 0 again; the session's reps are all kept. A swing
        that ended before the reset but awaits its finish belongs to the old set: it is
        counted (or dropped as set-up) now, on the finish seen so far."""
        events: list[LiveEvent] = []
        if self._unconfirmed:
            self._confirm_swings(t, events, final=True)
        self.counter.reset_count()
        self._count_offset = len(self.windows)
        self.set_starts.append(len(self.windows) + 1)
        return [*events, LiveEvent("reset", t, "count reset: new set")]

    def pause(self, t: float) -> list[LiveEvent]:
        """The user paused: frames stop coming for a while. Reps already counted are judged
        now; a rep in progress cannot be judged across the hole and is dropped."""
        events: list[LiveEvent] = []
        if self._unconfirmed:
            self._confirm_swings(self.buffer.times[-1], events, final=True)
        self._judge_due(np.inf, events, final=True)
        self.counter.abandon()
        for f in (self._drawn_xy, self._judged_xy, self._judged_world):
            f.reset()
        return events

    def rep_label(self, index: int) -> str:
        """How the lifter knows a rep: "rep 3", or "set 2, rep 1" after a count reset."""
        set_number = sum(1 for start in self.set_starts if start <= index)
        in_set = index - self.set_starts[set_number - 1] + 1
        return f"set {set_number}, rep {in_set}" if len(self.set_starts) > 1 else f"rep {in_set}"

    def finish(self) -> list[LiveEvent]:
        """The session ends: judge the reps still waiting for their finish."""
        events: list[LiveEvent] = []
        if self._unconfirmed:
            self._confirm_swings(self.buffer.times[-1], events, final=True)
        self._judge_due(np.inf, events, final=True)
        return events

    # --- view and measures ----------------------------------------------------------------

    def _refresh_view(self, t: float, events: list[LiveEvent]) -> None:
        self._last_view_t = t
        recent = self._recent(self.settings.view_window_s)
        if recent.has_pose.sum() < 5:
            return
        view = estimate_view(recent)
        changed = self.view is None or view.view != self.view.view
        self.view = view
        if changed:  # the first estimate, or the lifter turned: say what this view can judge
            advice = view_advice(self.exercise, view.view)
            events.append(LiveEvent("setup", t, advice.message, cue=advice.message))

    def _recent(self, seconds: float) -> PoseSequence:
        t = self.buffer.times
        start = self.buffer.index_after(t[-1] - seconds) if len(t) else self.buffer.first
        return self.buffer.tail(start)

    def _forget_old(self, t: float) -> None:
        """Every ``forget_every_s``: the frames older than ``keep_s`` are done with, unless a
        rep still to be judged needs them (from its context on). ``on_forget`` is told; the
        frames are then held ``lookback_frames`` longer, so whoever writes them out (the
        recorder's measures.csv) sees each rep whole, with the standing before it."""
        if self._last_forget_t is None:
            self._last_forget_t = t
        if t - self._last_forget_t < self.settings.forget_every_s:
            return
        self._last_forget_t = t
        context = self._context_frames()
        cut = self.buffer.index_after(t - self.settings.keep_s)
        waiting = [w for w, _ in self._pending] + [w for w, _ in self._unconfirmed]
        partial = self.counter.partial_window()
        for w in [*waiting, *([partial] if partial is not None else [])]:
            cut = min(cut, w.start - context)
        if cut <= self._done_before:
            return
        if self.on_forget is not None:
            self.on_forget(cut)
        self._done_before = cut
        forget = cut - self.lookback_frames()
        if forget > self.buffer.first:
            self.buffer.forget_before(forget)
            del self._signal[: forget - self._signal_first]
            self._signal_first = forget

    def lookback_frames(self) -> int:
        """History held before the frames handed to ``on_forget``: the longest rep and its
        context."""
        longest = self.exercise.rep_settings.max_duration_s + self.settings.context_s
        return int(longest * self._fps())

    def _fps(self) -> float:
        t = self.buffer.times
        return (len(t) - 1) / max(1e-6, t[-1] - t[0]) if len(t) > 1 else 30.0

    def _sides(self, n: int, standing: str) -> BodySides:
        left = np.full(n, standing == "left")
        return BodySides(left, loaded_hand_left(left, self.exercise.bell_hand))

    def _frame_measures(self, i: int) -> dict[str, float]:
        """This frame's rep signal, trunk and overlay angles, from the recent tail (some
        measures scale by the lifter's leg length, a median over the tail)."""
        tail = self._recent(self.settings.tail_s)
        if not tail.has_pose[-1]:
            return {}
        view = self.view or ViewEstimate("side", 0.0, float("nan"), 0)
        if self.exercise.single_leg:
            self._standing = self._standing_guess(tail)
            sides = self._sides(len(tail), self._standing)
        else:
            sides = near_side_sides(tail)
            self._standing = "left" if sides.left_stands[0] else "right"
        names = {self.exercise.rep_signal, "trunk_inclination_deg"}
        names |= {measure for _, measure, _ in self.exercise.overlay_angles}
        body = Body(tail, sides, view.facing, view.view)
        return {k: float(v[-1]) for k, v in compute_measures(body, sorted(names)).items()}

    def _standing_guess(self, tail: PoseSequence) -> str:
        """Single-leg work: the lower ankle stands, once one foot is clearly off the floor."""
        recent = slice(max(0, len(tail) - 10), len(tail))
        lift = foot_lift(tail, recent, leg_length_m(tail))
        if not np.isfinite(lift) or lift < 0.5 * self.exercise.min_free_foot_height:
            return self._standing
        return lower_ankle_leg(tail, recent) or self._standing

    # --- reps -----------------------------------------------------------------------------

    def _on_counter(self, event, t: float, events: list[LiveEvent]) -> None:
        if event.kind == "start":
            self._called = set()
            return
        if event.kind != "rep":
            return
        if self.exercise.min_bell_height is not None:
            # A swing is told from set-up by the bell's rise, which comes as the hips lock:
            # it is counted once its finish has been seen.
            self._unconfirmed.append((event.window, t + self.exercise.rep_settings.lockout_s))
            return
        self._count_or_drop(event.window, t, t + self.exercise.rep_settings.lockout_s, events)

    def _confirm_swings(self, t: float, events: list[LiveEvent], final: bool = False) -> None:
        """Count or drop the swings whose finish is seen: at the time their verdict is due,
        so they are judged as any rep is."""
        while self._unconfirmed and (final or self._unconfirmed[0][1] <= t):
            w, due = self._unconfirmed[0]
            finished, complete = self._with_finish(w)
            if not (complete or final):
                return
            self._unconfirmed.pop(0)
            self._count_or_drop(w, t, due, events, finished)

    def _count_or_drop(
        self,
        w: RepWindow,
        t: float,
        due: float,
        events: list[LiveEvent],
        finished: RepWindow | None = None,
    ) -> None:
        """Count the rep (its verdict due at ``due``), or, as the clip analysis does, drop a
        cycle that was getting into position: a hinge on two feet in single-leg work, a swing
        that left the bell low (tested on ``finished``, the rep with its finish, if given)."""
        tested = finished or w
        seq, offset = self._slice(tested.start)
        view = self.view.view if self.view is not None else "side"  # unknown yet: test feet
        reason = setup_reason(seq, shifted(tested, -offset), self.exercise, view)
        if reason:
            self.counter.count -= 1
            self.warnings.append(
                f"a hinge at {self.buffer.time_at(w.bottom):.1f} s {reason}: "
                "treated as getting into position, not counted as a rep"
            )
            events.append(
                LiveEvent("not_counted", t, f"{reason}: getting into position, not counted")
            )
            return
        self.windows.append(w)
        count = self.rep_count
        self._pending.append((w, due))
        events.append(LiveEvent("rep", t, self.rep_label(len(self.windows)), cue=str(count)))

    def _context_frames(self) -> int:
        if len(self.buffer.times) < 2:
            return 0
        return int(self.settings.context_s * self._fps())

    def _slice(self, start: int) -> tuple[PoseSequence, int]:
        """The buffer from a little before ``start`` to the newest frame, and its offset."""
        offset = max(self.buffer.first, start - self._context_frames())
        return self.buffer.tail(offset), offset

    def _check_rep_so_far(self, t: float, events: list[LiveEvent]) -> None:
        """Rules that need only the frames seen so far, on the rep in progress."""
        partial = self.counter.partial_window()
        if partial is None or self.view is None:
            return
        phases = set(JUDGED_SO_FAR[self.counter.phase])
        if "bottom" in phases and partial.reach == partial.end:
            phases.discard("bottom")  # only just arrived: the bottom has no frames yet
        rules = tuple(
            r
            for r in self.exercise.active_rules
            if r.id not in self._called
            and set(r.phases) <= phases
            and not any(c.measure in REP_MEASURE_UNITS for c in r.conditions)
        )
        if not rules:
            return
        rep = self._judge(partial, replace(self.exercise, rules=rules))
        for fault in rep.faults if rep else []:
            self._called.add(fault.rule_id)
            self._show(fault, t)
            events.append(LiveEvent("fault", t, f"{fault.cue}: {banner_text(fault)}", fault.cue))

    def _judge_due(self, t: float, events: list[LiveEvent], final: bool = False) -> None:
        while self._pending and (final or self._pending[0][1] <= t):
            w, _ = self._pending[0]
            w, complete = self._with_finish(w)
            if not (complete or final):
                return  # the finish is still being seen: judge on a later frame
            self._pending.pop(0)
            rep = self._judge(w, self.exercise)
            if rep is None:
                continue
            rep.index = self.windows.index(self._counted(w)) + 1
            self.reps.append(rep)
            for fault in rep.faults:
                if fault.rule_id not in self._called or not self._in_rep:
                    self._show(fault, min(t, self.buffer.times[-1]))
            text = _verdict_text(rep, self.rep_label(rep.index))
            events.append(LiveEvent("verdict", float(rep.end_s), text, rep=rep))

    def _counted(self, w: RepWindow) -> RepWindow:
        return next(c for c in self.windows if c.start == w.start)

    def _with_finish(self, w: RepWindow) -> tuple[RepWindow, bool]:
        """The counter ticks as the lifter nears the top. As the clip analysis has it, the
        rep ends where the signal settles at the top, and the finish is judged for
        ``lockout_s`` after that (or until the next rep starts). Returns the rep so far and
        whether its finish has been seen whole."""
        s = self.exercise.rep_settings
        t = self.buffer.times  # t[k] is session frame first + k
        first = self.buffer.first
        following = self.counter.partial_window()
        # As in the clip analysis, the finish may run into the next rep's first frames, up to
        # its deepest point (a lean back at the top moves the signal like a new rep would).
        stop = following.bottom if following is not None else self.buffer.n - 1
        held = self._signal_first
        after = np.asarray(self._signal[w.end - held : stop + 1 - held])
        end = w.end
        if np.isfinite(after).any():
            top = float(np.nanmin(after))
            settled = np.flatnonzero(after <= top + s.edge_fraction * (w.depth - top))
            end = w.end + int(settled[0])
        end_t = t[end - first]
        limit = first + int(np.searchsorted(t, end_t + s.lockout_s, side="right")) - 1
        complete = following is not None or t[-1] >= end_t + s.lockout_s
        return replace(w, end=end, lockout_end=max(end, min(limit, stop))), complete

    def _judge(self, w: RepWindow, exercise: Exercise) -> Rep | None:
        if self.view is None:
            return None
        seq, offset = self._slice(w.start)
        earlier = [
            shifted(c, -offset)
            for c in self.windows
            if c.start >= offset and c.end < w.start and c.start != w.start
        ]
        target = shifted(w, -offset)
        analysis = analyze_smoothed(
            seq, exercise, view=self.view, windows=[*earlier, target], standing_until=target.start
        )
        rep = analysis.reps[-1]
        return _shift_rep(rep, offset)

    # --- what to show ---------------------------------------------------------------------

    def _show(self, fault: Fault, t: float) -> None:
        joints = frozenset(
            int(L[name.upper()]) for name in fault.joints if name.upper() in L.__members__
        )
        text = banner_text(fault)
        self._banners = [b for b in self._banners if b.text != text]
        self._banners.insert(0, _Banner(text, joints, t + self.settings.banner_hold_s))

    def _setup_note(self, t: float, xy, vis, events: list[LiveEvent]) -> str:
        if self.windows or self._in_rep:
            return ""
        problem = framing_problem(xy, vis)
        if problem is None:
            self._framing_since = None
            if self.view is None:
                return ""
            return view_advice(self.exercise, self.view.view).message
        self._framing_since = self._framing_since if self._framing_since is not None else t
        if t - self._framing_since < self.settings.setup_hint_after_s:
            return ""
        if problem not in self._said_setup:
            self._said_setup.add(problem)
            events.append(LiveEvent("setup", t, problem, cue=problem))
        return problem

    def _overlay(self, t: float, values: dict[str, float], note: str) -> OverlayState:
        self._banners = [b for b in self._banners if b.until_t > t]
        angles = []
        for label, measure, anchor in self.exercise.overlay_angles:
            value = values.get(measure, np.nan)
            if np.isfinite(value):
                angles.append((label, value, overlay_anchor(anchor, self._standing)))
        view = f"{self.view.view} view" if self.view is not None else ""
        return OverlayState(
            exercise=self.exercise.name,
            # The rep in progress, as the clip's video shows it: rep 2 reads 2 while it happens.
            rep_count=self.rep_count + (1 if self._in_rep else 0),
            phase=self.counter.phase,
            angles=tuple(angles),
            banners=tuple(b.text for b in self._banners),
            highlight=frozenset().union(*(b.joints for b in self._banners)),
            view=view,
            note=note,
        )

    # --- the session's report -------------------------------------------------------------

    def standing_leg(self) -> str | None:
        legs = [r.standing_leg for r in self.reps if r.standing_leg]
        return Counter(legs).most_common(1)[0][0] if legs else None

    def reps_per_leg(self) -> dict[str, int]:
        role = self.exercise.leg_role
        legs = [r.standing_leg if role == "standing" else r.working_leg for r in self.reps]
        return dict(Counter(leg for leg in legs if leg))


def shifted(w: RepWindow, by: int) -> RepWindow:
    """``w`` with every frame index moved by ``by``."""
    return replace(
        w,
        start=w.start + by,
        reach=w.reach + by,
        bottom=w.bottom + by,
        leave=w.leave + by,
        end=w.end + by,
        lockout_end=w.lockout_end + by,
    )


def _shift_rep(rep: Rep, offset: int) -> Rep:
    """A rep judged on a slice of the buffer, with frame numbers of the whole session (its
    times are the session's already)."""
    rep.start_frame += offset
    rep.bottom_frame += offset
    rep.end_frame += offset
    rep.faults = [
        replace(f, frame=f.frame + offset, onset_frame=f.onset_frame + offset) for f in rep.faults
    ]
    return rep


def _verdict_text(rep: Rep, label: str) -> str:
    leg = f" ({rep.standing_leg} leg standing)" if rep.standing_leg else ""
    if not rep.faults:
        return f"{label}{leg}: clean"
    cues = "; ".join(f"{f.cue}: {banner_text(f)}" for f in rep.faults)
    return f"{label}{leg}: {cues}"
