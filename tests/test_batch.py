"""`formcheck batch` on this machine: which clips the inputs name, the manifest, the
summary, failed clips, resuming, a worker that dies, Ctrl-C, and that a batch writes what
`formcheck analyze` writes. Clips are a few seconds cut from the rendered samples."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import formcheck
from batch_clips import (
    SAMPLES,
    crashing_check,
    cut_clip,
    not_a_video,
    read_summary,
    run_quietly,
    truncated,
)
from formcheck.batch.errors import BatchInputError
from formcheck.batch.inputs import find_clips, folder_name, plan_jobs, read_manifest
from formcheck.batch.jobs import BatchSettings, ClipJob, ClipResult
from formcheck.batch.local import run_local
from formcheck.batch.worker import RECORD, finished_result
from test_cli_errors import assert_one_line_error, run_cli

SRC = Path(__file__).resolve().parents[1] / "src"
SLDL = "kb_single_leg_deadlift"


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


# --- which clips: no pose model needed -------------------------------------------------


def test_inputs_files_folders_and_globs(tmp_path):
    a = touch(tmp_path / "in" / "a.mp4")
    b = touch(tmp_path / "in" / "deep" / "er" / "b.MOV")
    touch(tmp_path / "in" / "notes.txt")
    touch(tmp_path / "in" / ".hidden.mp4")  # e.g. a temp file of an interrupted write
    touch(tmp_path / "in" / "a_formcheck" / "a_annotated.mp4")  # `analyze` output
    touch(tmp_path / "in" / "out" / "x" / "set_annotated.mp4")  # this batch's own output
    c = touch(tmp_path / "other" / "c.webm")
    odd = touch(tmp_path / "odd.video")  # named explicitly: taken whatever its suffix

    found = find_clips(
        [str(tmp_path / "in"), str(tmp_path / "oth*" / "*.webm"), str(odd)], tmp_path / "in/out"
    )
    assert [path for path, _ in found] == sorted(p.resolve() for p in (a, b, c, odd))


def test_inputs_deduplicated(tmp_path):
    a = touch(tmp_path / "a.mp4")
    found = find_clips([str(a), str(tmp_path), str(tmp_path / "*.mp4")], tmp_path / "out")
    assert len(found) == 1


@pytest.mark.parametrize(
    "spec, needle",
    [("missing.mp4", "does not exist"), ("nothing*.mp4", "no file matches"), (".", "no video")],
)
def test_inputs_matching_nothing(tmp_path, spec, needle):
    touch(tmp_path / "readme.txt")
    with pytest.raises(BatchInputError, match=needle):
        find_clips([str(tmp_path / spec)], tmp_path / "out")


def test_same_stem_in_two_folders_gets_two_output_folders(tmp_path):
    one, two = touch(tmp_path / "a" / "set1.mp4"), touch(tmp_path / "b" / "set1.mp4")
    jobs = plan_jobs([str(tmp_path)], None, SLDL, tmp_path / "out")
    folders = [Path(job.folder) for job in jobs]
    assert len(set(folders)) == 2
    assert all(f.parent == tmp_path / "out" and f.name.startswith("set1-") for f in folders)
    # Stable from run to run, so a rerun finds its earlier work.
    assert folder_name(one.resolve()) == folder_name(one.resolve()) != folder_name(two.resolve())


def test_manifest(tmp_path):
    touch(tmp_path / "clips" / "x.mp4")
    manifest = tmp_path / "clips" / "list.csv"
    manifest.write_text(
        "Clip,Exercise,Standing Leg,client\n"
        "x.mp4,,Left,Ann\n"
        "\n"
        "/elsewhere/y.mp4,other_exercise,,Bob\n"
    )
    rows = read_manifest(manifest)
    assert [(r.clip, r.exercise, r.standing_leg) for r in rows] == [
        (tmp_path / "clips" / "x.mp4", None, "left"),
        (Path("/elsewhere/y.mp4"), "other_exercise", None),
    ]
    # The flag's exercise fills empty cells; clips only in the manifest need not exist here.
    jobs = plan_jobs([], manifest, SLDL, tmp_path / "out")
    assert [(Path(j.clip).name, j.exercise, j.standing_leg) for j in jobs] == [
        ("y.mp4", "other_exercise", None),
        ("x.mp4", SLDL, "left"),
    ]


@pytest.mark.parametrize(
    "text, needle",
    [
        ("clip,standing_leg\nx.mp4,both\n", "line 2: standing_leg 'both'"),
        ("video,exercise\nx.mp4,a\n", "no 'clip' column"),
        ("", "empty"),
        ("clip\n\n", "lists no clips"),
    ],
)
def test_bad_manifest(tmp_path, text, needle):
    manifest = tmp_path / "m.csv"
    manifest.write_text(text)
    with pytest.raises(BatchInputError, match=needle):
        read_manifest(manifest)


def test_finished_only_with_the_same_settings(tmp_path):
    from formcheck.batch.worker import _write_record

    fingerprint = {"clip_size": 10, "video": True}
    result = ClipResult(clip="c.mp4", output=str(tmp_path), status="ok", reps=2)
    _write_record(tmp_path, fingerprint, result, None)
    assert finished_result(tmp_path, fingerprint).reps == 2
    assert finished_result(tmp_path, {**fingerprint, "video": False}) is None
    failed = ClipResult(clip="c.mp4", output=str(tmp_path), status="failed", error="x")
    _write_record(tmp_path, fingerprint, failed, None)
    assert finished_result(tmp_path, fingerprint) is None  # failed clips are tried again
    (tmp_path / RECORD).write_text("{not json")
    assert finished_result(tmp_path, fingerprint) is None


# --- set-up mistakes: one line, before any clip runs -----------------------------------


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["--exercise", "bench_press"], "bench_press"),
        (["--jobs", "0"], "--jobs"),
        (["--engine", "dask"], "--scheduler"),
        (["--engine", "local", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler"),
        (["--model", "nope.task"], "nope.task"),
    ],
)
def test_setup_mistakes(capsys, tmp_path, extra, needle):
    clip = touch(tmp_path / "a.mp4")
    code, err = run_cli(capsys, "batch", str(clip), "--out", str(tmp_path / "out"), *extra)
    assert code == 2
    assert_one_line_error(code, err, needle)
    assert not (tmp_path / "out" / "summary.csv").exists()


def test_no_inputs(capsys, tmp_path):
    code, err = run_cli(capsys, "batch", "--out", str(tmp_path / "out"))
    assert_one_line_error(code, err, "no clips to check")


def test_unwritable_out(capsys, tmp_path):
    clip = touch(tmp_path / "a.mp4")
    blocker = touch(tmp_path / "a_file")  # a folder cannot be made inside a file
    code, err = run_cli(capsys, "batch", str(clip), "--out", str(blocker / "out"))
    assert_one_line_error(code, err, "output folder")


def test_bad_manifest_from_the_command_line(capsys, tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("clip,standing_leg\nx.mp4,up\n")
    code, err = run_cli(capsys, "batch", "--manifest", str(manifest), "--out", str(tmp_path))
    assert_one_line_error(code, err, "m.csv line 2")


# --- a worker that dies ---------------------------------------------------------------


def test_a_clip_that_kills_its_worker_fails_alone(tmp_path):
    names = ["a.mp4", "crash.mp4", "b.mp4", "c.mp4", "d.mp4"]
    jobs = [
        ClipJob(clip=str(tmp_path / n), shown=n, folder=str(tmp_path / "out" / n), exercise=SLDL)
        for n in names
    ]

    class Collect:
        def __init__(self):
            self.results = {}

        def frames(self, n):
            pass

        def finished(self, job, result):
            assert job.shown not in self.results, f"{job.shown} reported twice"
            self.results[job.shown] = result

    sink = Collect()
    run_local(jobs, BatchSettings(out=str(tmp_path / "out")), sink, 2, check=crashing_check)
    assert set(sink.results) == set(names)
    assert sink.results["crash.mp4"].status == "failed"
    assert "worker process died" in sink.results["crash.mp4"].error
    assert all(sink.results[n].status == "ok" for n in names if n != "crash.mp4")


# --- real clips through MediaPipe -----------------------------------------------------


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    """Two clips with the same name in two folders (one rep each), and three broken files."""
    root = tmp_path_factory.mktemp("clips")
    cut_clip(SAMPLES / "sldl_side_demo.mp4", root / "a" / "set1.mp4", 4.3)
    cut_clip(SAMPLES / "sldl_bell_drift_side.mp4", root / "b" / "set1.mp4", 4.3)
    not_a_video(root / "broken" / "notes.mp4")
    truncated(root / "a" / "set1.mp4", root / "broken" / "cut.mp4")
    (root / "broken" / "empty.mp4").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def first_run(clips, tmp_path_factory):
    """One worker, so the second clip reuses the first one's pose model."""
    out = tmp_path_factory.mktemp("batch") / "out"
    command = ["batch", str(clips), "--out", str(out), "--exercise", SLDL, "--no-video"]
    code, stdout = run_quietly(*command, "--jobs", "1")
    return code, stdout, out, read_summary(out)


