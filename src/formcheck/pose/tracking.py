"""Follow one person, the lifter, through a clip in which others may appear.

MediaPipe returns the people in each frame in no stable order, so "the first pose" is not a
track. The tracker picks the lifter once, then follows everyone's body box from frame to
frame, so that a coach or a training partner stays "someone else" even while the lifter is
lost. When nobody continues the lifter's track it reports no lifter for that frame rather than
switching: a gap in the lifter's signal is harmless, a silent splice of two people is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.estimator import PersonLandmarks

MIN_VISIBILITY = 0.5  # landmarks below this are guesses; they stretch the box off the body
MIN_VISIBLE_POINTS = 4  # fewer visible points than this: use all 33 rather than a sliver
MIN_OVERLAP = 0.3  # IoU at which a box is plainly the same body whatever its centre did
# Centre distance allowed, in body sizes (the larger side of the track's last box). Between
# frames a lifter moves a few hundredths of their size; a training partner or coach beside
# them stands half a body size away or more.
BASE_GATE = 0.35
GATE_GROWTH_PER_LOST_FRAME = 0.005  # while lost, a person may have drifted a little further
MAX_GATE = 0.6  # reached after 50 lost frames, and never far enough to take a neighbour
# Someone else unseen this long is forgotten, so they cannot claim the lifter's spot forever.
# The lifter's own track is never forgotten.
FORGET_AFTER_FRAMES = 30
MAX_SIZE_CHANGE = 2.0  # between sightings of one track
# Two detections sharing this much of the smaller one's box are one body.
DUPLICATE_SHARED = 0.5


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

    def intersection_area(self, other: Box) -> float:
        return Box(
            max(self.x0, other.x0),
            max(self.y0, other.y0),
            min(self.x1, other.x1),
            min(self.y1, other.y1),
        ).area

    def iou(self, other: Box) -> float:
        inter = self.intersection_area(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0


def body_box(person: PersonLandmarks) -> Box:
    """Box around a person's visible landmarks (all of them if too few are visible)."""
    visible = person.visibility >= MIN_VISIBILITY
    points = person.image_xy[visible] if visible.sum() >= MIN_VISIBLE_POINTS else person.image_xy
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return Box(float(x0), float(y0), float(x1), float(y1))


def drop_duplicates(people: list[PersonLandmarks]) -> list[PersonLandmarks]:
    """One body, one detection. Hinged over, a lifter can come back twice: the whole body and
    a second pose fitted to part of it (shorter, sometimes wider). Of two boxes that share
    most of the smaller one, the longer is the body and the other a fragment; left in, the
    fragment can take over the lifter's track."""
    boxes = [body_box(person) for person in people]
    order = sorted(range(len(people)), key=lambda i: boxes[i].size, reverse=True)
    kept: list[int] = []
    for i in order:
        inside = any(
            boxes[i].intersection_area(boxes[k])
            >= DUPLICATE_SHARED * min(boxes[i].area, boxes[k].area)
            for k in kept
        )
        if not inside:
            kept.append(i)
    return [people[i] for i in sorted(kept)]


@dataclass
class _Track:
    box: Box  # where this person was last seen
    frames_lost: int = 0

    def match_rank(self, box: Box) -> tuple[int, float, float] | None:
        """How well ``box`` continues this track (smaller is better), or None if it cannot."""
        overlap = box.iou(self.box)
        distance = float(np.linalg.norm(box.center - self.box.center)) / self.box.size
        gate = min(BASE_GATE + GATE_GROWTH_PER_LOST_FRAME * self.frames_lost, MAX_GATE)
        if overlap < MIN_OVERLAP and distance > gate:
            return None
        # A body does not halve or double in size from one sighting to the next; a pose that
        # small is the model's guess at a fragment, and must not carry the track away.
        if not 1 / MAX_SIZE_CHANGE <= box.size / self.box.size <= MAX_SIZE_CHANGE:
            return None
        # Tracks seen most recently choose first: someone followed up to the last frame keeps
        # their detection even when it has moved onto the spot where a lost track was last
        # seen. Then the most overlap, then the nearest centre.
        return (self.frames_lost, -overlap, distance)


class LifterTracker:
    """Feed it every frame's detections; it returns the lifter's, or None."""

    def __init__(self) -> None:
        self._tracks: dict[int, _Track] = {}
        self._next_id = 0
        self._lifter_id: int | None = None
        self._first_box: Box | None = None
        self._frames = 0
        self._frames_with_lifter = 0
        self._frames_with_several = 0
        self._most_people = 0

    def update(self, people: list[PersonLandmarks]) -> PersonLandmarks | None:
        self._frames += 1
        self._most_people = max(self._most_people, len(people))
        if len(people) > 1:
            self._frames_with_several += 1
        people = drop_duplicates(people)
        boxes = [body_box(person) for person in people]
        track_of = self._associate(boxes)  # detection index -> track id

        if self._lifter_id is None and people:
            # First sight: the largest body is the one the camera was set up for.
            largest = max(range(len(people)), key=lambda i: boxes[i].area)
            self._lifter_id = track_of[largest]
            self._first_box = boxes[largest]

        for index, track_id in track_of.items():
            if track_id == self._lifter_id:
                self._frames_with_lifter += 1
                return people[index]
        return None

    def _associate(self, boxes: list[Box]) -> dict[int, int]:
        """Continue tracks with this frame's boxes, one to one, best matches first."""
        pairs = []
        for track_id, track in self._tracks.items():
            for index, box in enumerate(boxes):
                rank = track.match_rank(box)
                if rank is not None:
                    pairs.append((rank, track_id, index))
        track_of: dict[int, int] = {}
        for _, track_id, index in sorted(pairs):
            if index in track_of or track_id in track_of.values():
                continue
            track_of[index] = track_id

        for track_id, track in list(self._tracks.items()):
            if track_id in track_of.values():
                continue
            track.frames_lost += 1
            if track.frames_lost > FORGET_AFTER_FRAMES and track_id != self._lifter_id:
                del self._tracks[track_id]
        for index, box in enumerate(boxes):
            if index in track_of:
                self._tracks[track_of[index]] = _Track(box)
            else:  # someone new, or someone lost beyond every gate: a new track, never a merge
                track_of[index] = self._next_id
                self._tracks[self._next_id] = _Track(box)
                self._next_id += 1
        return track_of

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
