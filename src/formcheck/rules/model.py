"""Rules as data: what to measure, when in the rep, from which views, and the words to say."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COMPARISONS = (">", "<", "|>|")


@dataclass(frozen=True)
class Condition:
    """``measure <compare> threshold``; "|>|" compares the magnitude (either direction)."""

    measure: str
    compare: str
    threshold: float
    # Past ``threshold`` the fault is reported; a reading short of this level is told as
    # "possibly": on real footage the measure of clean lifts reaches past the threshold (the
    # pose model reads it roughly), so only a reading beyond this stands out. None: the
    # threshold itself is firm.
    confident_threshold: float | None = None

    def holds(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            if self.compare == ">":
                return values > self.threshold
            if self.compare == "<":
                return values < self.threshold
            return np.abs(values) > self.threshold

    def firmly_holds(self, value: float) -> bool:
        """``value`` is past the confident level (never short of the threshold itself, which
        a user's override may have moved beyond it)."""
        if self.confident_threshold is None:
            return True
        level = self.confident_threshold
        if self.compare == "<":
            return value < min(level, self.threshold)
        magnitude = abs(value) if self.compare == "|>|" else value
        return magnitude > max(level, self.threshold)

    def worst_index(self, values: np.ndarray) -> int:
        """Index of the value furthest toward the fault (NaN ignored)."""
        if self.compare == ">":
            return int(np.nanargmax(values))
        if self.compare == "<":
            return int(np.nanargmin(values))
        return int(np.nanargmax(np.abs(values)))


@dataclass(frozen=True)
class Rule:
    id: str
    conditions: tuple[Condition, ...]  # the fault is present when ANY condition holds
    phases: tuple[str, ...]  # rep phases whose frames are judged (per-frame measures)
    views: tuple[str, ...]  # camera views the rule can honestly be judged from
    min_duration_s: float  # a per-frame condition must hold this long without a break
    joints: tuple[str, ...]  # e.g. "standing_knee", "bell_wrist", "left_hip"
    message: str  # coaching words: what happened, how to fix it
    cue: str  # two to four words for the banner title and the voice
    seed: str  # the source sentence this rule encodes
    source: str  # which seed document
    enabled: bool = True
    # Joints that must be visible in a frame for it to be judged: where the pose model marks
    # them hidden (behind plates, the bar, the other leg) its guesses wander, and a verdict
    # from them would be a guess. e.g. ("standing_heel", "standing_foot_index").
    needs_visible: tuple[str, ...] = ()
    # "low" where the evaluation (real or rendered clips) found the rule unreliable: its
    # faults are then reported as uncertain, with ``confidence_note`` saying why
    # (docs/evaluation.md).
    confidence: str = "high"
    confidence_note: str = ""
    # Per-rep measures that must hold for the rep to be judged at all (e.g. the feet were
    # followed steadily); otherwise "not assessable" with ``unassessable_reason``.
    assessable_if: tuple[Condition, ...] = ()
    unassessable_reason: str = ""
