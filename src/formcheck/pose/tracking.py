"""Follow one person, the lifter, through a clip in which others may appear.

MediaPipe returns the people in each frame in no stable order, so "the first pose" is not a
track. The tracker picks the lifter once, then follows that person's body box from frame to
frame. When nobody fits, it reports no lifter for that frame rather than switching: a gap in
the lifter's signal is harmless, a silent splice of two people's movements is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.estimator import PersonLandmarks

MIN_VISIBILITY = 0.5  # landmarks below this are guesses; they stretch the box off the body
MIN_VISIBLE_POINTS = 4  # fewer visible points than this: use all 33 rather than a sliver
MIN_OVERLAP = 0.3  # IoU at which a box is plainly the same body whatever its centre did
# Centre distance allowed, in body sizes (the larger side of the last known box). Between
# frames a lifter moves a few hundredths of their size; a training partner or coach beside
# them stands half a body size away or more.
BASE_GATE = 0.35
GATE_GROWTH_PER_LOST_FRAME = 0.005  # while lost, the lifter may have drifted a little further
MAX_GATE = 0.6  # reached after 50 lost frames, and never far enough to take a neighbour


@dataclass(frozen=True)
class Box:
    """Axis-aligned box in normalised image coordinates."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def area(self) -> float:
        return max(self.x1 - self.x0, 0.0) * max(self.y1 - self.y0, 0.0)

    @property
    def center(self) -> np.ndarray:
        return np.array([(self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2])

    @property
    def size(self) -> float:
        """The body's scale: its larger side (height standing, width when hinged over)."""
        return max(self.x1 - self.x0, self.y1 - self.y0, 1e-6)

    def iou(self, other: Box) -> float:
        inter = Box(
            max(self.x0, other.x0),
            max(self.y0, other.y0),
            min(self.x1, other.x1),
            min(self.y1, other.y1),
        ).area
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0


def body_box(person: PersonLandmarks) -> Box:
    """Box around a person's visible landmarks (all of them if too few are visible)."""
    visible = person.visibility >= MIN_VISIBILITY
    points = person.image_xy[visible] if visible.sum() >= MIN_VISIBLE_POINTS else person.image_xy
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return Box(float(x0), float(y0), float(x1), float(y1))


class LifterTracker:
    """Feed it every frame's detections; it returns the lifter's, or None."""

    def __init__(self) -> None:
        self._last_box: Box | None = None  # where the lifter was last seen
        self._first_box: Box | None = None
        self._frames_lost = 0
        self._frames = 0
        self._frames_with_lifter = 0
        self._frames_with_several = 0
        self._most_people = 0

    def update(self, people: list[PersonLandmarks]) -> PersonLandmarks | None:
        self._frames += 1
        self._most_people = max(self._most_people, len(people))
        if len(people) > 1:
            self._frames_with_several += 1
        boxes = [body_box(person) for person in people]

        if self._last_box is None:
            # First sight: the largest body is the one the camera was set up for.
            chosen = max(range(len(people)), key=lambda i: boxes[i].area, default=None)
            if chosen is not None:
                self._first_box = boxes[chosen]
        else:
            chosen = self._match(boxes)

        if chosen is None:
            if self._last_box is not None:
                self._frames_lost += 1
            return None
        self._last_box = boxes[chosen]
        self._frames_lost = 0
        self._frames_with_lifter += 1
        return people[chosen]

    def _match(self, boxes: list[Box]) -> int | None:
        """Index of the box that continues the lifter's track, or None if none is close."""
        last = self._last_box
        assert last is not None
        gate = min(BASE_GATE + GATE_GROWTH_PER_LOST_FRAME * self._frames_lost, MAX_GATE)
        best: tuple[float, float] | None = None
        chosen = None
        for i, box in enumerate(boxes):
            overlap = box.iou(last)
            distance = float(np.linalg.norm(box.center - last.center)) / last.size
            if overlap < MIN_OVERLAP and distance > gate:
                continue
            # Prefer the most overlap, then the nearest centre: two close candidates can
            # only mean the lifter and someone passing right by them.
            rank = (-overlap, distance)
            if best is None or rank < best:
                best, chosen = rank, i
        return chosen

    def describe(self) -> str:
        """Which person was analysed, in words, for the report."""
        if self._first_box is None:
            return f"no person was found in {self._frames} frames"
        where = f"at x≈{self._first_box.center[0]:.2f} of the width"
        followed = f"followed in {self._frames_with_lifter} of {self._frames} frames"
        if self._most_people <= 1:
            return f"the only person in frame (first seen {where}); {followed}"
        return (
            f"the person who was largest in frame when first seen ({where}); {followed}; "
            f"up to {self._most_people} people at once, several in "
            f"{self._frames_with_several} frames"
        )
