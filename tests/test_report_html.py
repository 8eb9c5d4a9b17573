"""report.html and the batch index.html, without a browser: what the page says, that it is
one self-contained file, that names and messages are text (never markup), the stills of the
worst moments with the joints marked, and the plots' data. Synthetic sequences and a
synthetic video stand in for a clip, so no pose model runs (the browser tests in
test_browser.py open real ones)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from builders import sldl_sequence
from formcheck.analysis import analyze_sequence
from formcheck.batch.jobs import ClipResult
from formcheck.exercises.registry import get_exercise
from formcheck.io.video_writer import VideoWriter
from formcheck.pipeline import build_report
from formcheck.report import html_report
from formcheck.report.batch_index import write_batch_index
from formcheck.report.csv_report import write_measures_csv
from formcheck.report.curves import Curves
from formcheck.report.html_report import write_report_html
from formcheck.report.stills import grab_frames, iter_frames, mark_joints
from formcheck.types import VideoInfo

SLDL = "kb_single_leg_deadlift"
EVIL = '<img src=x onerror="alert(1)">'  # a file name can hold this (no slash)


def synthetic_video(path: Path, t: np.ndarray, size=(320, 240)) -> Path:
    """Grey frames whose brightness is the frame's index (mod 200) + 30: a still can be
    traced back to the frame it came from."""
    width, height = size
    with VideoWriter(path, width=width, height=height, fps=30.0) as writer:
        for k, time_s in enumerate(t):
            writer.write(np.full((height, width, 3), 30 + k % 200, np.uint8), float(time_s))
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """Three single-leg deadlift reps, the bell drifting in rep 2, as report.html with a
    synthetic video (named like an attack) beside it."""
    folder = tmp_path_factory.mktemp("report")
    seq, _ = sldl_sequence(reps=3, fault="bell_drift", fault_reps=[1])
    ex = get_exercise(SLDL)
    analysis = analyze_sequence(seq, ex)
    clip = synthetic_video(folder / f"{EVIL}.mp4", seq.t)
    info = VideoInfo(str(clip), 320, 240, 30.0, len(seq), float(seq.t[-1]), 0, "h264")
    report = build_report(ex, info, "lite", "the only person", seq, analysis)
    report.warnings.append("a <b>bold</b> & risky warning</script><script>alert(2)</script>")
    report.outputs["video"] = str(clip)
    path = write_report_html(
        report,
        folder / "report.html",
        exercise=ex,
        curves=Curves.from_analysis(analysis),
        stills_from=clip,
    )
    return report, analysis, path, path.read_text(encoding="utf-8")


def test_the_verdict_at_a_glance(page):
    report, _, _, html = page
    assert [[f.rule_id for f in rep.faults] for rep in report.reps] == [[], ["bell_drift"], []]
    assert '<p class="verdict tone-fault" id="verdict">1 of 3 reps with a fault</p>' in html
    assert "Kettlebell single-leg deadlift" in html
    checks = len(get_exercise(SLDL).active_rules)
    assert f"2 of {checks} checks could not be judged from this view" in html  # a clean rep
    # from the side is not a clean bill for the knee or the hips
    assert "side (" in html  # the view and how sure
    # What the side cannot judge, and how to film so that it can be.
    advice = re.search(r'<div class="film-advice">(.*?)</div>', html, re.S).group(1)
    assert "Hips square" in advice and "Knee out" in advice
    assert "Film facing the camera or with your back to the camera" in advice
    # One card a rep, the faulty one with its coaching words and its number against the limit.
    assert len(re.findall(r'<article class="rep state-', html)) == 3
    card = re.search(r'<article class="rep state-fault" id="rep-2">(.*?)</article>', html, re.S)
    fault = report.reps[1].faults[0]
    assert fault.message in card.group(1)
    assert "over the limit of 0.75" in card.group(1)
    assert "tempo" in card.group(1) and "depth" in card.group(1)


def test_names_and_messages_are_text_never_markup(page):
    _, _, _, html = page
    assert EVIL not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;.mp4" in html  # the clip's name, shown
    assert "a &lt;b&gt;bold&lt;/b&gt; &amp; risky warning&lt;/script&gt;" in html
    # The video is linked by its name beside the page, URL-quoted.
    src = re.search(r'<video id="video" src="([^"]+)"', html).group(1)
    assert src == "%3Cimg%20src%3Dx%20onerror%3D%22alert%281%29%22%3E.mp4"
    # Exactly the page's own scripts: no closing tag smuggled in by the data.
    assert html.count("<script") == html.count("</script>") == 3


def test_the_page_is_one_file_that_works_offline(page):
    _, _, _, html = page
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN, no remote anything
    assert '<link rel="stylesheet"' not in html and "<script src=" not in html
    assert "leeoniya/uPlot (v1" in html  # the vendored plotting library, inline


def test_a_still_of_the_worst_moment_with_the_joints_marked(page):
    report, _, _, html = page
    stills = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)"', html)
    assert len(stills) == report.fault_count == 1
    image = cv2.imdecode(np.frombuffer(base64.b64decode(stills[0]), np.uint8), cv2.IMREAD_COLOR)
    b, g, r = (image[..., k].astype(int) for k in range(3))
    red = (r > 170) & (g < 90) & (b < 90)  # the rings and limbs drawn on a grey frame
    assert red.sum() > 50
    # Grey where nothing is drawn: the frame of the worst moment (brightness = index + 30).
    frame = report.reps[1].faults[0].frame
    grey = image[(np.abs(r - g) < 4) & (np.abs(g - b) < 4)]
    assert abs(int(np.median(grey)) - (30 + frame % 200)) <= 3


def test_the_plots_carry_the_measures_thresholds_reps_and_faults(page):
    report, analysis, _, html = page
    data = json.loads(re.search(r'id="plot-data">(.*?)</script>', html, re.S).group(1))
    first = data["plots"][0]
    assert first["measure"] == "bell_ahead_of_shin" and first["open"]
    assert first["thresholds"] == [{"value": 0.75, "compare": ">", "label": "Bell close"}]
    fault = report.reps[1].faults[0]
    assert first["marks"] == [{"t": fault.time_s, "value": fault.value, "possible": False}]
    assert len(first["values"]) == len(data["t"]) == len(analysis.smoothed.t)
    rep_signal = get_exercise(SLDL).rep_signal  # the measure the reps are found on
    signal = next(p for p in data["plots"] if p["measure"] == rep_signal)
    assert signal["open"] and "finds the reps" in signal["title"]
    assert [b["state"] for b in data["bands"]] == ["clean", "fault", "clean"]
    # Rules the view cannot judge are not plotted; the others are, folded.
    measures = {p["measure"] for p in data["plots"]}
    assert "hip_line_tilt_deg" not in measures  # hips_open: front or back only
    assert sum(not p["open"] for p in data["plots"]) >= 5
    # NaN frames are null, never NaN (which is not JSON).
    assert "NaN" not in html


def test_timeline_and_fault_buttons_seek_to_the_worst_moment(page):
    report, _, _, html = page
    fault = report.reps[1].faults[0]
    marks = re.findall(
        r'<button type="button" class="mark[^"]*" style="left: ([0-9.]+)%" '
        r'data-seek="([0-9.]+)"',
        html,
    )
    assert [float(t) for _, t in marks] == [fault.time_s]
    bands = re.findall(r'class="band state-(\w+)"[^>]*data-seek="([0-9.]+)"', html)
    assert [(state, float(t)) for state, t in bands] == [
        (("fault" if rep.faults else "clean"), rep.start_s) for rep in report.reps
    ]


def test_without_a_video_or_curves_the_page_still_tells_everything(tmp_path, page):
    report, _, _, _ = page
    bare = replace(report, outputs={})
    html = write_report_html(bare, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "No annotated video was made" in html
    assert "1 of 3 reps with a fault" in html
    assert 'id="plot-data"' not in html and "leeoniya/uPlot" not in html  # nothing to draw


def test_no_reps_and_low_confidence_faults(tmp_path, page):
    report, _, _, _ = page
    none = replace(report, reps=[], outputs={})
    html = write_report_html(none, tmp_path / "none.html").read_text(encoding="utf-8")
    assert "No complete rep found" in html

    rep = replace(report.reps[1], faults=[])
    unsure = replace(report.reps[1].faults[0], confidence="low", confidence_note="shaky <here>")
    rep.faults = [unsure]
    maybe = replace(report, reps=[report.reps[0], rep], outputs={})
    html = write_report_html(maybe, tmp_path / "maybe.html").read_text(encoding="utf-8")
    assert "1 of 2 reps possibly with a fault" in html
    assert "Possibly: Bell close" in html and "Uncertain: shaky &lt;here&gt;" in html


def test_grab_frames_takes_the_frame_nearest_each_time(tmp_path):
    t = np.arange(40) / 30.0
    video = synthetic_video(tmp_path / "v.mp4", t, size=(64, 48))
    frames = grab_frames(video, {"a": 0.0, "b": 10 / 30 + 0.004, "c": 20.6 / 30, "end": 99.0})
    levels = {key: int(np.median(image)) for key, image in frames.items()}
    assert abs(levels["a"] - 30) <= 2 and abs(levels["b"] - 40) <= 2
    assert abs(levels["c"] - 51) <= 2 and abs(levels["end"] - 69) <= 2  # past the end: the last
    assert grab_frames(tmp_path / "missing.mp4", {"a": 1.0}) == {}  # no stills, no failure


def test_stills_come_one_at_a_time_and_are_capped(tmp_path, page, monkeypatch):
    """A two-hour live session has thousands of faults: the frames are taken one at a time
    (the soak held 3.3 GB of them at once) and the page keeps the first MAX_STILLS."""
    t = np.arange(40) / 30.0
    video = synthetic_video(tmp_path / "v.mp4", t, size=(64, 48))
    frames = iter_frames(video, {"a": 0.0, "b": 0.5})
    assert not isinstance(frames, dict)
    key, image = next(frames)
    assert key == "a" and image.shape[:2] == (48, 64)

    report, analysis, _, html = page
    assert html.count('class="still"') == 1 and "Stills are shown for the first" not in html
    faults = [replace(report.reps[1].faults[0], time_s=s) for s in (1.0, 2.0, 3.0)]
    many = replace(report, reps=[replace(report.reps[1], faults=faults)])
    monkeypatch.setattr(html_report, "MAX_STILLS", 2)
    out = write_report_html(
        many, tmp_path / "many.html", stills_from=report.outputs["video"]
    ).read_text(encoding="utf-8")
    assert out.count('class="still"') == 2
    assert "Stills are shown for the first 2 faults" in out


def test_mark_joints_rings_only_the_named_visible_joints():
    image = np.full((100, 100, 3), 128, np.uint8)
    xy = np.full((33, 2), np.nan)
    xy[25] = (0.5, 0.5)  # left knee
    xy[26] = (0.2, 0.2)  # right knee, not named
    visibility = np.ones(33)
    out = mark_joints(image, xy, visibility, ["left_knee", "not_a_joint"], skeleton=False)
    red = (out[..., 0] > 170) & (out[..., 1] < 90)
    ys, xs = np.nonzero(red)
    assert red.sum() > 20 and abs(xs.mean() - 50) < 3 and abs(ys.mean() - 50) < 3
    assert (image == 128).all()  # the frame itself is left alone


def test_curves_read_back_from_measures_csv(tmp_path):
    t = np.array([0.0, 0.033, 0.067])
    measures = {"trunk_inclination_deg": np.array([5.0, np.nan, 7.5])}
    write_measures_csv(tmp_path / "m.csv", t, measures)
    curves = Curves.from_measures_csv(tmp_path / "m.csv")
    assert np.allclose(curves.t, t)
    assert np.allclose(curves.measures["trunk_inclination_deg"], [5.0, np.nan, 7.5], equal_nan=True)
    assert set(curves.measures) == {"trunk_inclination_deg"} and curves.pose_at(0) is None


# --- batch index.html ------------------------------------------------------------------------


def test_batch_index_links_reports_sorts_and_gives_reasons(tmp_path):
    ok = tmp_path / "a_clip"
    ok.mkdir()
    (ok / "report.html").write_text("<html></html>")
    results = [
        ClipResult(
            clip="clients/a clip.mp4",
            output=str(ok),
            status="ok",
            exercise=SLDL,
            view="side",
            reps=3,
            faults_per_rep=[[], ["bell_drift", "spine_round"], []],
        ),
        ClipResult(
            clip=f"clients/{EVIL}.mov",
            output=str(tmp_path / "evil"),
            status="failed",
            error="no person found in <the clip>: film the whole body",
        ),
        ClipResult(
            clip="clients/c.mp4",
            output=str(tmp_path / "c"),
            status="skipped",
            reps=2,
            exercise="kb_swing",
            faults_per_rep=[[], []],
        ),
    ]
    html = write_batch_index(tmp_path, results).read_text(encoding="utf-8")
    assert '<a href="a_clip/report.html">clients/a clip.mp4</a>' in html
    assert EVIL not in html and "no person found in &lt;the clip&gt;" in html
    failed = re.search(r'<section class="failed">(.*?)</section>', html, re.S).group(1)
    assert "&lt;img src=x" in failed and "film the whole body" in failed
    assert "1: clean" in html and "2: bell_drift, spine_round" in html
    # Sortable by clip, exercise, reps and faults: each row carries the values to sort on.
    for key in ("clip", "exercise", "reps", "faults"):
        assert f'data-key="{key}"' in html
    rows = re.findall(
        r'<tr class="status-(\w+)"[^>]*data-reps="([^"]*)" data-faults="([^"]*)"', html
    )
    assert rows == [("ok", "3", "2"), ("failed", "", ""), ("skipped", "2", "0")]
    assert "3 clips:" in html


# --- live --record ---------------------------------------------------------------------------


def test_a_recorded_live_session_gets_its_report_html(tmp_path):
    """A live session (fake camera and pose model, as in test_live_session.py) saved with
    --record: report.html beside report.json, with the session's video, a still of the
    fault with its joints marked (landmarks kept while the session still held them) and
    plots from measures.csv."""
    import test_live_session as live

    seq, _ = sldl_sequence(reps=3, fault="bell_drift", fault_reps=[1])
    session = live.session(seq, live.FakeSource(len(seq)), tmp_path)
    result = session.run()
    assert set(session.recorder.fault_poses) == {
        fault.frame for rep in result.report.reps for fault in rep.faults
    }
    folder = tmp_path / "rec"
    report = json.loads((folder / "report.json").read_text())
    assert report["outputs"]["html"] == str(folder / "report.html")
    faulty = [rep for rep in report["reps"] if rep["faults"]]
    assert faulty and result.report.fault_count == sum(len(r["faults"]) for r in faulty)

    html = (folder / "report.html").read_text(encoding="utf-8")
    assert '<video id="video" src="session_annotated.mp4"' in html
    stills = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)"', html)
    assert len(stills) == result.report.fault_count
    image = cv2.imdecode(np.frombuffer(base64.b64decode(stills[0]), np.uint8), cv2.IMREAD_COLOR)
    red = (image[..., 2] > 170) & (image[..., 1] < 90) & (image[..., 0] < 90)
    assert red.sum() > 50  # the fault's joints, ringed
    data = json.loads(re.search(r'id="plot-data">(.*?)</script>', html, re.S).group(1))
    assert len(data["t"]) == report["frames_total"]  # the whole session, from measures.csv
    assert data["plots"][0]["marks"]
