"""The whole path through MediaPipe on the rendered sample clips, checked against their exact
labels: reps found, each labelled fault found in its rep (where the view can judge it), no
fault on clean reps, and the outputs a user gets."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest

import formcheck
from formcheck.errors import FormcheckError
from formcheck.exercises.registry import get_exercise
from formcheck.io.video_reader import VideoReader
from formcheck.io.video_writer import VideoWriter

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
LABELLED = sorted(SAMPLES.glob("*.labels.json"))
REAL_SLDL = (
    Path(__file__).resolve().parents[2]
    / "shared/clips/real/Dr-who412__life-enherance__single_leg_deadlift.mp4"
)


def labels_of(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """Each labelled sample clip analysed once (with its annotated video)."""
    results = {}
    for label_file in LABELLED:
        labels = labels_of(label_file)
        clip = label_file.with_name(label_file.name.replace(".labels.json", ".mp4"))
        out = tmp_path_factory.mktemp(clip.stem)
        video = clip.stem == "sldl_side_demo"  # the video path is checked once, on the demo
        try:
            report = formcheck.analyze(clip, labels["exercise"], out=out, video=video)
        except FormcheckError as error:  # a clip the analysis refuses counts as a miss
            report = error
        results[clip.stem] = (labels, report)
    return results


def _overlaps(rep, truth) -> bool:
    return rep.start_s < truth["end_s"] and truth["start_s"] < rep.end_s


# Floors for the whole committed set, from tools/evaluate_rendered.py (docs/accuracy.md):
# what MediaPipe lets the rules see on rendered clips. A change that lowers them is a
# regression to look at, not a threshold to move.
# Measured on all 61 clips, six exercises (lite), 2026-11-21: reps exact in 59, 39 of 48
# judgeable faults found (0.81), 9 of 138 clean reps with a false alarm (0.07). On 2026-12-07,
# after faults had to stand out from each clip's noise and be past what clean real lifts
# reach (issue 16) and a lone lifter came to be followed by the one-person landmarker (issue
# 18): 29 of 40 found (0.73) with the outline-based back rules left out (below). The faults
# missed are listed per exercise in docs/evaluation.md and what one-person following changed
# in docs/performance.md; the floor holds that level so that a further loss cannot land
# unseen, and the gap to the 85% target stays open (issue 16).
MIN_EXACT_REP_CLIPS = 0.9  # clips whose reps are counted exactly (back views fail, see docs)
# The back rules read the back's outline from the person mask (issue 17). These renders bend
# the spine's bones but not the body's surface (docs/back.md: rendered frames at 0, 30 and 45
# deg of lumbar flexion look alike), so their posed rounding cannot reach the rules here; the
# outline is tested on traced outlines (tests/test_outline.py) and real clips (docs/back.md).
OUTLINE_MEASURES = {"back_bend_deg", "back_rounding"}
MIN_RECALL = 0.7  # labelled faults found, among those judged from the clip's view
MAX_CLEAN_FALSE_ALARMS = 0.1  # clean reps with any fault reported


def test_demo_clip_tells_exactly_what_was_posed(analysed):
    labels, report = analysed["sldl_side_demo"]
    assert len(report.reps) == len(labels["reps"])
    for rep, truth in zip(report.reps, labels["reps"]):
        assert _overlaps(rep, truth)
        fired = {f.rule_id for f in rep.faults}
        assert fired == ({truth["fault"]} if truth["fault"] else set()), (rep.index, fired)


def test_rendered_set_reps_and_accuracy(analysed):
    found = judged = clean = false_alarms = exact_clips = 0
    for stem, (labels, report) in analysed.items():
        rules = {r.id: r for r in get_exercise(labels["exercise"]).rules}
        if isinstance(report, FormcheckError) or len(report.reps) != len(labels["reps"]):
            continue  # counted below; faults are compared rep by rep only where reps match
        exact_clips += 1
        for rep, truth in zip(report.reps, labels["reps"]):
            assert _overlaps(rep, truth), (stem, rep.index)
            fired = {f.rule_id for f in rep.faults}
            fault = truth["fault"]
            if fault is None:
                clean += 1
                false_alarms += bool(fired)
            elif any(c.measure in OUTLINE_MEASURES for c in rules[fault].conditions):
                continue
            elif report.view in rules[fault].views:
                judged += 1
                found += fault in fired
            else:  # honest about the camera: never passed, never guessed
                assert fault in report.not_assessable and fault not in rep.passed
    assert exact_clips / len(analysed) >= MIN_EXACT_REP_CLIPS, (exact_clips, len(analysed))
    assert judged and clean
    assert found / judged >= MIN_RECALL, (found, judged)
    assert false_alarms / clean <= MAX_CLEAN_FALSE_ALARMS, (false_alarms, clean)


def test_reps_are_exact_from_the_side_front_and_oblique(analysed):
    for stem, (labels, report) in analysed.items():
        if labels["view"] != "back":
            assert not isinstance(report, FormcheckError), (stem, str(report))
            assert len(report.reps) == len(labels["reps"]), stem


def test_back_views_carry_a_warning(analysed):
    backs = [
        report
        for labels, report in analysed.values()
        if labels["view"] == "back" and not isinstance(report, FormcheckError)
    ]
    assert backs
    for report in backs:
        assert any("from behind" in w for w in report.warnings)


def test_outputs_a_user_gets(analysed):
    labels, report = analysed["sldl_side_demo"]
    video = Path(report.outputs["video"])
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == report.frames_total
    saved = json.loads(Path(report.outputs["report"]).read_text())
    assert saved["view"] == "side" and saved["reps"][0]["metrics"]["depth_deg"] > 45
    assert "knee_valgus" in saved["not_assessable"]
    header = Path(report.outputs["measures"]).read_text().splitlines()[0].split(",")
    assert header[:4] == ["frame", "t_s", "rep", "phase"] and "trunk_inclination_deg" in header
    assert report.standing_leg == labels["standing_leg"]


def test_every_exercise_is_in_the_set(analysed):
    exercises = {labels["exercise"] for labels, _ in analysed.values()}
    assert len(exercises) == 6, exercises


def test_kickback_reps_are_counted_per_working_leg(analysed):
    for labels, report in analysed.values():
        if labels["exercise"] == "band_kickback" and labels["view"] == "side":
            assert report.leg_role == "working"
            assert report.reps_per_leg == {labels["working_leg"]: len(labels["reps"])}
            assert {rep.working_leg for rep in report.reps} == {labels["working_leg"]}


def test_swing_reports_bell_height_and_hip_speed(analysed):
    labels, report = analysed["swing_clean_side"]
    for rep in report.reps:
        # The rendered bell floats to chest height: between the hips (0) and the shoulders (1).
        assert 0.3 < rep.metrics["bell_height"] < 1.1, rep.metrics
        assert rep.metrics["hip_snap_deg_per_s"] > 100, rep.metrics


def test_exercise_recognised_when_not_named(tmp_path):
    report = formcheck.analyze(SAMPLES / "sldl_side_demo.mp4", out=tmp_path, video=False)
    assert report.exercise == "kb_single_leg_deadlift"
    assert report.exercise_source == "recognised" and report.exercise_confidence >= 0.6


@pytest.mark.skipif(not REAL_SLDL.exists(), reason="shared evaluation clips not present")
def test_real_single_leg_deadlift_clip(tmp_path):
    report = formcheck.analyze(REAL_SLDL, out=tmp_path, video=False)
    assert report.view == "side"
    assert len(report.reps) == 2  # counted by eye: two slow reps on the same leg
    assert {rep.standing_leg for rep in report.reps} == {report.standing_leg}


# --- edited clips ------------------------------------------------------------------------------

REAL_REEL = REAL_SLDL.parent / "BichraiX__AI-Deadlift-Analysis__good011.mp4"


def spliced_after_another_shot(clip: Path, target: Path, intro_frames: int = 3) -> Path:
    """``clip`` with a few frames of "another take" before it, as reels open with the last
    frames of the previous shot: its first frame in inverted colours (the rendered clips
    share one plain backdrop, so a reframing of it would not read as another picture)."""
    with VideoReader(clip) as reader:
        info = reader.info
        with VideoWriter(target, width=info.width, height=info.height, fps=info.fps) as writer:
            for frame in reader:
                if frame.index == 0:
                    other = 255 - frame.image
                    for k in range(intro_frames):
                        writer.write(other, k / info.fps)
                writer.write(frame.image, (frame.index + intro_frames) / info.fps)
    return target


def test_a_clip_opening_with_another_shot_is_judged_as_the_clip_alone(analysed, tmp_path):
    labels, plain = analysed["sldl_side_demo"]
    edited = spliced_after_another_shot(SAMPLES / "sldl_side_demo.mp4", tmp_path / "reel.mp4")
    report = formcheck.analyze(edited, labels["exercise"], out=tmp_path / "out", video=False)
    assert any("edited (cut at 0.1 s)" in warning for warning in report.warnings)
    assert "2 shots" in report.person
    assert len(report.reps) == len(plain.reps)
    assert [sorted(f.rule_id for f in rep.faults) for rep in report.reps] == [
        sorted(f.rule_id for f in rep.faults) for rep in plain.reps
    ]


@pytest.mark.skipif(not REAL_REEL.exists(), reason="shared evaluation clips not present")
def test_a_real_reel_opening_with_a_frame_of_another_take_is_analysed(tmp_path):
    # Frame 0 is a front shot of another take; the tracker used to keep looking for that
    # person and refuse the clip as showing nobody.
    report = formcheck.analyze(REAL_REEL, "kb_deadlift", out=tmp_path, video=False)
    assert report.frames_with_pose >= 0.9 * report.frames_total
    assert "2 shots" in report.person
    assert len(report.reps) == 1  # the lifter's one pull, from the floor to lockout
