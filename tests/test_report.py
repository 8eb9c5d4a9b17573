"""JSON and CSV reports and the terminal summary, from hand-built reports."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from formcheck import __version__
from formcheck.report.csv_report import write_measures_csv
from formcheck.report.json_report import SCHEMA_VERSION, write_report_json
from formcheck.report.summary import format_summary
from formcheck.types import Fault, Rep, Report, VideoInfo


def make_fault(rule_id: str, message: str, onset_frame: int = 40, cue: str = "Bell close") -> Fault:
    return Fault(
        rule_id=rule_id,
        message=message,
        cue=cue,
        value=0.12,
        threshold=0.08,
        comparison=">",
        unit="m",
        time_s=onset_frame / 30 + 0.2,
        frame=onset_frame + 6,
        onset_s=onset_frame / 30,
        onset_frame=onset_frame,
        joints=("left_wrist", "left_knee"),
        seed="Keep the bell close to the shin.",
    )


def make_report() -> Report:
    clip = VideoInfo("/clips/IMG_0042.mov", 1080, 1920, 30.0, 300, 10.0, 90, "hevc")
    rep1 = Rep(
        index=1,
        start_frame=20,
        bottom_frame=50,
        end_frame=80,
        start_s=0.67,
        bottom_s=1.67,
        end_s=2.67,
        standing_leg="left",
        metrics={"depth_deg": 78.4, "descent_s": 1.0, "pause_s": 0.2, "ascent_s": 0.8},
        passed=["bell_drift", "hip_open"],
    )
    rep2 = Rep(
        index=2,
        start_frame=100,
        bottom_frame=140,
        end_frame=190,
        start_s=3.1,
        bottom_s=4.6,
        end_s=6.4,
        standing_leg="left",
        metrics={"depth_deg": 81.0, "descent_s": 1.5, "ascent_s": 1.2, "pause_s": math.nan},
        faults=[
            make_fault("bell_drift", "Keep the bell close to your shin", 120),
            make_fault("hip_open", "Keep your hips square to the floor", 130, "Hips square"),
        ],
        not_assessable=["knee_valgus"],
    )
    return Report(
        exercise="kb_single_leg_deadlift",
        clip=clip,
        model="pose_landmarker_full",
        view="side",
        view_confidence=0.92,
        standing_leg="left",
        person="the only person in view",
        frames_total=300,
        frames_with_pose=291,
        reps=[rep1, rep2],
        not_assessable={"hip_rotation": "needs a front or back view"},
        warnings=["The clip is dark: landmarks may jitter."],
        outputs={"video": "out/IMG_0042_annotated.mp4", "json": "out/IMG_0042.json"},
    )


# --- JSON ----------------------------------------------------------------------------------------


def test_json_round_trip_has_schema_fields_and_null_for_nan(tmp_path):
    report = make_report()
    path = write_report_json(report, tmp_path / "out" / "report.json")

    assert path == tmp_path / "out" / "report.json"
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text  # NaN is not JSON; strict parsers reject it
    data = json.loads(text)
    assert data["schema"] == SCHEMA_VERSION == 1
    assert data["formcheck_version"] == __version__
    assert data["reps"][1]["metrics"]["pause_s"] is None
    assert data["reps"][1]["faults"][0]["joints"] == ["left_wrist", "left_knee"]
    # Everything else is exactly to_dict(), which already made it JSON-safe.
    expected = report.to_dict()
    expected["reps"][1]["metrics"]["pause_s"] = None
    del data["schema"], data["formcheck_version"]
    assert data == expected


def test_json_leaves_no_temporary_files(tmp_path):
    write_report_json(make_report(), tmp_path / "report.json")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_columns_rows_and_nan_cells(tmp_path):
    t = np.array([0.0, 1 / 30, 2 / 30, 0.1])
    measures = {
        "trunk_deg": np.array([10.0, 12.34567, np.nan, 14.0]),
        "bell_shin_m": np.array([0.05, np.inf, 0.07, 0.08]),
    }
    path = write_measures_csv(
        tmp_path / "measures.csv",
        t,
        measures,
        rep_index=np.array([0, 1, 1, 0]),
        phase=np.array(["setup", "descent", "bottom", "top"]),
    )

    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["frame", "t_s", "rep", "phase", "bell_shin_m", "trunk_deg"]
    assert rows[1] == ["0", "0.000", "0", "setup", "0.050", "10.000"]
    assert rows[2] == ["1", "0.033", "1", "descent", "", "12.346"]
    assert rows[3] == ["2", "0.067", "1", "bottom", "0.070", ""]
    assert len(rows) == 1 + len(t)


def test_a_long_csv_is_written_a_stretch_at_a_time_and_reads_as_one(tmp_path):
    from formcheck.report.csv_report import WRITE_FRAMES, measures_csv

    n = 2 * WRITE_FRAMES + 123
    rng = np.random.default_rng(0)
    t = np.arange(n) / 30
    measures = {"a": rng.normal(size=n), "b": np.where(rng.random(n) < 0.1, np.nan, 1.0)}
    reps = (np.arange(n) // 500) % 3
    phase = np.array(["top", "descent"])[np.arange(n) % 2]
    path = write_measures_csv(tmp_path / "m.csv", t, measures, rep_index=reps, phase=phase)
    whole = measures_csv(t, measures, rep_index=reps, phase=phase)
    assert path.read_text(encoding="utf-8") == whole
    assert whole.count("\n") == n + 1
    with pytest.raises(ValueError, match="phase"):
        write_measures_csv(tmp_path / "bad.csv", t, measures, phase=phase[:-1])
    assert not (tmp_path / "bad.csv").exists()


def test_csv_without_reps_or_phases_marks_between_reps(tmp_path):
    path = write_measures_csv(tmp_path / "m.csv", np.array([0.0, 0.5]), {"x": np.ones(2)})
    rows = list(csv.DictReader(path.open(newline="")))
    assert [(r["rep"], r["phase"], r["x"]) for r in rows] == [("0", "", "1.000")] * 2


def test_csv_rejects_a_measure_of_the_wrong_length(tmp_path):
    with pytest.raises(ValueError, match="trunk_deg"):
        write_measures_csv(tmp_path / "m.csv", np.zeros(3), {"trunk_deg": np.zeros(2)})
    assert not (tmp_path / "m.csv").exists()


# --- summary -------------------------------------------------------------------------------------


def test_summary_names_the_clip_each_rep_each_fault_and_caveats():
    report = make_report()
    text = format_summary(report)

    assert "IMG_0042.mov" in text
    assert "kb single leg deadlift" in text
    assert "side view (92% confident)" in text
    assert "standing leg left" in text
    assert "pose_landmarker_full" in text
    rep_lines = [line for line in text.splitlines() if line.startswith("Rep ")]
    assert len(rep_lines) == 2  # one line a rep
    assert rep_lines[0] == (
        "Rep 1  0.7\u20132.7 s  depth 78\u00b0  down 1.0 s / pause 0.2 s / up 0.8 s  \u2713 clean"
    )
    assert rep_lines[1] == (
        "Rep 2  3.1\u20136.4 s  depth 81\u00b0  down 1.5 s / up 1.2 s"
        "  \u2717 Bell close, Hips square"
    )
    # Each fault's words once, with the reps it happened in.
    assert "  \u2717 Bell close (bell_drift, rep 2): Keep the bell close to your shin" in text
    assert "  \u2717 Hips square (hip_open, rep 2): Keep your hips square to the floor" in text
    assert "hip_rotation: needs a front or back view" in text
    assert "knee_valgus (rep 2): not assessable" in text
    assert "The clip is dark: landmarks may jitter." in text
    assert "out/IMG_0042_annotated.mp4" in text
    assert "\033[" not in text
    assert len(text.splitlines()) < 25


def test_summary_says_each_not_assessable_rule_once_with_its_reason():
    """An edited real clip used to print 16 "not assessable" lines, most of them twice: the
    analysis records a rule's per-rep reason as ``rule@repN`` as well as in the rep."""
    report = make_report()
    reason = "not assessable: the standing foot was not seen"
    report.reps[0].not_assessable = ["heel_lift"]
    report.reps[1].not_assessable = ["heel_lift", "knee_valgus"]
    report.not_assessable |= {"heel_lift@rep1": reason, "heel_lift@rep2": reason}
    report.not_assessable["knee_valgus@rep2"] = "not assessable: the knee was hidden"
    report.outputs["html"] = "out/report.html"
    text = format_summary(report)
    lines = [line for line in text.splitlines() if line.startswith("  - ")]
    assert lines == [
        "  - hip_rotation: needs a front or back view",
        "  - heel_lift (reps 1, 2): the standing foot was not seen",
        "  - knee_valgus (rep 2): the knee was hidden",
    ]
    assert text.count("heel_lift") == 1
    # Where the full report is, and what lies beside it.
    assert text.splitlines()[-1] == (
        "Full report: out/report.html (IMG_0042_annotated.mp4 beside it)"
    )


