"""Camera set-up help before a set: is the whole body in frame, and does the view suit the
exercise? Each rule declares the views it can be judged from (a spine seen from the front, a
knee caving in seen from the side cannot be judged), so the best view for an exercise is the
one from which most of its rules can be judged."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.exercises.registry import Exercise
from formcheck.pose.landmarks import Landmark as L

# Body parts that must be in frame for any hinge to be judged, by what to tell the person.
REQUIRED_PARTS = {
    "head": (L.NOSE,),
    "shoulders": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    "hips": (L.LEFT_HIP, L.RIGHT_HIP),
    "knees": (L.LEFT_KNEE, L.RIGHT_KNEE),
    "feet": (L.LEFT_ANKLE, L.RIGHT_ANKLE),
}
MIN_VISIBILITY = 0.5
EDGE = 0.01  # normalised: a point this close to the border may be cut off
MIN_BODY_HEIGHT = 0.3  # of the frame: smaller and the pose model's angles get noisy

TURN_PHRASES = {
    "side": "turn side-on to the camera",
    "front": "face the camera",
    "back": "turn your back to the camera",
    "oblique": "turn halfway toward the camera",
}
VIEW_ORDER = ("side", "front", "oblique", "back")  # preferred first on a tie


@dataclass(frozen=True)
class ViewAdvice:
    suits: bool  # the current view is (one of) the best for this exercise
    message: str  # what to do, or what this view cannot judge
    not_assessable: tuple[str, ...]  # rule cues this view cannot judge


def framing_problem(image_xy: np.ndarray | None, visibility: np.ndarray | None) -> str | None:
    """What to change so the whole body is seen, or None when it is."""
    if image_xy is None or visibility is None or not np.isfinite(image_xy).any():
        return "no one in view: stand where the camera sees your whole body"
    missing = []
    for part, points in REQUIRED_PARTS.items():
        idx = [int(p) for p in points]
        xy, vis = image_xy[idx], visibility[idx]
        inside = (
            np.isfinite(xy).all(axis=1) & (xy >= EDGE).all(axis=1) & (xy <= 1 - EDGE).all(axis=1)
        )
        if not (inside & (vis >= MIN_VISIBILITY)).any():
            missing.append(part)
    if missing:
        where = " and ".join(missing)
        verb = "is" if missing == ["head"] else "are"  # the other parts are plural
        return f"step back or move the camera: your {where} {verb} out of frame"
    height = np.nanmax(image_xy[:, 1]) - np.nanmin(image_xy[:, 1])
    if height < MIN_BODY_HEIGHT:
        return "come closer to the camera: you are small in the frame"
    return None


def view_advice(exercise: Exercise, view: str) -> ViewAdvice:
    """Whether ``view`` suits ``exercise``, and if not, which way to turn and why."""
    rules = exercise.active_rules
    judged = {v: [r for r in rules if v in r.views] for v in VIEW_ORDER}
    best = max(VIEW_ORDER, key=lambda v: len(judged[v]))  # max keeps the first on a tie
    missed = tuple(r.cue for r in rules if view not in r.views)
    if len(judged.get(view, [])) >= len(judged[best]):
        if not missed:
            return ViewAdvice(True, f"{view} view: every fault can be judged", missed)
        other = sorted({v for r in rules if view not in r.views for v in r.views})
        return ViewAdvice(
            True,
            f"{view} view suits this exercise; {_join(missed)} need "
            f"{' or '.join(other)} view (film another set that way to check them)",
            missed,
        )
    gained = [r.cue for r in judged[best] if view not in r.views]
    return ViewAdvice(
        False,
        f"{TURN_PHRASES[best]}: {_join(gained)} need a {best} view",
        missed,
    )


def _join(cues: list[str] | tuple[str, ...]) -> str:
    words = [c.lower() for c in cues]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
