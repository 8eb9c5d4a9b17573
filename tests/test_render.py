"""The overlay drawing and the per-frame timeline of overlay states."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.render.overlay import OverlayState, draw_overlay, to_ascii
from formcheck.render.timeline import build_timeline
from formcheck.types import Fault, Rep, Report, VideoInfo

BACKGROUND = 90  # mid grey: neither white joints nor the dark banner can match it


def standing_pose(width: int, height: int) -> np.ndarray:
    """(33, 2) pixel positions of a person standing side-on, filling the middle of the frame."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    normalised = {
        Landmark.LEFT_EAR: (0.50, 0.15),
        Landmark.RIGHT_EAR: (0.51, 0.15),
        Landmark.LEFT_SHOULDER: (0.50, 0.25),
        Landmark.RIGHT_SHOULDER: (0.52, 0.25),
        Landmark.LEFT_ELBOW: (0.50, 0.37),
        Landmark.RIGHT_ELBOW: (0.53, 0.37),
        Landmark.LEFT_WRIST: (0.50, 0.48),
        Landmark.RIGHT_WRIST: (0.53, 0.48),
        Landmark.LEFT_HIP: (0.50, 0.50),
        Landmark.RIGHT_HIP: (0.52, 0.50),
        Landmark.LEFT_KNEE: (0.50, 0.65),
        Landmark.RIGHT_KNEE: (0.52, 0.65),
        Landmark.LEFT_ANKLE: (0.50, 0.80),
        Landmark.RIGHT_ANKLE: (0.52, 0.80),
        Landmark.LEFT_HEEL: (0.51, 0.82),
        Landmark.RIGHT_HEEL: (0.53, 0.82),
        Landmark.LEFT_FOOT_INDEX: (0.45, 0.82),
        Landmark.RIGHT_FOOT_INDEX: (0.47, 0.82),
    }
    for landmark, point in normalised.items():
        xy[landmark] = point
    return xy * np.array([width, height])


def blank(width: int = 640, height: int = 480) -> np.ndarray:
    return np.full((height, width, 3), BACKGROUND, dtype=np.uint8)


def state(**changes) -> OverlayState:
    fields = dict(
        exercise="kb_single_leg_deadlift",
        rep_count=2,
        phase="descent",
        angles=(("hip", 82.0, int(Landmark.LEFT_HIP)),),
        banners=(),
        highlight=frozenset(),
        view="side view",
    )
    return OverlayState(**{**fields, **changes})


def pixel(image: np.ndarray, xy: np.ndarray) -> np.ndarray:
    x, y = (int(round(v)) for v in xy)
    return image[y, x].astype(int)


def is_red(rgb: np.ndarray) -> bool:
    return rgb[0] > 200 and rgb[1] < 90 and rgb[2] < 90


# --- overlay -------------------------------------------------------------------------------------


def test_overlay_draws_in_place_on_the_skeleton_only():
    image = blank()
    xy = standing_pose(640, 480)
    out = draw_overlay(image, xy, np.ones(NUM_LANDMARKS), state())

    assert out is image and out.shape == (480, 640, 3) and out.dtype == np.uint8
    shin_middle = (xy[Landmark.LEFT_KNEE] + xy[Landmark.LEFT_ANKLE]) / 2
    assert not np.array_equal(pixel(out, shin_middle), [BACKGROUND] * 3)
    assert (pixel(out, xy[Landmark.LEFT_KNEE]) > 230).all()  # joints are white dots
    # Far from the person and the panel, nothing changes.
    assert (out[200:300, 560:630] == BACKGROUND).all()


