"""`formcheck serve` without a browser: uploads (videos, non-videos, too large, from another
site), the queue, stopping and starting again, running a failed analysis again, and the
command line. A fake analysis stands in for the pose model; test_browser.py runs the real
one through the page."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.errors import FormcheckError
from formcheck.io.video_writer import VideoWriter
from formcheck.serve.app import NAME_LIMIT, Settings, create_app, saved_name
from formcheck.serve.jobs import DONE, FAILED, QUEUED, RUNNING, STOPPED, Job, JobStore, Runner
from formcheck.types import Fault, Rep, Report, VideoInfo

JSON = {"Accept": "application/json"}


def tiny_video(path: Path, frames: int = 8) -> Path:
    with VideoWriter(path, width=64, height=48, fps=30.0) as writer:
        for k in range(frames):
            writer.write(np.full((48, 64, 3), 40 + 10 * k, np.uint8), k / 30)
    return path


def fake_report(exercise: str) -> Report:
    fault = Fault(
        "bell_drift",
        "Keep it close.",
        "Bell close",
        1.0,
        0.75,
        ">",
        "",
        1.0,
        30,
        0.9,
        27,
        ("left_wrist",),
        "seed",
    )
    reps = [Rep(1, 0, 10, 20, 0.0, 0.3, 0.7), Rep(2, 21, 30, 40, 0.7, 1.0, 1.3, faults=[fault])]
    info = VideoInfo("clip.mp4", 64, 48, 30.0, 40, 1.3, 0, "h264")
    return Report(exercise, info, "fake", "side", 1.0, None, "someone", 40, 40, reps=reps)


class FakeAnalysis:
    """Stands in for the pose model: ticks progress, can be held at a gate, can fail."""

    def __init__(self, gate: threading.Event | None = None, error: Exception | None = None):
        self.gate, self.error = gate, error
        self.ran: list[str] = []
        self.running = threading.Event()

    def __call__(self, job: Job, clip: Path, out: Path, progress):
        self.ran.append(job.clip_name)
        self.running.set()
        tick = progress(10, "pose")
        for _ in range(10):
            tick(1)
            if self.gate is not None:
                while not self.gate.wait(0.01):
                    tick(0)  # where a real analysis would notice the server stopping
        if self.error is not None:
            raise self.error
        out.mkdir(exist_ok=True)
        (out / "report.html").write_text("<!doctype html><title>report</title>", "utf-8")
        return fake_report(job.exercise if job.exercise != "auto" else "kb_swing")


def serve(folder: Path, analysis, max_upload_mb: int = 500):
    store = JobStore(folder)
    runner = Runner(store, analysis)
    app = create_app(Settings(folder, max_upload_mb), store, runner)
    runner.start()
    return app.test_client(), store, runner


def upload(client, name: str, data: bytes, exercise: str = "auto", **headers):
    return client.post(
        "/analyses",
        data={"clip": (io.BytesIO(data), name), "exercise": exercise},
        headers={**JSON, **headers},
        content_type="multipart/form-data",
    )


def wait_for(client, job_id: str, state: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/analyses/{job_id}/status").get_json()
        if status["state"] == state:
            return status
        time.sleep(0.02)
    raise AssertionError(f"{job_id} never became {state}: {status}")


@pytest.fixture
def video_bytes(tmp_path) -> bytes:
    return tiny_video(tmp_path / "set.mp4").read_bytes()


def test_a_clip_is_analysed_and_its_report_served(tmp_path, video_bytes):
    analysis = FakeAnalysis()
    client, store, runner = serve(tmp_path / "kept", analysis)
    try:
        reply = upload(client, "my set.mp4", video_bytes, "kb_single_leg_deadlift")
        assert reply.status_code == 202
        job = reply.get_json()
        done = wait_for(client, job["id"], DONE)
        assert done["report"] == f"/analyses/{job['id']}/files/report.html"
        assert done["reps"] == 2 and done["faulty_reps"] == 1
        page = client.get(done["report"])
        assert page.status_code == 200 and b"<title>report</title>" in page.data
        # The analysis page now goes straight to the report.
        assert client.get(f"/analyses/{job['id']}").headers["Location"] == done["report"]
        # Kept under the folder the user named: the clip, job.json and the report.
        folder = tmp_path / "kept" / job["id"]
        assert (folder / "upload" / "my set.mp4").read_bytes() == video_bytes
        assert json.loads((folder / "job.json").read_text())["state"] == DONE
        home = client.get("/").get_data(as_text=True)
        assert "my set.mp4" in home and "1 of 2 reps with a fault" in home
    finally:
        runner.stop()


def test_a_file_that_is_not_a_video_gets_a_clear_message(tmp_path):
    client, store, runner = serve(tmp_path, FakeAnalysis())
    try:
        reply = upload(client, "notes.txt", b"squat 3x5, deadlift 1x5")
        assert reply.status_code == 415
        assert reply.get_json()["error"].startswith("\u201cnotes.txt\u201d is not a video")
        photo = io.BytesIO()
        import cv2

        photo.write(cv2.imencode(".png", np.zeros((20, 20, 3), np.uint8))[1].tobytes())
        reply = upload(client, "me.png", photo.getvalue())
        assert reply.status_code == 415 and "is a still image" in reply.get_json()["error"]
        # Without the page's script (a plain form post): the page again, with the message.
        plain = client.post(
            "/analyses",
            data={"clip": (io.BytesIO(b"hello"), "<b>x.txt"), "exercise": "auto"},
            content_type="multipart/form-data",
        )
        text = plain.get_data(as_text=True)
        assert plain.status_code == 415 and "&lt;b&gt;x.txt\u201d is not a video" in text
        assert store.all() == [] and list(tmp_path.iterdir()) == []  # nothing kept
    finally:
        runner.stop()


def test_uploads_over_the_limit_are_refused_with_the_limit(tmp_path):
    client, store, runner = serve(tmp_path, FakeAnalysis(), max_upload_mb=1)
    try:
        reply = upload(client, "big.mp4", b"\0" * (1024 * 1024 + 10))
        assert reply.status_code == 413
        assert "larger than the 1 MB limit" in reply.get_json()["error"]
        assert store.all() == []
    finally:
        runner.stop()


def test_an_upload_from_another_site_is_refused(tmp_path, video_bytes):
    client, store, runner = serve(tmp_path, FakeAnalysis())
    try:
        reply = upload(client, "a.mp4", video_bytes, Origin="http://evil.example")
        assert reply.status_code == 403 and store.all() == []
        ok = upload(client, "a.mp4", video_bytes, Origin="http://localhost")
        assert ok.status_code == 202  # the test client's own origin
    finally:
        runner.stop()


def test_a_second_upload_waits_in_the_queue(tmp_path, video_bytes):
    gate = threading.Event()
    analysis = FakeAnalysis(gate)
    client, store, runner = serve(tmp_path, analysis)
    try:
        first = upload(client, "first.mp4", video_bytes).get_json()
        assert analysis.running.wait(5)
        second = upload(client, "second.mp4", video_bytes).get_json()
        running = wait_for(client, first["id"], RUNNING)
        assert running["frames"] >= 1 and running["total"] == 10
        waiting = client.get(f"/analyses/{second['id']}/status").get_json()
        assert waiting["state"] == QUEUED and waiting["position"] == 1
        assert analysis.ran == ["first.mp4"]  # one at a time
        gate.set()
        wait_for(client, second["id"], DONE)
        assert analysis.ran == ["first.mp4", "second.mp4"]
    finally:
        gate.set()
        runner.stop()


def test_stopping_keeps_what_is_finished_and_starting_again_resumes(tmp_path, video_bytes):
    gate = threading.Event()
    client, store, runner = serve(tmp_path, FakeAnalysis(gate))
    gate.set()
    done = upload(client, "done.mp4", video_bytes).get_json()
    wait_for(client, done["id"], DONE)
    gate.clear()
    running = upload(client, "running.mp4", video_bytes).get_json()
    wait_for(client, running["id"], RUNNING)
    waiting = upload(client, "waiting.mp4", video_bytes).get_json()
    runner.stop()  # as Ctrl-C does
    states = {job.clip_name: job.state for job in JobStore(tmp_path).all()}
    assert states == {"done.mp4": DONE, "running.mp4": STOPPED, "waiting.mp4": QUEUED}

    gate.set()
    analysis = FakeAnalysis()
    client, store, runner = serve(tmp_path, analysis)  # the server started again
    try:
        wait_for(client, waiting["id"], DONE)
        assert analysis.ran == ["waiting.mp4"]  # the waiting one ran; the finished one kept
        assert client.get(f"/analyses/{done['id']}/files/report.html").status_code == 200
        stopped = client.get(f"/analyses/{running['id']}/status").get_json()
        assert stopped["state"] == STOPPED and stopped["retry"]
    finally:
        runner.stop()


def test_a_server_killed_mid_analysis_marks_it_stopped_on_the_next_start(tmp_path):
    store = JobStore(tmp_path)
    job = store.new("x.mp4", "x.mp4", "auto")
    job.state = RUNNING
    store.save(job)  # as a killed server leaves it
    Runner(JobStore(tmp_path), FakeAnalysis())
    assert JobStore(tmp_path).get(job.id).state == STOPPED


def test_a_failed_analysis_says_why_and_can_run_again_named(tmp_path, video_bytes):
    analysis = FakeAnalysis(
        error=FormcheckError("could not tell which exercise this clip shows: name it")
    )
    client, store, runner = serve(tmp_path, analysis)
    try:
        job = upload(client, "a.mp4", video_bytes).get_json()
        failed = wait_for(client, job["id"], FAILED)
        assert failed["error"] == "could not tell which exercise this clip shows: name it"
        page = client.get(f"/analyses/{job['id']}").get_data(as_text=True)
        assert "could not tell which exercise" in page and "Run again" in page
        analysis.error = None
        again = client.post(failed["retry"], data={"exercise": "kb_swing"}, headers=JSON).get_json()
        assert again["state"] == QUEUED
        assert wait_for(client, job["id"], DONE)["exercise_found"] == "Kettlebell swing"
        assert store.get(job["id"]).exercise == "kb_swing"
    finally:
        runner.stop()


def test_saved_names_stay_inside_the_analysis_folder():
    assert saved_name("my set.mp4") == "my set.mp4"
    assert saved_name("../../etc/passwd") == "_.._etc_passwd"
    assert saved_name(".hidden.mov") == "hidden.mov"
    assert saved_name("a\\b:c\n.mp4") == "a_b_c_.mp4"
    assert saved_name("") == "clip" and saved_name(".mp4") == "mp4"
    assert len(saved_name("x" * 500 + ".mp4")) == NAME_LIMIT + 4


def test_unknown_names_and_paths_outside_an_analysis_are_not_found(tmp_path, video_bytes):
    client, store, runner = serve(tmp_path, FakeAnalysis())
    try:
        assert upload(client, "a.mp4", video_bytes, "deadlift_ish").status_code == 400
        job = upload(client, "a.mp4", video_bytes).get_json()
        wait_for(client, job["id"], DONE)
        assert client.get("/analyses/../../etc/passwd/status").status_code == 404
        assert client.get("/analyses/20260101-000000-abcdef/status").status_code == 404
        assert client.get(f"/analyses/{job['id']}/files/../job.json").status_code == 404
        assert client.get(f"/analyses/{job['id']}/files/%2e%2e/job.json").status_code == 404
    finally:
        runner.stop()


def test_serve_command_line_errors_are_one_line(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", str(tmp_path), "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err
    assert "choose another port with --port" in err and "Traceback" not in err
    assert main(["serve", str(tmp_path), "--max-upload-mb", "0"]) == 2
    assert "--max-upload-mb must be at least 1" in capsys.readouterr().err
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    assert main(["serve", str(blocker / "sub")]) == 2
    assert "cannot use the folder" in capsys.readouterr().err