def test_summary_colour_only_when_asked_and_same_words():
    report = make_report()
    coloured = format_summary(report, color=True)
    assert "\033[31m" in coloured
    plain_again = coloured
    for code in ("\033[1m", "\033[2m", "\033[31m", "\033[32m", "\033[33m", "\033[0m"):
        plain_again = plain_again.replace(code, "")
    assert plain_again == format_summary(report)


def test_summary_without_reps_says_so_and_names_alternating_legs():
    report = make_report()
    report.reps[1].standing_leg = "right"
    assert "Rep 2 (right leg)" in format_summary(report)
    assert "Rep 1 (" not in format_summary(report)

    report.reps = []
    assert "No reps found." in format_summary(report)


def test_summary_marks_low_confidence_faults_as_possible_and_lists_the_rules():
    from dataclasses import replace

    from formcheck.render.timeline import banner_text

    report = make_report()
    unsure = replace(
        report.reps[1].faults[0], confidence="low", confidence_note="read roughly on real clips"
    )
    report.reps[1].faults[0] = unsure
    report.low_confidence = {"bell_drift": "read roughly on real clips"}
    text = format_summary(report)

    assert (
        "Rep 2  3.1\u20136.4 s  depth 81\u00b0  down 1.5 s / up 1.2 s"
        "  \u2717 Hips square  ? possibly Bell close" in text
    )
    assert (
        "  ? possibly Bell close (bell_drift, rep 2): Keep the bell close to your shin"
        " (uncertain: read roughly on real clips)"
    ) in text
    assert "\u2717 Bell close" not in text
    assert "  \u2717 Hips square (hip_open, rep 2): Keep your hips square to the floor" in text
    assert banner_text(unsure) == "Possibly: Keep the bell close to your shin"
    assert banner_text(report.reps[1].faults[1]) == "Keep your hips square to the floor"
