"""Follow one person, the lifter, through a clip in which others may appear.

MediaPipe returns the people in each frame in no stable order, so "the first pose" is not a
track. The tracker follows everyone's body box from frame to frame, so that a coach or a
training partner stays "someone else" even while the lifter is lost. When nobody continues
the lifter's track it reports no lifter for that frame rather than switching: a gap in the
lifter's signal is harmless, a silent splice of two people is not.

Frame by frame the lifter is the largest body when first seen (the one the camera was set up
for): the live window and the drawing that starts during the pose pass need an answer now.
Once the clip has been read, :meth:`LifterTracker.revise` looks at each person's whole track:
where someone else hinged through a clearly larger range (a student swinging while the coach,
nearer the camera, stands and watches), they are the lifter.

After a cut (``update(..., new_shot=True)``) every box belongs to another picture, so all
tracks end and the lifter is looked for afresh in the new shot.

Boxes alone cannot keep two people apart when one passes in front of the other: the pose model
then sees one of them, and the tracks can come out of the crossing swapped (a student
swinging in front of the coach standing behind them). Given the frames, the tracker also
notes the colour of each person's clothes along the trunk; on the whole clip, a track whose
colour changes at a crossing is cut there, and the pieces are joined into people by colour,
so the lifter chosen is one person from the first frame to the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.person import PersonLandmarks
from formcheck.signals.geometry import inclination_from_vertical

MIN_VISIBILITY = 0.5  # landmarks below this are guesses; they stretch the box off the body
MIN_VISIBLE_POINTS = 4  # fewer visible points than this: use all 33 rather than a sliver
MIN_OVERLAP = 0.3  # IoU at which a box is plainly the same body whatever its centre did
# Centre distance allowed, in body sizes (the larger side of the track's last box). Between
# frames a lifter moves a few hundredths of their size; a training partner or coach beside
# them stands half a body size away or more.
BASE_GATE = 0.35
GATE_GROWTH_PER_LOST_FRAME = 0.005  # while lost, a person may have drifted a little further
MAX_GATE = 0.6  # reached after 50 lost frames, and never far enough to take a neighbour
# Colours along the trunk, 0-255 RGB. A track is cut where the median colour of the
# COLOUR_WINDOW frames before a point and after it differ by more than SPLIT_COLOUR in some
# channel (the coach's black shirt and the student's grey one at the crossing in a real swing
# clip: 30 against 65; one person's shirt in changing light moved up to ~22); pieces are
# joined into one person when their colours differ by at most JOIN_COLOUR.
COLOUR_WINDOW = 10
SPLIT_COLOUR = 25.0
JOIN_COLOUR = 60.0
# A piece shorter than this is a flicker (an arm or the bell across the trunk), not a person:
# it stays with the piece after it. Pieces of one person may overlap by COLOUR_WINDOW frames
# (where exactly a swap happened is known to a window).
MIN_PIECE_FRAMES = 3 * COLOUR_WINDOW
SKIN_RED_OVER_BLUE = 30.0  # a pixel this much redder than blue (and than green) is skin-like
# Someone else unseen this long is forgotten, so they cannot claim the lifter's spot forever.
# The lifter's own track is never forgotten.
FORGET_AFTER_FRAMES = 30
MAX_SIZE_CHANGE = 2.0  # between sightings of one track
# Two detections sharing this much of the smaller one's box are one body.
DUPLICATE_SHARED = 0.5
# Revising the choice: someone else is the lifter when their trunk swept through this many
# degrees more than the first choice's did (in the StrongFirst swings the coach standing by
# stayed within 2-20 deg of upright, the swinging student went to 60-110) and they were
# followed for at least this fraction of the frames the first choice was (a passer-by
# bending once is not the set).
SWITCH_MARGIN_DEG = 25.0
MIN_PRESENCE_VS_FIRST = 0.5
MIN_PRESENCE = 0.25  # and for at least this fraction of the shot
# The report warns that other people got in the way when the lifter was followed in fewer
# than this fraction of the frames and several people were found in at least this fraction.
# Real clips (tracker replayed on their detections): StrongFirst swings 317/652 followed,
# several in 48% (1 of 4 swings found); Wong-Fit stock swing 147/472, 22% (2 of 8); BichraiX
# bad006 68/107, 28% (its pull missed) and bad016 66/146, 21%; every other clip with a
# second person is followed in >= 78% of frames.
CROWDED_MIN_FOLLOWED = 0.7
CROWDED_MIN_SEVERAL = 0.1


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


@dataclass
class _Person:
    """Everything seen of one track: which shot, and its landmarks (and, given the frames,
    its clothes' colour) frame by frame."""

    shot: int
    frames: list[int] = field(default_factory=list)
    poses: list[PersonLandmarks] = field(default_factory=list)
    colours: list[np.ndarray] = field(default_factory=list)


@dataclass
class _Piece:
    """Part of a track that is one person: positions [start, stop) of its frames."""

    track: int
    start: int
    stop: int
    colour: np.ndarray  # the median colour of the piece


def trunk_colour(image: np.ndarray, person: PersonLandmarks) -> np.ndarray:
    """The median RGB colour of 3x3 patches at seven points from the mid-shoulders to the
    mid-hips (the shirt, whatever the pose); NaN when none is inside the image."""
    height, width = image.shape[:2]
    xy = person.image_xy * (width, height)
    shoulders = (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2
    hips = (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2
    patches = []
    for f in np.linspace(0.2, 0.8, 7):
        x, y = np.round(shoulders + f * (hips - shoulders))
        if np.isfinite(x) and np.isfinite(y) and 1 <= x < width - 1 and 1 <= y < height - 1:
            x, y = int(x), int(y)
            patches.append(image[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3))
    pixels = np.concatenate(patches).astype(float) if patches else np.empty((0, 3))
    # Skin (a forearm across the trunk as the bell swings) says nothing of the clothes.
    r, g, b = pixels.T
    pixels = pixels[~((r - b > SKIN_RED_OVER_BLUE) & (r > g))]
    return np.median(pixels, axis=0) if len(pixels) else np.full(3, np.nan)


def _median_colour(colours: np.ndarray) -> np.ndarray:
    """Per-channel median of the colours that were measured (NaN when none was)."""
    seen = colours[np.isfinite(colours).all(axis=1)]
    return np.median(seen, axis=0) if len(seen) else np.full(3, np.nan)


def _colour_change(colours: np.ndarray, k: int, since: int, average=_median_colour) -> float:
    """How far the colour of the COLOUR_WINDOW frames from position ``k`` is from that of
    the ones before it (not before ``since``); 0 when either side is unknown."""
    before = average(colours[max(since, k - COLOUR_WINDOW) : k])
    after = average(colours[k : k + COLOUR_WINDOW])
    change = np.abs(before - after)
    return float(np.max(change)) if np.isfinite(change).all() else 0.0


def _mean_colour(colours: np.ndarray) -> np.ndarray:
    seen = colours[np.isfinite(colours).all(axis=1)]
    return seen.mean(axis=0) if len(seen) else np.full(3, np.nan)


def colour_pieces(
    track: int, colours: np.ndarray, frames: list[int], crossed: list[bool]
) -> list[_Piece]:
    """Cut one track (its ``colours`` at ``frames``) where its colour changes for good as it
    crosses someone (``crossed``: two people may have swapped), not where it flickers (the
    bell across the trunk for a few frames) nor where one person's colour changes alone (a
    shadow as they bend)."""
    n, w = len(colours), COLOUR_WINDOW
    cuts = [0]
    i = w
    while i <= n - w:
        crossing = any(crossed[max(0, i - w) : i + w])
        if not crossing or _colour_change(colours, i, cuts[-1]) <= SPLIT_COLOUR:
            i += 1
            continue
        near = range(max(cuts[-1] + 1, i - w), min(i + w, n - w + 1))
        gaps = {k: frames[k] - frames[k - 1] for k in near}
        if max(gaps.values()) > 1:
            cut = max(gaps, key=gaps.get)  # the swap happened while the track was lost
        else:  # means peak where the change is (medians flip a few frames early)
            cut = max(near, key=lambda k: _colour_change(colours, k, cuts[-1], _mean_colour))
        cuts.append(cut)
        i = cut + w
    cuts.append(n)
    while len(cuts) > 2:
        short = [k for k in range(len(cuts) - 1) if cuts[k + 1] - cuts[k] < MIN_PIECE_FRAMES]
        if not short:
            break
        k = short[0]
        if k == 0 or k == len(cuts) - 2:  # the first or the last piece: into its neighbour
            del cuts[1 if k == 0 else k]
            continue
        # Into the neighbour it looks more like (a flicker: either; a swap: the right side).
        piece = _median_colour(colours[cuts[k] : cuts[k + 1]])
        before = _median_colour(colours[cuts[k - 1] : cuts[k]])
        after = _median_colour(colours[cuts[k + 1] : cuts[k + 2]])
        closer_before = np.nanmax(np.abs(piece - before)) <= np.nanmax(np.abs(piece - after))
        del cuts[k if closer_before else k + 1]
    return [_Piece(track, a, b, _median_colour(colours[a:b])) for a, b in zip(cuts, cuts[1:])]


def trunk_sweep_deg(poses: list[PersonLandmarks]) -> float:
    """How far a person's trunk swept (10th to 90th percentile of its inclination from
    vertical, world landmarks so a hinge toward the camera counts too): the mark of a
    person doing a hinge rather than watching one."""
    if len(poses) < 3:
        return 0.0
    world = np.stack([p.world_xyz for p in poses])
    shoulders = world[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=1)
    hips = world[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=1)
    inclination = inclination_from_vertical(shoulders - hips)
    if not np.isfinite(inclination).any():
        return 0.0
    low, high = np.nanpercentile(inclination, [10, 90])
    return float(high - low)


@dataclass(frozen=True)
class Checkpoint:
    """The tracker as it was before a shot's first frame (:meth:`LifterTracker.checkpoint`).
    Within a shot only that shot's people and per-shot entries change, so these few values
    are enough to go back."""

    frames: int
    shot: int
    next_id: int
    lifter_id: int | None
    first_box: Box | None
    frames_with_lifter: int
    frames_with_several: int
    most_people: int
    tracks: dict[int, _Track]
    first_choice: dict[int, int]
    crowded_shots: frozenset[int]
    shot_frames: dict[int, int]


class LifterTracker:
    """Feed it every frame's detections; it returns the lifter's, or None. After the last
    frame, :meth:`revise` may name a better lifter from the whole clip."""

    def __init__(self) -> None:
        self._tracks: dict[int, _Track] = {}
        self._people: dict[int, _Person] = {}  # every track ever, by id
        self._next_id = 0
        self._lifter_id: int | None = None
        self._shot = 0
        self._first_choice: dict[int, int] = {}  # shot -> track picked on first sight
        self._final_choice: dict[int, list[_Piece]] = {}  # shot -> its lifter, in pieces
        self._crowded_shots: set[int] = set()  # shots with two people in a frame
        self._shot_frames: dict[int, int] = {}  # shot -> its number of frames
        self._first_box: Box | None = None
        self._frames = 0
        self._frames_with_lifter = 0
        self._frames_with_several = 0
        self._most_people = 0
        self._frame_boxes: list[list[Box]] = []  # every frame's bodies, for crossings

    def update(
        self,
        people: list[PersonLandmarks],
        *,
        new_shot: bool = False,
        image: np.ndarray | None = None,
        colours: list[np.ndarray] | None = None,
    ) -> PersonLandmarks | None:
        """This frame's detections -> the lifter's, or None. ``image`` (the RGB frame) lets
        the tracker tell people apart by their clothes when they cross (:meth:`revise`);
        where the frame was read in another process, ``colours`` gives each detection's
        :func:`trunk_colour` instead."""
        if colours is None and image is not None:
            colours = [trunk_colour(image, person) for person in people]
        colour_of = {id(p): c for p, c in zip(people, colours)} if colours is not None else {}
        if new_shot and self._frames > 0:
            self._shot += 1
            self._tracks.clear()  # boxes of the last shot say nothing about this one
            self._lifter_id = None
        frame = self._frames
        self._frames += 1
        self._shot_frames[self._shot] = self._shot_frames.get(self._shot, 0) + 1
        self._most_people = max(self._most_people, len(people))
        if len(people) > 1:
            self._frames_with_several += 1
        people = drop_duplicates(people)
        if len(people) > 1:
            self._crowded_shots.add(self._shot)
        boxes = [body_box(person) for person in people]
        track_of = self._associate(boxes)  # detection index -> track id
        self._frame_boxes.append(boxes)
        for index, track_id in track_of.items():
            seen = self._people.setdefault(track_id, _Person(self._shot))
            seen.frames.append(frame)
            seen.poses.append(people[index])
            if colour_of:
                seen.colours.append(colour_of[id(people[index])])

        if self._lifter_id is None and people:
            # First sight: the largest body is the one the camera was set up for.
            largest = max(range(len(people)), key=lambda i: boxes[i].area)
            self._lifter_id = track_of[largest]
            self._first_choice[self._shot] = self._lifter_id
            if self._first_box is None:
                self._first_box = boxes[largest]

        for index, track_id in track_of.items():
            if track_id == self._lifter_id:
                self._frames_with_lifter += 1
                return people[index]
        return None

    def kept_elsewhere(self, lifter: PersonLandmarks, stored) -> None:
        """``stored`` holds the same landmarks as ``lifter``, which :meth:`update` has just
        returned (the pipeline's sequence builder row it was written to): keep that instead,
        so that a long clip's lifter is not held twice."""
        seen = self._people.get(self._lifter_id) if self._lifter_id is not None else None
        if seen is not None and seen.poses and seen.poses[-1] is lifter:
            seen.poses[-1] = stored

    def checkpoint(self) -> Checkpoint:
        """Take before feeding a shot's first frame; :meth:`restore` then forgets that shot,
        so that it can be fed again (read again with everyone in view, pose.finder)."""
        return Checkpoint(
            frames=self._frames,
            shot=self._shot,
            next_id=self._next_id,
            lifter_id=self._lifter_id,
            first_box=self._first_box,
            frames_with_lifter=self._frames_with_lifter,
            frames_with_several=self._frames_with_several,
            most_people=self._most_people,
            tracks={track_id: replace(track) for track_id, track in self._tracks.items()},
            first_choice=dict(self._first_choice),
            crowded_shots=frozenset(self._crowded_shots),
            shot_frames=dict(self._shot_frames),
        )

    def restore(self, checkpoint: Checkpoint) -> None:
        """Back to ``checkpoint`` (taken in this shot or the one before it, before revise)."""
        c = checkpoint
        self._frames, self._shot, self._next_id = c.frames, c.shot, c.next_id
        self._lifter_id, self._first_box = c.lifter_id, c.first_box
        self._frames_with_lifter = c.frames_with_lifter
        self._frames_with_several, self._most_people = c.frames_with_several, c.most_people
        self._tracks = {track_id: replace(track) for track_id, track in c.tracks.items()}
        self._first_choice = dict(c.first_choice)
        self._crowded_shots = set(c.crowded_shots)
        self._shot_frames = dict(c.shot_frames)
        del self._frame_boxes[c.frames :]
        for track_id in [i for i in self._people if i >= c.next_id]:
            del self._people[track_id]

    def revise(self) -> dict[int, PersonLandmarks | None]:
        """Choose each shot's lifter from the whole clip; return the frames whose lifter
        changes from what :meth:`update` said (frame index -> the lifter's landmarks there,
        or None where the new lifter was not seen)."""
        changes: dict[int, PersonLandmarks | None] = {}
        for shot, first in self._first_choice.items():
            swapped = self._people_by_colour(shot) if shot in self._crowded_shots else None
            if swapped is not None:
                chosen = self._best_person(shot, first, swapped)
            elif shot in self._crowded_shots:
                chosen = self._whole(self._best_lifter(shot, first))
            else:
                # Never two people at once: whoever is seen is the lifter, also after the
                # track was lost (a fast pull, a pose fitted badly for a frame).
                chosen = [
                    piece
                    for track, seen in self._people.items()
                    if seen.shot == shot
                    for piece in self._whole(track)
                ]
            self._final_choice[shot] = chosen
            said = dict(zip(self._people[first].frames, self._people[first].poses))
            now = {
                frame: pose
                for piece in chosen
                for frame, pose in zip(
                    self._people[piece.track].frames[piece.start : piece.stop],
                    self._people[piece.track].poses[piece.start : piece.stop],
                )
            }
            changes.update(
                {
                    frame: now.get(frame)
                    for frame in said | now
                    if now.get(frame) is not said.get(frame)
                }
            )
        self._frames_with_lifter = sum(
            piece.stop - piece.start for pieces in self._final_choice.values() for piece in pieces
        )
        return changes

    def _whole(self, track: int) -> list[_Piece]:
        return [_Piece(track, 0, len(self._people[track].frames), np.full(3, np.nan))]

    def _crossings(self, seen: _Person) -> list[bool]:
        """Per frame of a track: people were crossing near then (within COLOUR_WINDOW frames,
        or while the track was lost just before): two bodies overlapping, or one of two
        people just hidden behind the other. Only there can two tracks have swapped people."""
        crowded = self._crossing_frames()
        w = COLOUR_WINDOW
        return [
            bool(crowded[max(0, (seen.frames[k - 1] if k else frame) - w) : frame + w + 1].any())
            for k, frame in enumerate(seen.frames)
        ]

    def _crossing_frames(self) -> np.ndarray:
        """(frames,) bool: bodies overlapped, or fewer were seen than just before while two or
        more had been (someone hidden behind someone else)."""
        counts = np.array([len(boxes) for boxes in self._frame_boxes])
        crossing = np.zeros(len(counts), bool)
        for f, boxes in enumerate(self._frame_boxes):
            overlap = any(
                a.intersection_area(b) > 0 for i, a in enumerate(boxes) for b in boxes[i + 1 :]
            )
            recent = counts[max(0, f - COLOUR_WINDOW) : f]
            hidden = len(recent) > 0 and recent.max() >= 2 and counts[f] < recent.max()
            crossing[f] = overlap or hidden
        return crossing

    def _has_colours(self, shot: int) -> bool:
        return all(
            len(seen.colours) == len(seen.frames)
            for seen in self._people.values()
            if seen.shot == shot
        )

    def _people_by_colour(self, shot: int) -> list[list[_Piece]] | None:
        """The shot's tracks cut where their colour changes, and the pieces joined into
        people: in time order, a piece joins the person of the closest colour (within
        JOIN_COLOUR) whose last piece ended before it began; else it is someone new. None
        when the frames were not given or no track changed colour (no swap to undo: the
        tracks are the people, as boxes alone say)."""
        if not self._has_colours(shot):
            return None
        pieces = sorted(
            (
                piece
                for track, seen in self._people.items()
                if seen.shot == shot
                for piece in colour_pieces(
                    track, np.array(seen.colours), seen.frames, self._crossings(seen)
                )
            ),
            key=lambda piece: self._people[piece.track].frames[piece.start],
        )
        if len(pieces) == len({piece.track for piece in pieces}):
            return None
        people: list[list[_Piece]] = []
        for piece in pieces:
            begins = self._people[piece.track].frames[piece.start]
            free = [
                person
                for person in people
                if self._people[person[-1].track].frames[person[-1].stop - 1]
                < begins + COLOUR_WINDOW
            ]
            distance = {
                id(person): float(np.nanmax(np.abs(person[-1].colour - piece.colour)))
                for person in free
                if np.isfinite(person[-1].colour).all() and np.isfinite(piece.colour).all()
            }
            near = [p for p in free if distance.get(id(p), np.inf) <= JOIN_COLOUR]
            if near:
                min(near, key=lambda p: distance[id(p)]).append(piece)
            else:
                people.append([piece])
        return people

    def _best_person(self, shot: int, first: int, people: list[list[_Piece]]) -> list[_Piece]:
        """As :meth:`_best_lifter`, over people told apart by colour rather than tracks."""
        first_person = next(
            person for person in people if any(p.track == first and p.start == 0 for p in person)
        )

        def poses(person: list[_Piece]) -> list[PersonLandmarks]:
            return [pose for p in person for pose in self._people[p.track].poses[p.start : p.stop]]

        followed = len(poses(first_person))
        shot_frames = self._shot_frames[shot]
        sweep = {
            id(person): trunk_sweep_deg(poses(person))
            for person in people
            if len(poses(person))
            >= max(MIN_PRESENCE_VS_FIRST * followed, MIN_PRESENCE * shot_frames)
        }
        sweep.setdefault(id(first_person), trunk_sweep_deg(poses(first_person)))
        best = max(people, key=lambda person: sweep.get(id(person), -np.inf))
        if sweep[id(best)] >= sweep[id(first_person)] + SWITCH_MARGIN_DEG:
            return best
        return first_person

    def _best_lifter(self, shot: int, first: int) -> int:
        candidates = {
            track: person for track, person in self._people.items() if person.shot == shot
        }
        followed = len(candidates[first].frames)
        shot_frames = self._shot_frames[shot]
        sweep = {
            track: trunk_sweep_deg(person.poses)
            for track, person in candidates.items()
            if len(person.frames)
            >= max(MIN_PRESENCE_VS_FIRST * followed, MIN_PRESENCE * shot_frames)
        }
        sweep.setdefault(first, trunk_sweep_deg(candidates[first].poses))
        best = max(sweep, key=sweep.get)
        return best if sweep[best] >= sweep[first] + SWITCH_MARGIN_DEG else first

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
            if index not in track_of:
                # Someone new, or someone lost beyond every gate: a new track, never a merge.
                track_of[index] = self._next_id
                self._next_id += 1
            self._tracks[track_of[index]] = _Track(box)
        return track_of

    def crowding_warning(self) -> str | None:
        """For the report: other people kept the lifter from being followed through the clip
        (one person hidden behind another, identities swapped), so reps may be missing."""
        if not self._frames or self._most_people <= 1:
            return None
        followed = self._frames_with_lifter / self._frames
        crowded = self._frames_with_several / self._frames
        if followed >= CROWDED_MIN_FOLLOWED or crowded < CROWDED_MIN_SEVERAL:
            return None
        return (
            f"other people were in view and the lifter was followed in only "
            f"{self._frames_with_lifter} of {self._frames} frames: where someone crossed, "
            "hid or stood behind them, reps and faults may be missed or mixed up; film with "
            "the lifter alone in frame"
        )

    def describe(self) -> str:
        """Which person was analysed, in words, for the report."""
        if self._first_box is None:
            return f"no person was found in {self._frames} frames"
        where = f"at x≈{self._first_box.center[0]:.2f} of the width"
        followed = f"followed in {self._frames_with_lifter} of {self._frames} frames"
        shots = f"; {self._shot + 1} shots (the clip was cut)" if self._shot else ""
        if self._most_people <= 1:
            return f"the only person in frame (first seen {where}); {followed}{shots}"
        switched = [
            shot
            for shot, pieces in self._final_choice.items()
            if shot in self._crowded_shots
            and not any(p.track == self._first_choice[shot] and p.start == 0 for p in pieces)
        ]
        if switched:
            piece = min(
                self._final_choice[switched[0]],
                key=lambda p: self._people[p.track].frames[p.start],
            )
            box = body_box(self._people[piece.track].poses[piece.start])
            chosen = (
                "the person whose trunk moved through a hinge (first seen at "
                f"x≈{box.center[0]:.2f} of the width), not the one largest in frame when "
                "first seen"
            )
        else:
            chosen = f"the person who was largest in frame when first seen ({where})"
        return (
            f"{chosen}; {followed}; up to {self._most_people} people at once, several in "
            f"{self._frames_with_several} frames{shots}"
        )
