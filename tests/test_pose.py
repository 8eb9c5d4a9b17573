"""The pose stage: model lookup, the MediaPipe estimator, and following the lifter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import ModelError
from formcheck.pose import models
from formcheck.pose.estimator import PersonLandmarks, PoseEstimator
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.pose.models import resolve_model
from formcheck.pose.tracking import LifterTracker, body_box

REPO_MODELS = Path(__file__).resolve().parents[1] / "models"
REAL_CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips" / "real"
SIDE_VIEW_CLIP = REAL_CLIPS / "jeff-j-chen__MediaPipe-PoseReader__deadlift.mp4"


# --- resolve_model ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lite", "full"])
def test_bundled_models_resolve_to_the_repo_models_folder(name, monkeypatch):
    monkeypatch.delenv(models.MODEL_DIR_ENV, raising=False)
    display, path = resolve_model(name)
    assert display == name
    assert path == REPO_MODELS / f"pose_landmarker_{name}.task"
    assert path.is_file()


def test_model_dir_env_is_searched_first(tmp_path, monkeypatch):
    own = tmp_path / "pose_landmarker_lite.task"
    own.write_bytes(b"not checked here")
    monkeypatch.setenv(models.MODEL_DIR_ENV, str(tmp_path))
    assert resolve_model("lite") == ("lite", own)


def test_missing_heavy_says_how_to_build_it(tmp_path, monkeypatch):
    # Search only an empty folder, so a heavy model a developer built locally cannot interfere.
    monkeypatch.setattr(models, "model_search_dirs", lambda: [tmp_path])
    with pytest.raises(ModelError) as caught:
        resolve_model("heavy")
    message = str(caught.value)
    assert "python tools/build_models.py --variant heavy --out models/" in message
    assert "\n" not in message


def test_missing_bundled_model_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "model_search_dirs", lambda: [tmp_path])
    with pytest.raises(ModelError, match="pose_landmarker_full.task"):
        resolve_model("full")


def test_explicit_path_resolves_with_its_stem_as_name(tmp_path):
    path = tmp_path / "my_model.task"
    path.write_bytes(b"x")
    assert resolve_model(str(path)) == ("my_model", path)


@pytest.mark.parametrize("spec", ["no/such/model.task", "medium"])
def test_bad_model_spec_is_a_model_error_naming_it(spec):
    with pytest.raises(ModelError) as caught:
        resolve_model(spec)
    assert Path(spec).name in str(caught.value)
    assert isinstance(caught.value, FileNotFoundError)


def test_existing_file_that_is_not_a_task_bundle_is_refused(tmp_path):
    path = tmp_path / "pose.tflite"
    path.write_bytes(b"x")
    with pytest.raises(ModelError, match="pose.tflite"):
        resolve_model(str(path))


# --- the tracker, on synthetic people --------------------------------------------------------

# A stick figure standing in a unit box centred on 0: head at the top, feet at the bottom.
_TEMPLATE = np.stack(
    [
        np.where(np.arange(NUM_LANDMARKS) % 2 == 0, -0.12, 0.12),
        np.linspace(-0.5, 0.5, NUM_LANDMARKS),
    ],
    axis=1,
)


def person(cx: float, cy: float = 0.5, height: float = 0.6) -> PersonLandmarks:
    return PersonLandmarks(
        image_xy=np.array([cx, cy]) + _TEMPLATE * height,
        world_xyz=np.zeros((NUM_LANDMARKS, 3)),
        visibility=np.ones(NUM_LANDMARKS),
    )


def centre_x(p: PersonLandmarks | None) -> float | None:
    return None if p is None else round(float(body_box(p).center[0]), 3)


def test_first_sight_picks_the_largest_body():
    tracker = LifterTracker()
    small, large = person(0.2, height=0.3), person(0.7, height=0.7)
    assert tracker.update([small, large]) is large


def test_lifter_is_kept_when_the_other_person_becomes_larger():
    tracker = LifterTracker()
    tracker.update([person(0.3, height=0.6), person(0.8, height=0.3)])
    for step in range(30):  # the bystander walks towards the camera and grows past the lifter
        bystander = person(0.8, height=0.3 + 0.02 * step)
        lifter = person(0.3 + 0.002 * step, height=0.6)
        assert tracker.update([bystander, lifter]) is lifter
    assert body_box(bystander).area > body_box(lifter).area


def test_lifter_is_kept_when_detection_order_swaps_every_frame():
    tracker = LifterTracker()
    chosen = []
    for step in range(20):
        a, b = person(0.25, height=0.6), person(0.75, height=0.55)
        chosen.append(centre_x(tracker.update([a, b] if step % 2 else [b, a])))
    assert chosen == [0.25] * 20


def test_lifter_is_followed_while_moving_and_hinging():
    tracker = LifterTracker()
    tracker.update([person(0.2, height=0.6), person(0.85, height=0.5)])
    for step in range(60):
        # The lifter drifts right and shrinks in height as they hinge over.
        lifter = person(0.2 + 0.004 * step, cy=0.5 + 0.002 * step, height=0.6 - 0.003 * step)
        assert tracker.update([person(0.85, height=0.5), lifter]) is lifter


def test_none_rather_than_a_switch_when_the_lifter_disappears():
    tracker = LifterTracker()
    tracker.update([person(0.3), person(0.8)])
    # Long enough for the gate to reach its cap: the bystander must still never be taken.
    results = [tracker.update([person(0.8)]) for _ in range(200)]
    assert results == [None] * 200
    assert tracker.update([]) is None


def test_someone_else_walking_into_the_lost_lifters_place_is_not_taken():
    tracker = LifterTracker()
    tracker.update([person(0.3), person(0.6)])
    # The lifter is lost; the partner, tracked all along, walks to where the lifter stood.
    results = [tracker.update([person(0.6 - 0.01 * step)]) for step in range(31)]
    assert results == [None] * 31


def test_lifter_is_reacquired_near_where_they_were_lost():
    tracker = LifterTracker()
    tracker.update([person(0.3), person(0.8)])
    for _ in range(15):
        tracker.update([person(0.8)])
    back = person(0.36)
    assert tracker.update([person(0.8), back]) is back


def test_nobody_until_someone_appears():
    tracker = LifterTracker()
    assert tracker.update([]) is None
    first = person(0.5)
    assert tracker.update([first]) is first
    assert "no person" not in tracker.describe()


def test_describe_names_the_choice_and_the_crowd():
    tracker = LifterTracker()
    assert tracker.describe().startswith("no person was found")
    tracker.update([person(0.52, height=0.7), person(0.1, height=0.3)])
    tracker.update([person(0.52, height=0.7)])
    text = tracker.describe()
    assert "largest in frame when first seen" in text
    assert "x≈0.52" in text
    assert "2 of 2 frames" in text
    assert "up to 2 people" in text


def test_a_lifter_lost_among_other_people_is_warned_about():
    tracker = LifterTracker()
    tracker.update([person(0.3), person(0.8)])
    for step in range(40):  # the lifter is hidden; others stay in view, often two at once
        tracker.update([person(0.8), person(0.6, height=0.4)] if step % 2 else [person(0.8)])
    warning = tracker.crowding_warning()
    assert warning and "followed in only 1 of 41 frames" in warning


def test_no_crowding_warning_when_the_lifter_is_followed_or_alone():
    beside = LifterTracker()
    for _ in range(40):  # someone beside the lifter all along, both followed
        beside.update([person(0.3), person(0.8)])
    assert beside.crowding_warning() is None
    alone = LifterTracker()
    for step in range(40):  # one person, lost half the time: not a crowd
        alone.update([person(0.5)] if step % 2 else [])
    assert alone.crowding_warning() is None


def test_person_landmarks_checks_shapes():
    with pytest.raises(ValueError, match="image_xy"):
        PersonLandmarks(np.zeros((32, 2)), np.zeros((33, 3)), np.zeros(33))


# --- the estimator ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def estimator():
    with PoseEstimator("lite", num_poses=2) as est:
        yield est


def test_blank_image_has_nobody(estimator):
    assert estimator.detect(np.zeros((480, 640, 3), np.uint8), 0) == []


def test_non_increasing_timestamps_do_not_crash(estimator):
    blank = np.full((240, 320, 3), 127, np.uint8)
    for t_ms in (1000, 1000, 400, 1001):
        assert estimator.detect(blank, t_ms) == []


def test_estimator_reports_its_model():
    with PoseEstimator("full", num_poses=1) as est:
        assert est.model_name == "full"
        assert est.model_path.name == "pose_landmarker_full.task"


def test_rejects_an_image_that_is_not_rgb_uint8(estimator):
    with pytest.raises(ValueError, match="uint8"):
        estimator.detect(np.zeros((48, 64, 3), np.float32), 0)


def test_file_mediapipe_refuses_is_a_one_line_model_error(tmp_path):
    junk = tmp_path / "junk.task"
    junk.write_bytes(b"this is not a zip")
    with pytest.raises(ModelError) as caught:
        PoseEstimator(str(junk))
    assert "junk.task" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("option", "value"),
    [("running_mode", "batch"), ("num_poses", 0), ("min_tracking_confidence", 1.5)],
)
def test_bad_options_are_refused_before_loading(option, value):
    with pytest.raises(ValueError, match=option):
        PoseEstimator("lite", **{option: value})


def _frame_with_a_person() -> np.ndarray:
    """Frame 30 of a real side-view deadlift (read from shared/, never copied into the repo)."""
    if not SIDE_VIEW_CLIP.is_file():
        pytest.skip("shared/clips/real is not present")
    import av

    with av.open(str(SIDE_VIEW_CLIP)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index == 30:
                return frame.to_ndarray(format="rgb24")
    pytest.fail(f"{SIDE_VIEW_CLIP.name} has fewer than 31 frames")


@pytest.mark.parametrize("model", ["lite", "full"])
def test_finds_the_lifter_in_a_real_frame(model):
    image = _frame_with_a_person()
    with PoseEstimator(model, num_poses=2) as est:
        people = est.detect(image, 0)
    assert len(people) == 1
    lifter = people[0]
    y = lifter.image_xy[:, 1]
    # Upright anatomy in the image: head above shoulders above hips above knees above ankles.
    assert y[Landmark.NOSE] < y[Landmark.LEFT_SHOULDER] < y[Landmark.LEFT_HIP]
    assert y[Landmark.LEFT_HIP] < y[Landmark.LEFT_KNEE] < y[Landmark.LEFT_ANKLE]
    # The hips of this lifter sit at about (0.34, 0.53) of the frame.
    assert np.allclose(lifter.image_xy[Landmark.LEFT_HIP], [0.34, 0.53], atol=0.05)
    assert lifter.visibility[Landmark.LEFT_SHOULDER] > 0.9
    # World landmarks are metres about the hips: a shoulder-to-ankle span of a grown adult.
    span = np.linalg.norm(
        lifter.world_xyz[Landmark.LEFT_SHOULDER] - lifter.world_xyz[Landmark.LEFT_ANKLE]
    )
    assert 0.8 < span < 1.8


def test_non_contiguous_frame_is_still_seen():
    image = _frame_with_a_person()
    padded = np.zeros((image.shape[0], image.shape[1] + 40, 3), np.uint8)
    padded[:, 20:-20] = image
    view = padded[:, 20:-20]  # same pixels, but rows are not contiguous in memory
    assert not view.flags["C_CONTIGUOUS"]
    with PoseEstimator("lite", num_poses=1) as est:
        assert len(est.detect(view, 0)) == 1


def boxed_person(x0: float, y0: float, x1: float, y1: float) -> PersonLandmarks:
    """A person whose landmarks fill exactly the given box."""
    t = _TEMPLATE - _TEMPLATE.min(axis=0)
    t = t / t.max(axis=0)
    return PersonLandmarks(
        image_xy=np.array([x0, y0]) + t * np.array([x1 - x0, y1 - y0]),
        world_xyz=np.zeros((NUM_LANDMARKS, 3)),
        visibility=np.ones(NUM_LANDMARKS),
    )


# Detections MediaPipe returned on a rendered back view as the lifter hinged over (boxes
# read off sample_videos/sldl_clean_back.mp4): the whole body, plus a second pose fitted to
# the upper half of it that grew wider than the whole one before it vanished.
HINGE_DETECTIONS = [
    [(0.42, 0.15, 0.59, 0.82)],
    [(0.44, 0.37, 0.55, 0.79), (0.46, 0.41, 0.5, 0.54)],
    [(0.42, 0.43, 0.58, 0.81), (0.45, 0.44, 0.54, 0.65)],
    [(0.42, 0.41, 0.55, 0.81), (0.43, 0.45, 0.57, 0.64)],
    [(0.47, 0.41, 0.52, 0.81), (0.42, 0.43, 0.57, 0.64)],
    [(0.47, 0.41, 0.57, 0.82), (0.42, 0.43, 0.58, 0.64)],
    [(0.42, 0.42, 0.57, 0.81), (0.42, 0.42, 0.58, 0.65)],
    [(0.41, 0.4, 0.57, 0.79), (0.42, 0.39, 0.57, 0.64)],
    [(0.42, 0.35, 0.57, 0.71)],
    [(0.42, 0.29, 0.57, 0.81)],
    [(0.42, 0.15, 0.59, 0.82)],
]


def test_a_second_pose_fitted_to_part_of_the_lifter_does_not_take_the_track():
    tracker = LifterTracker()
    for frame in HINGE_DETECTIONS:
        found = tracker.update([boxed_person(*box) for box in frame])
        assert found is not None
        assert body_box(found).y1 - body_box(found).y0 > 0.3, "followed the fragment"


def test_a_tiny_guess_where_the_lifter_was_lost_does_not_take_the_track():
    tracker = LifterTracker()
    tracker.update([person(0.5)])
    for _ in range(5):
        assert tracker.update([]) is None
    assert tracker.update([person(0.5, height=0.05)]) is None  # a fragment, not the lifter
    assert tracker.update([person(0.5)]) is not None  # the lifter, back in place


# --- cuts and the lifter chosen on the whole clip ---------------------------------------------


def hinging(cx: float, trunk_deg: float, height: float = 0.6) -> PersonLandmarks:
    """``person`` whose world landmarks lean the trunk ``trunk_deg`` from vertical."""
    p = person(cx, height=height)
    world = np.zeros((NUM_LANDMARKS, 3))
    lean = np.radians(trunk_deg)
    for side, x in (("LEFT", -0.1), ("RIGHT", 0.1)):
        world[Landmark[f"{side}_HIP"]] = (x, 0.0, 0.0)
        world[Landmark[f"{side}_SHOULDER"]] = (x, -0.5 * np.cos(lean), 0.5 * np.sin(lean))
    return PersonLandmarks(p.image_xy, world, p.visibility)


def test_after_a_cut_the_lifter_is_found_afresh_in_the_new_shot():
    tracker = LifterTracker()
    tracker.update([person(0.2)])  # one frame of another take, the lifter elsewhere
    found = tracker.update([person(0.75)], new_shot=True)
    assert centre_x(found) == 0.75
    assert all(tracker.update([person(0.75)]) is not None for _ in range(10))
    assert "2 shots" in tracker.describe()


def test_without_a_cut_a_person_far_from_the_lifter_is_not_taken():
    tracker = LifterTracker()
    tracker.update([person(0.2)])
    tracker.update([person(0.2), person(0.75)])
    assert tracker.update([person(0.75)]) is None


def test_the_person_doing_the_hinge_is_the_lifter_not_the_larger_onlooker():
    tracker = LifterTracker()
    coach, student = 0.3, 0.7
    for k in range(90):  # three swings while the coach, nearer the camera, stands still
        lean = 45 + 40 * np.sin(2 * np.pi * k / 30)
        first = tracker.update([hinging(coach, 5, height=0.8), hinging(student, lean)])
        assert centre_x(first) == coach  # frame by frame: the largest at first sight
    changes = tracker.revise()
    assert len(changes) == 90
    assert {centre_x(p) for p in changes.values()} == {student}
    assert "trunk moved through a hinge" in tracker.describe()


def test_a_passer_by_bending_once_does_not_take_the_lifters_place():
    tracker = LifterTracker()
    for k in range(90):
        lifter = hinging(0.3, 10 + 5 * np.sin(k / 10), height=0.8)  # a slow, shallow drill
        others = [hinging(0.8, 80 * (k % 20 > 10))] if 30 <= k < 50 else []
        tracker.update([lifter, *others])
    assert tracker.revise() == {}


def test_one_person_at_a_time_is_the_lifter_also_after_the_track_was_lost():
    tracker = LifterTracker()
    for _ in range(20):
        assert centre_x(tracker.update([person(0.3)])) == 0.3
    # A fast pull: the pose lands far from the last box, beyond every gate.
    for _ in range(20):
        assert tracker.update([person(0.7)]) is None
    changes = tracker.revise()
    assert sorted(changes) == list(range(20, 40))
    assert {centre_x(p) for p in changes.values()} == {0.7}
    assert "followed in 40 of 40 frames" in tracker.describe()
