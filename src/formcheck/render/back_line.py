"""The traced back line the overlay draws: the back's outline (signals.back) per frame, and
whether the back rule of the exercise finds it rounded or arched past its threshold there, so
the user sees the curve the verdict is about."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.exercises.registry import Exercise
from formcheck.signals.back import back_profile, back_side, edge_points

BACK_RULES = ("spine_round", "spine_not_neutral", "back_arch")
BACK_MEASURES = ("back_bend_change_deg", "back_rounding_change")


@dataclass(frozen=True)
class BackLine:
    """``xy`` (T, K, 2) the back's edge in normalised image coordinates (NaN where it was not
    traced or not trusted); ``flag`` (T,) +1 where it rounds past the back rule's threshold,
    -1 where it arches past it, 0 otherwise."""

    xy: np.ndarray
    flag: np.ndarray


def back_line(seq, facing: int, measures: dict[str, np.ndarray], exercise: Exercise) -> BackLine:
    """The line to draw for the smoothed sequence ``seq`` and its ``measures``."""
    px = seq.pixel_xy
    depth, _ = back_profile(seq.outline, seq.outline_sharpness, px, facing)
    w, h = seq.frame_size
    xy = edge_points(px, depth, back_side(px, facing)) / np.array([w, h], dtype=float)
    flag = np.zeros(len(seq), dtype=int)
    for rule in exercise.active_rules:
        if rule.id not in BACK_RULES:
            continue
        for cond in rule.conditions:
            if cond.measure not in BACK_MEASURES or cond.measure not in measures:
                continue
            values = measures[cond.measure]
            beyond = np.nan_to_num(cond.holds(values).astype(int))
            flag = np.where(beyond == 1, 1 if cond.compare == ">" else -1, flag)
    return BackLine(xy, flag)