def test_highlighted_joint_and_its_limb_are_red():
    xy = standing_pose(640, 480)
    highlight = frozenset({int(Landmark.LEFT_KNEE), int(Landmark.LEFT_ANKLE)})
    image = draw_overlay(blank(), xy, np.ones(NUM_LANDMARKS), state(highlight=highlight))

    assert is_red(pixel(image, xy[Landmark.LEFT_KNEE]))
    assert is_red(pixel(image, (xy[Landmark.LEFT_KNEE] + xy[Landmark.LEFT_ANKLE]) / 2))
    assert not is_red(pixel(image, xy[Landmark.LEFT_HIP]))
    assert not is_red(pixel(image, (xy[Landmark.LEFT_HIP] + xy[Landmark.LEFT_KNEE]) / 2))


def test_a_single_highlighted_joint_reddens_the_limbs_it_joins():
    xy = standing_pose(640, 480)
    highlight = frozenset({int(Landmark.LEFT_KNEE)})
    image = draw_overlay(blank(), xy, None, state(angles=(), highlight=highlight))
    assert is_red(pixel(image, (xy[Landmark.LEFT_HIP] + xy[Landmark.LEFT_KNEE]) / 2))
    assert not is_red(pixel(image, (xy[Landmark.RIGHT_HIP] + xy[Landmark.RIGHT_KNEE]) / 2))


def test_missing_and_hidden_points_are_skipped():
    xy = standing_pose(640, 480)
    knee = xy[Landmark.LEFT_KNEE].copy()
    xy[Landmark.LEFT_KNEE] = np.nan
    visibility = np.ones(NUM_LANDMARKS)
    visibility[Landmark.RIGHT_KNEE] = 0.1
    visibility[Landmark.RIGHT_ANKLE] = np.nan
    image = draw_overlay(blank(), xy, visibility, state(angles=(("knee", 170.0, 25),)))

    assert np.array_equal(pixel(image, knee), [BACKGROUND] * 3)
    assert np.array_equal(pixel(image, xy[Landmark.RIGHT_KNEE]), [BACKGROUND] * 3)
    assert not np.array_equal(pixel(image, xy[Landmark.LEFT_HIP]), [BACKGROUND] * 3)


def test_no_person_still_draws_panel_and_note():
    image = draw_overlay(blank(), None, None, state(note="no person found", angles=()))
    assert (image[15:40, 15:40] != BACKGROUND).any()  # rep panel, top left
    assert (image[10:40, 600:630] != BACKGROUND).any()  # note, top right
    everything_nan = np.full((NUM_LANDMARKS, 2), np.nan)
    again = draw_overlay(blank(), everything_nan, np.zeros(NUM_LANDMARKS), state(angles=()))
    assert (again[100:, :] == BACKGROUND).all()  # nothing below the panel


def bar_rows(image: np.ndarray) -> np.ndarray:
    """Row indices where the banner's dark bar reaches the right edge."""
    return np.flatnonzero((image[:, -1] < BACKGROUND).all(axis=1))


def test_banner_is_a_dark_bar_at_the_bottom_with_text_wrapped_inside_it():
    long_message = "Keep the kettlebell close to your standing shin all the way down " * 3
    for width, height in [(640, 480), (480, 854), (1920, 1080)]:
        short = draw_overlay(blank(width, height), None, None, state(banners=("Square hips",)))
        image = draw_overlay(
            blank(width, height), None, None, state(banners=(long_message, "Square hips"))
        )
        rows = bar_rows(image)
        assert len(rows) > 0 and rows[-1] == height - 1  # at the bottom
        assert np.array_equal(rows, np.arange(rows[0], height))  # one block
        assert len(bar_rows(short)) < len(rows) < height / 2  # wrapped, but not the frame
        # No text runs off the right edge: the last columns are plain bar.
        assert len(np.unique(image[rows, -3:])) == 1
        assert (image[: rows[0], width // 2 :] == BACKGROUND).all()  # only the bar is there


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080), (48, 32), (8, 8)])
def test_draws_on_portrait_landscape_and_tiny_frames(size):
    width, height = size
    image = blank(width, height)
    xy = standing_pose(width, height)
    busy = state(
        banners=("Keep the bell close to your shin", "Square hips"),
        highlight=frozenset({int(Landmark.LEFT_HIP)}),
        note="low light",
    )
    out = draw_overlay(image, xy, np.ones(NUM_LANDMARKS), busy)
    assert out.shape == (height, width, 3)
    assert (out != BACKGROUND).any()


