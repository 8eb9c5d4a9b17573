"""Two people, one behind the other: a coach standing still behind a student who hinges. When
the student passes in front, the pose model sees one of them and the tracks can come out of
the crossing swapped. With the frames to look at, the tracker tells them apart by the colour
of their clothes, so the lifter is the student in every frame, and the report says so."""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.person import PersonLandmarks
from formcheck.pose.tracking import LifterTracker, body_box

SIZE = 200  # pixels, square frames
COACH, STUDENT = (30, 28, 25), (160, 160, 165)  # a black shirt, a grey one


def figure(cx: float, height: float, trunk_deg: float) -> PersonLandmarks:
    """A stick figure centred at ``cx`` (image fractions), its world trunk leaning
    ``trunk_deg`` from vertical; shoulders at 30% and hips at 55% of its height."""
    y = np.linspace(0.5 - height / 2, 0.5 + height / 2, NUM_LANDMARKS)
    xy = np.stack([np.full(NUM_LANDMARKS, cx) + np.where(np.arange(33) % 2, 0.08, -0.08), y], 1)
    for side, dx in (("LEFT", -0.03), ("RIGHT", 0.03)):
        xy[L[f"{side}_SHOULDER"]] = (cx + dx, 0.5 - height / 2 + 0.3 * height)
        xy[L[f"{side}_HIP"]] = (cx + dx, 0.5 - height / 2 + 0.55 * height)
    world = np.zeros((NUM_LANDMARKS, 3))
    lean = np.radians(trunk_deg)
    for side, x in (("LEFT", -0.1), ("RIGHT", 0.1)):
        world[L[f"{side}_SHOULDER"]] = (x, -0.5 * np.cos(lean), 0.5 * np.sin(lean))
        world[L[f"{side}_HIP"]] = (x, 0.0, 0.0)
    return PersonLandmarks(xy, world, np.ones(NUM_LANDMARKS))


def frame_of(*people: tuple[PersonLandmarks, tuple[int, int, int]]) -> np.ndarray:
    """A grey-green room with each person's trunk painted in their shirt's colour."""
    image = np.full((SIZE, SIZE, 3), (90, 110, 90), np.uint8)
    for person, colour in people:
        box = body_box(person)
        x0, x1 = int(box.x0 * SIZE), int(box.x1 * SIZE) + 1
        top = int(person.image_xy[L.LEFT_SHOULDER, 1] * SIZE)
        bottom = int(person.image_xy[L.LEFT_HIP, 1] * SIZE) + 1
        image[top:bottom, x0:x1] = colour
    return image


def student_x(k: int) -> float:
    return 0.35 if k < 40 else 0.56


def play(tracker: LifterTracker, with_frames: bool) -> list[float | None]:
    """90 frames, the pattern of a real clip. The coach (larger, nearer) stands at x 0.65;
    the student swings at 0.35, then in front of the coach, at 0.56, where for 20 frames
    only the student is seen, and on. The coach's track takes the student then (its box
    overlaps), and the coach, uncovered, gets a new one. Returns the lifter's x per frame,
    as the tracker first says it."""
    said = []
    for k in range(90):
        swing = 45 + 40 * np.sin(2 * np.pi * k / 30)
        student, coach = figure(student_x(k), 0.6, swing), figure(0.65, 0.75, 4.0)
        people = [(student, STUDENT)] if 40 <= k < 60 else [(coach, COACH), (student, STUDENT)]
        image = frame_of(*people)
        found = tracker.update(
            [person for person, _ in people], image=image if with_frames else None
        )
        said.append(None if found is None else round(float(body_box(found).center[0]), 2))
    return said


def final_choice(tracker: LifterTracker, said: list[float | None]) -> list[float | None]:
    final = list(said)
    for frame, person in tracker.revise().items():
        final[frame] = None if person is None else round(float(body_box(person).center[0]), 2)
    return final


def test_the_student_is_the_lifter_in_every_frame_though_the_tracks_swapped():
    tracker = LifterTracker()
    said = play(tracker, with_frames=True)
    assert said[0] == 0.65  # frame by frame: the larger, nearer coach at first
    final = final_choice(tracker, said)
    assert final == [round(student_x(k), 2) for k in range(90)]  # the student, every frame
    person = tracker.describe()
    assert person.startswith("the person whose trunk moved through a hinge (first seen at x≈0.35")


def test_without_the_frames_the_boxes_alone_follow_the_swap():
    """What happened before: the coach's track went on with the student after the crossing,
    so the skeleton was on the coach while the student set up (the reason for the frames)."""
    tracker = LifterTracker()
    final = final_choice(tracker, play(tracker, with_frames=False))
    assert final[:40] == [0.65] * 40  # the coach
    assert "largest in frame when first seen (at x≈0.65" in tracker.describe()


def test_the_pipeline_keeps_the_lifter_once_and_chooses_the_same():
    """The pose pass writes the lifter into its sequence builder and the tracker keeps the
    builder's row instead of a second copy: the choice on the whole clip, the landmarks
    written and the report's words are those of a tracker that kept everyone's copies."""
    from formcheck.pipeline import _feed, revise_lifter
    from formcheck.pose.sequence_builder import SequenceBuilder

    plain = LifterTracker()
    expected = final_choice(plain, play(plain, with_frames=True))

    tracker, builder = LifterTracker(), SequenceBuilder((SIZE, SIZE))
    for k in range(90):
        swing = 45 + 40 * np.sin(2 * np.pi * k / 30)
        student, coach = figure(student_x(k), 0.6, swing), figure(0.65, 0.75, 4.0)
        people = [(student, STUDENT)] if 40 <= k < 60 else [(coach, COACH), (student, STUDENT)]
        image = frame_of(*people)
        _feed(builder, tracker, k / 30, [p for p, _ in people], False, image=image)
    moved = revise_lifter(tracker, builder)
    assert tracker.describe() == plain.describe()
    seq = builder.finish()
    found = [
        round(float(body_box(PersonLandmarks(xy, xyz, vis)).center[0]), 2)
        for xy, xyz, vis in zip(seq.image_xy, seq.world_xyz, seq.visibility)
    ]
    assert found == expected == [round(student_x(k), 2) for k in range(90)]
    assert moved  # the coach's frames at the start were rewritten with the student


def test_a_lone_lifters_landmarks_are_not_kept_twice():
    import gc
    import weakref

    from formcheck.pipeline import _feed, revise_lifter
    from formcheck.pose.sequence_builder import SequenceBuilder

    tracker, builder = LifterTracker(), SequenceBuilder((SIZE, SIZE))
    alive = []
    for k in range(30):
        person = figure(0.4, 0.6, 45 + 40 * np.sin(2 * np.pi * k / 30))
        alive.append(weakref.ref(person))
        _feed(builder, tracker, k / 30, [person], False)
        del person
    gc.collect()
    assert not any(ref() is not None for ref in alive)  # only the builder holds them
    assert revise_lifter(tracker, builder) == set()
    assert tracker.describe().startswith("the only person in frame")
    assert np.isfinite(builder.finish().image_xy).all()
