"""The fixed tuning/test split, timed per-rep labels, and the headline numbers per part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.evaluation.manifest import ManifestError, load_manifest, load_rendered
from formcheck.evaluation.metrics import Unit
from formcheck.evaluation.runner import ClipResult
from formcheck.evaluation.split import (
    SPLIT_FILE,
    Entry,
    Split,
    content_hash,
    extend,
    load_split,
    place,
)
from formcheck.evaluation.targets import family_of, headline

ROOT = Path(__file__).resolve().parents[1]
REAL_MANIFEST = ROOT / "eval" / "real_manifest.json"
REAL = ROOT / ".." / "shared" / "clips" / "real"
SAMPLES = ROOT / "sample_videos"


# --- the split -----------------------------------------------------------------------------


def test_placement_is_about_sixty_forty_within_each_exercise():
    clips = [(f"a{i}.mp4", "kb_swing", f"{i:064x}") for i in range(10)]
    clips += [(f"b{i}.mp4", "hip_hinge", f"{i + 50:064x}") for i in range(5)]
    placed = place(clips, {}, "x")
    by = {
        ex: [e.part for e in placed.values() if e.exercise == ex]
        for ex in ("kb_swing", "hip_hinge")
    }
    assert by["kb_swing"].count("tune") == 6 and by["kb_swing"].count("test") == 4
    assert by["hip_hinge"].count("tune") == 3 and by["hip_hinge"].count("test") == 2


def test_placing_more_clips_never_moves_a_placed_one(tmp_path):
    split = Split({})
    clips = []
    for i in range(6):
        path = tmp_path / f"c{i}.mp4"
        path.write_bytes(f"clip {i}".encode())
        clips.append((path.name, "kb_swing", path, None))
    extend(split, "x", clips[:4])
    before = {f: e.part for f, e in split.entries.items()}
    added = extend(split, "x", clips)
    assert sorted(added) == ["c4.mp4", "c5.mp4"]
    assert {f: split.entries[f].part for f in before} == before
    assert extend(split, "x", clips) == []  # nothing new


def test_same_take_follows_its_original_and_a_changed_clip_is_refused(tmp_path):
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    a.write_bytes(b"take")
    b.write_bytes(b"take, re-encoded")
    split = Split({})
    extend(split, "x", [("a.mp4", "kb_swing", a, None), ("b.mp4", "kb_swing", b, "a.mp4")])
    assert split.part_of("b.mp4") == split.part_of("a.mp4")
    a.write_bytes(b"edited")
    with pytest.raises(ManifestError, match="changed since the split was made"):
        extend(split, "x", [("a.mp4", "kb_swing", a, None)])


def test_split_file_round_trips(tmp_path):
    split = Split({"a.mp4": Entry("real", "kb_swing", "ab" * 32, "test")})
    path = tmp_path / "split.json"
    path.write_text(split.to_json())
    assert load_split(path).entries == split.entries
    path.write_text(json.dumps({"clips": {"a.mp4": {"set": "r", "exercise": "x", "sha256": "0"}}}))
    with pytest.raises(ManifestError, match="not a valid split"):
        load_split(path)


def test_every_rendered_and_labelled_clip_is_placed_with_its_bytes():
    """The committed split covers the bundled rendered clips and every real clip the
    manifest lists; a rendered clip re-made with other bytes would need a new name."""
    split = load_split(SPLIT_FILE)
    for clip in load_rendered(SAMPLES).clips:
        entry = split.entries.get(clip.file)
        assert entry is not None, f"{clip.file} is not in eval/split.json"
        assert entry.sha256 == content_hash(SAMPLES / clip.file), clip.file
    real = {c.file for c in load_manifest(REAL_MANIFEST).clips if c.supported_label}
    assert real <= set(split.entries)
    parts = [split.entries[f].part for f in real]
    assert 0.5 <= parts.count("tune") / len(parts) <= 0.7
    for clip in load_manifest(REAL_MANIFEST).clips:  # one lift is never on both sides
        if clip.same_take_as:
            assert split.part_of(clip.file) == split.part_of(clip.same_take_as), clip.file


@pytest.mark.skipif(not REAL.is_dir(), reason="shared evaluation clips not present")
def test_real_clips_match_the_hashes_they_were_placed_by():
    split = load_split(SPLIT_FILE)
    for file, entry in split.entries.items():
        if entry.set == "real":
            assert content_hash(REAL / file) == entry.sha256, file


# --- timed labels ----------------------------------------------------------------------------


def _row(**extra):
    row = {
        "file": "a.mp4",
        "exercise": "kb_deadlift",
        "view": "side",
        "reps": 1,
        "faults": ["spine_round"],
        "good": False,
        "usable": True,
    }
    return row | extra


REPS = [
    {"kind": "setup", "start_s": 0.2, "bottom_s": 0.8, "end_s": 1.4},
    {"kind": "rep", "start_s": 2.0, "bottom_s": 2.6, "end_s": 3.2, "faults": ["spine_round"]},
    {"kind": "rep", "start_s": 3.5, "bottom_s": 4.1, "end_s": 4.8, "uncertain": ["heel_lift"]},
]


def _load(tmp_path, rows):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"clips": rows}))
    return load_manifest(path, tmp_path)


def test_timed_labels_give_the_count_the_spans_and_per_rep_faults(tmp_path):
    (clip,) = _load(tmp_path, [_row(reps=1, lifter_reps=2, rep_labels=REPS)]).clips
    assert clip.counted_reps == 2
    assert clip.rep_times == ((2.0, 3.2), (3.5, 4.8))
    assert clip.rep_faults == (("spine_round",), ())
    assert clip.rep_uncertain == ((), ("heel_lift",))
    assert clip.setup_times == ((0.2, 1.4),)
    assert "heel_lift" in clip.uncertain_faults


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lifter_reps": 3}, "2 reps in rep_labels but the lifter's count is 3"),
        ({"lifter_reps": 2, "faults": []}, "differ from the reps'"),
        ({"lifter_reps": 2, "rep_labels": [REPS[1] | {"kind": "warmup"}]}, "kind must be one of"),
        ({"lifter_reps": 1, "rep_labels": [REPS[1] | {"bottom_s": 9.0}]}, "start_s <= bottom_s"),
        ({"lifter_reps": 2, "rep_labels": [REPS[2], REPS[1]]}, "time order"),
    ],
)
def test_timed_labels_are_checked(tmp_path, change, message):
    row = _row(rep_labels=REPS) | change
    with pytest.raises(ManifestError, match=message):
        _load(tmp_path, [row])


def test_a_split_screen_is_one_row_per_panel_with_its_crop(tmp_path):
    panels = [
        {"name": "front", "crop": [0, 0, 200, 400], "view": "front", "reps": 1, "faults": []},
        {"name": "side", "crop": [200, 0, 400, 400], "view": "side", "reps": 1, "faults": []},
    ]
    rows = _load(tmp_path, [_row(faults=[], good=True, panels=panels)]).clips
    assert [(c.key, c.view, c.crop) for c in rows] == [
        ("a.mp4#front", "front", (0, 0, 200, 400)),
        ("a.mp4#side", "side", (200, 0, 400, 400)),
    ]


# --- headline numbers ------------------------------------------------------------------------


def _result(part, labelled, found, units, clip_units):
    return ClipResult(
        file="x",
        exercise="kb_deadlift",
        status="evaluated",
        part=part,
        exercise_used="kb_deadlift",
        lifter_reps=labelled,
        reps_found=found,
        units=units,
        clip_units=clip_units,
    )


def test_headline_counts_reps_good_clips_families_and_posed_faults():
    clean = Unit(
        "clip",
        {"spine_round": "absent", "gaze_not_neutral": "absent"},
        {"spine_round": "pass", "gaze_not_neutral": "fault"},
        clean=True,
        view="side",
        possibly=("gaze_not_neutral",),
    )
    rounded = Unit(
        "clip",
        {"spine_round": "present", "gaze_not_neutral": "absent"},
        {"spine_round": "fault", "gaze_not_neutral": "pass"},
        clean=False,
        view="side",
    )
    rep_clean = Unit(
        "rep 1",
        clean.labels,
        {"spine_round": "pass", "gaze_not_neutral": "pass"},
        clean=True,
        view="side",
    )
    rep_round = Unit("rep 2", rounded.labels, rounded.found, clean=False, view="side")
    results = [
        _result("test", 2, 2, [rep_clean, rep_round], [rounded]),
        _result("test", 1, 0, [clean], [clean]),
    ]
    h = headline(results)
    assert h["rep_count_exact"] == {"exact": 1, "clips": 2, "rate": 0.5}
    # gaze_not_neutral was told as "possibly": not a confident fault.
    assert h["good_clips_without_confident_fault"]["without"] == 1
    assert h["good_clips_without_confident_fault"]["without_any_fault"] == 0
    back = h["family_f1"]["rounded back"]
    assert (back["tp"], back["fp"], back["fn"], back["clips_with_it"]) == (1, 0, 0, 1)
    assert h["clean_reps_with_fault"]["clean_reps"] == 1
    assert h["posed_faults_found"] == {"posed": 1, "found": 1, "rate": 1.0}


def test_fault_ids_fold_into_the_families_a_coach_names():
    assert family_of("spine_round") == family_of("spine_not_neutral") == "rounded back"
    assert family_of("squat_swing") == family_of("squat_not_hinge") == "squatting the lift"
    assert family_of("hips_open") == "hips_open"  # its own family