def test_failed_clips_are_recorded_and_the_batch_goes_on(clips, first_run):
    code, stdout, out, rows = first_run
    assert code == 3  # some clip failed
    assert len(rows) == 5
    for name in ("notes.mp4", "cut.mp4", "empty.mp4"):
        row = rows[str(clips / "broken" / name)]
        assert row["status"] == "failed"
        assert name in row["error"] and "Traceback" not in row["error"]
        assert f"failed      {clips / 'broken' / name}" in stdout  # streamed as they finish
    ok = [rows[str(clips / d / "set1.mp4")] for d in ("a", "b")]
    assert [row["status"] for row in ok] == ["ok", "ok"], [row["error"] for row in ok]
    assert [row["standing_leg"] for row in ok] == ["left", "right"]
    for row in ok:
        assert row["exercise"] == SLDL and row["view"] == "side" and row["reps"] == 1
        assert row["faults_per_rep"] == [[]] and row["error"] == ""
    assert "5 clips: 2 ok, 3 failed" in stdout


def test_each_clip_gets_what_analyze_writes(clips, first_run):
    _, _, out, rows = first_run
    folders = {rows[str(clips / d / "set1.mp4")]["output"] for d in ("a", "b")}
    assert len(folders) == 2
    for folder in folders:
        files = sorted(p.name for p in (out / folder).iterdir())
        assert files == [RECORD, "measures.csv", "report.html", "report.json"]  # --no-video
        # index.html beside the summary links each clip's report.
        assert f'href="{folder}/report.html"' in (out / "index.html").read_text()