def test_rejects_a_non_rgb_image():
    with pytest.raises(ValueError, match="uint8"):
        draw_overlay(np.zeros((48, 64), np.uint8), None, None, state())


def test_text_folds_to_ascii_for_opencv_4_fonts():
    assert to_ascii("Don\u2019t round \u2013 hinge to 70\u00b0, caf\u00e9") == (
        "Don't round - hinge to 70 deg, cafe"
    )


# --- timeline ------------------------------------------------------------------------------------

FPS = 30.0


def fault(onset_frame: int, rule_id: str, joints: tuple[str, ...]) -> Fault:
    return Fault(
        rule_id=rule_id,
        message=f"Message for {rule_id}",
        cue=rule_id,
        value=1.0,
        threshold=0.5,
        comparison=">",
        unit="",
        time_s=onset_frame / FPS,
        frame=onset_frame,
        onset_s=onset_frame / FPS,
        onset_frame=onset_frame,
        joints=joints,
        seed="",
    )


def rep(index: int, start: int, bottom: int, end: int, faults=()) -> Rep:
    return Rep(index, start, bottom, end, start / FPS, bottom / FPS, end / FPS, faults=list(faults))


def timeline_report() -> Report:
    clip = VideoInfo("clip.mp4", 640, 480, FPS, 600, 20.0, 0, "h264")
    reps = [
        # Rep 1 is short, so a fault's 2.5 s hold outlasts it.
        rep(1, 30, 60, 90, [fault(50, "bell_drift", ("left_wrist", "left_knee"))]),
        # Rep 2 is long, so a fault stays up until the rep ends.
        rep(2, 150, 240, 390, [fault(200, "hip_open", ("left_hip", "no_such_joint"))]),
        rep(3, 400, 430, 460, [fault(410, "a", ("left_ankle",)), fault(415, "b", ())]),
    ]
    return Report(
        exercise="kb_single_leg_deadlift",
        clip=clip,
        model="full",
        view="side",
        view_confidence=0.9,
        standing_leg="left",
        person="the only person",
        frames_total=600,
        frames_with_pose=600,
        reps=reps,
    )


def make_timeline(**kwargs):
    t = np.arange(600) / FPS
    hip = np.linspace(170, 80, 600)
    hip[5] = np.nan
    angles = {"hip": (hip, int(Landmark.LEFT_HIP))}
    return build_timeline(timeline_report(), t, angles, **kwargs)


def test_rep_counter_names_the_rep_in_progress():
    """Rep 2 reads 2 while it happens (it read 1, the reps completed), and stays there
    until rep 3 starts."""
    state_at = make_timeline()
    frames = (0, 29, 30, 89, 90, 149, 150, 389, 390, 400, 599)
    counts = {frame: state_at(frame).rep_count for frame in frames}
    assert counts == {
        0: 0,
        29: 0,
        30: 1,
        89: 1,
        90: 1,
        149: 1,
        150: 2,
        389: 2,
        390: 2,
        400: 3,
        599: 3,
    }


def test_the_panel_says_rep_during_a_rep_and_reps_between(monkeypatch):
    from formcheck.render import overlay

    said = []
    monkeypatch.setattr(overlay, "_put", lambda image, text, *args: said.append(text))
    image = np.zeros((480, 640, 3), np.uint8)
    for phase in ("descent", "top"):
        draw_overlay(image, None, None, OverlayState("x", 2, phase, (), (), frozenset()))
    assert said.count("REP") == 1 and said.count("REPS") == 1


def test_banner_says_what_went_wrong_and_how_to_fix_it():
    from formcheck.render.timeline import banner_text

    two = fault(50, "bell_drift", ())
    two = replace(two, message="The bell drifted away. Let it travel beside the shin.")
    assert banner_text(two) == "The bell drifted away. Let it travel beside the shin."
    assert banner_text(replace(two, confidence="low")).endswith("beside the shin.")