def test_same_outputs_as_analyze_with_a_reused_model(clips, first_run, tmp_path):
    _, _, out, rows = first_run
    clip = clips / "b" / "set1.mp4"  # checked second by the single worker
    fresh = tmp_path / "fresh"
    # One process, as each batch worker reads its clip (two split a clip: pose.second_half).
    formcheck.analyze(clip, SLDL, out=fresh, video=False, jobs=1)
    batch = out / rows[str(clip)]["output"]
    assert (batch / "measures.csv").read_bytes() == (fresh / "measures.csv").read_bytes()
    mine, theirs = (json.loads((f / "report.json").read_text()) for f in (batch, fresh))
    mine.pop("outputs"), theirs.pop("outputs")
    assert mine == theirs


def test_summary_csv_says_what_summary_json_says(first_run):
    _, _, out, rows = first_run
    with open(out / "summary.csv", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == len(rows)
    for line in table:
        row = rows[line["clip"]]
        assert line["status"] == row["status"] and line["error"] == row["error"]
        reps = "" if row["reps"] is None else str(row["reps"])
        assert line["reps"] == reps and line["output"] == row["output"]
    assert {line["faults_per_rep"] for line in table if line["status"] == "ok"} == {"1: clean"}


def test_rerun_skips_finished_clips_and_retries_failed(clips, first_run):
    _, _, out, before = first_run
    command = ["batch", str(clips), "--out", str(out), "--exercise", SLDL, "--no-video"]
    code, stdout = run_quietly(*command)
    rows = read_summary(out)
    assert code == 3
    for clip, row in rows.items():
        if before[clip]["status"] == "ok":
            assert row["status"] == "skipped"
            assert row["reps"] == before[clip]["reps"]  # the earlier results, kept
            assert row["seconds"] == before[clip]["seconds"]
        else:
            assert row["status"] == "failed"
    assert "2 skipped" in stdout


def test_force_checks_again_with_video_in_two_processes(clips, first_run):
    _, _, out, _ = first_run
    inputs = [str(clips / d / "set1.mp4") for d in ("a", "b")]
    command = ["batch", *inputs, "--out", str(out), "--exercise", SLDL]  # with video now
    code, _ = run_quietly(*command, "--force", "--jobs", "2")
    rows = read_summary(out)
    assert code == 0
    assert [row["status"] for row in rows.values()] == ["ok", "ok"]
    for row in rows.values():
        assert (out / row["output"] / "set1_annotated.mp4").stat().st_size > 0


def test_manifest_exercises_recognition_leg_check_and_missing_clip(clips, tmp_path):
    swing = SAMPLES / "swing_clean_side.mp4"
    manifest = tmp_path / "list.csv"
    manifest.write_text(
        "clip,exercise,standing_leg\n"
        f"{clips / 'a' / 'set1.mp4'},{SLDL},right\n"
        f"{swing},,\n"  # no exercise: --exercise, by default auto (recognised)
        "not_here.mp4,,\n"
    )
    out = tmp_path / "out"
    code, _ = run_quietly("batch", "--manifest", str(manifest), "--out", str(out), "--no-video")
    rows = read_summary(out)
    assert code == 3
    named = rows[str(clips / "a" / "set1.mp4")]
    assert named["status"] == "ok" and named["exercise"] == SLDL
    assert named["expected_standing_leg"] == "right" and named["standing_leg"] == "left"
    assert any("manifest says standing leg right" in w for w in named["warnings"])
    recognised = rows[str(swing)]
    assert recognised["status"] == "ok" and recognised["exercise"] == "kb_swing"
    missing = rows[str(tmp_path / "not_here.mp4")]
    assert missing["status"] == "failed" and "does not exist" in missing["error"]


# --- Ctrl-C ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signum, group",
    [(signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["ctrl-c in a terminal", "kill PID"],
)
def test_stopping_keeps_finished_clips_and_rerun_resumes(tmp_path, signum, group):
    folder = tmp_path / "clips"
    for i in range(3):
        cut_clip(SAMPLES / "sldl_side_clean.mp4", folder / f"c{i}.mp4", 2.5)
    out = tmp_path / "out"
    first = out / folder_name((folder / "c0.mp4").resolve()) / RECORD
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    command = [sys.executable, "-m", "formcheck", "batch", str(folder), "--out", str(out)]
    command += ["--exercise", SLDL, "--no-video", "--jobs", "1"]
    # A session of its own, so a signal to its process group reaches no test runner.
    proc = subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 600  # a generous bound for a loaded machine, not a speed test
        while not first.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.exists(), proc.communicate()
        # Ctrl-C in a terminal reaches the whole process group; `kill` only the main process.
        (os.killpg if group else os.kill)(proc.pid, signum)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert b"Traceback" not in stderr
    rows = read_summary(out)
    statuses = [rows[str(folder / f"c{i}.mp4")]["status"] for i in range(3)]
    assert statuses[0] == "ok" and "interrupted" in statuses
    assert set(statuses) <= {"ok", "interrupted"}
    assert not [p for p in out.rglob(".*") if ".tmp" in p.name]  # no half-written files

    code, _ = run_quietly(*command[3:])  # the same command, in this process
    rows = read_summary(out)
    assert code == 0
    resumed = [rows[str(folder / f"c{i}.mp4")]["status"] for i in range(3)]
    assert resumed == ["skipped" if s == "ok" else "ok" for s in statuses]


def test_dask_engine_without_dask_says_how_to_install(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    clip = touch(tmp_path / "a.mp4")
    code, err = run_cli(
        capsys, "batch", str(clip), "--out", str(tmp_path / "out"), "--scheduler", "tcp://h:1"
    )
    assert_one_line_error(code, err, 'pip install "formcheck[dask]"')