def test_the_degree_sign_sits_against_the_number(monkeypatch):
    """OpenCV 5 draws "°" after the digits; OpenCV 4 gets a ring just past them."""
    from formcheck.render import overlay

    put, rings = [], []
    monkeypatch.setattr(
        overlay, "_put", lambda image, text, origin, *args: put.append((text, origin))
    )
    monkeypatch.setattr(
        overlay.cv2, "circle", lambda image, centre, r, *a: rings.append((centre, r))
    )
    points = np.full((33, 2), np.nan)
    points[25] = (300, 240)
    state = OverlayState("x", 0, "top", (("knee", 32.4, 25),), (), frozenset())
    for unicode_text in (True, False):
        put.clear(), rings.clear()
        monkeypatch.setattr(overlay, "UNICODE_TEXT", unicode_text)
        draw_overlay(np.zeros((480, 640, 3), np.uint8), points, np.ones(33), state)
        ((text, (x, _)),) = [(t, o) for t, o in put if t.startswith("knee")]
        if unicode_text:
            assert text == "knee 32\u00b0"
        else:
            assert text == "knee 32"
            width = overlay._text_size(text, 0.5 * 1.0, 1)[0]
            ((centre, r),) = [ring for ring in rings if ring[1] == 2]  # not the joint's dot
            assert 0 <= centre[0] - r - (x + width) <= 1  # the ring starts where the digits end


def test_phases_follow_start_bottom_and_end():
    state_at = make_timeline()
    expected = {
        0: "setup",
        29: "setup",
        30: "descent",
        55: "descent",  # 0.17 s before the bottom
        56: "bottom",  # within 0.15 s of it
        60: "bottom",
        64: "bottom",
        66: "ascent",
        89: "ascent",
        90: "top",
        120: "top",
        150: "descent",
        599: "top",
    }
    assert {frame: state_at(frame).phase for frame in expected} == expected


def test_fault_banner_is_held_for_hold_s_then_cleared():
    state_at = make_timeline(hold_s=2.5)
    assert state_at(49).banners == ()
    assert state_at(50).banners == ("Message for bell_drift",)
    # Held 2.5 s (75 frames) after onset though rep 1 ended at frame 90.
    assert state_at(124).banners == ("Message for bell_drift",)
    assert state_at(125).banners == ()
    assert state_at(50).highlight == {int(Landmark.LEFT_WRIST), int(Landmark.LEFT_KNEE)}
    assert state_at(125).highlight == frozenset()


def test_fault_banner_stays_until_a_long_rep_ends():
    state_at = make_timeline(hold_s=2.5)
    assert state_at(389).banners == ("Message for hip_open",)  # 6.3 s after onset
    assert state_at(389).highlight == {int(Landmark.LEFT_HIP)}  # unknown names ignored
    assert state_at(391).banners == ()


def test_overlapping_faults_most_recent_first():
    state_at = make_timeline()
    assert state_at(412).banners == ("Message for a",)
    assert state_at(420).banners == ("Message for b", "Message for a")
    assert state_at(420).highlight == {int(Landmark.LEFT_ANKLE)}


def test_angles_view_and_out_of_range_frames():
    state_at = make_timeline()
    first = state_at(0)
    assert first.angles == (("hip", 170.0, int(Landmark.LEFT_HIP)),)
    assert first.view == "side view" and first.exercise == "kb_single_leg_deadlift"
    assert state_at(5).angles == ()  # NaN angle: no label
    assert state_at(10_000) == state_at(599)
    assert state_at(-3) == state_at(0)


def test_timeline_rejects_mismatched_angle_series():
    with pytest.raises(ValueError, match="hip"):
        build_timeline(timeline_report(), np.arange(10) / FPS, {"hip": (np.zeros(9), 23)})
