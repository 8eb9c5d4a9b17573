"""`formcheck batch --engine dask` against a local Dask cluster on loopback: the same outputs
and resume behaviour as the local engine, and one-line errors when the cluster is not there.
Skipped when Dask is not installed (it is an optional extra)."""

from __future__ import annotations

import importlib.util
import json
import socket

import pytest

import formcheck
from batch_clips import SAMPLES, cut_clip, not_a_video, read_summary, run_quietly
from formcheck.batch import dask_engine
from test_cli_errors import assert_one_line_error, run_cli

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason='Dask is not installed (pip install -e ".[dask]")',
)

SLDL = "kb_single_leg_deadlift"


@pytest.fixture(scope="module")
def scheduler():
    import distributed

    # Worker processes, as on a real cluster: tasks and results cross a process boundary.
    with distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def test_same_outputs_and_resume_on_dask(scheduler, tmp_path):
    clip = cut_clip(SAMPLES / "sldl_side_demo.mp4", tmp_path / "clips" / "set1.mp4", 4.3)
    broken = not_a_video(tmp_path / "clips" / "notes.mp4")
    out = tmp_path / "out"
    command = ["batch", str(tmp_path / "clips"), "--out", str(out), "--exercise", SLDL]
    command += ["--no-video"]
    command += ["--engine", "dask", "--scheduler", scheduler]

    code, stdout = run_quietly(*command)
    rows = read_summary(out)
    assert code == 3
    assert rows[str(broken)]["status"] == "failed" and "notes.mp4" in rows[str(broken)]["error"]
    row = rows[str(clip)]
    assert row["status"] == "ok" and row["reps"] == 1 and row["standing_leg"] == "left"

    fresh = tmp_path / "fresh"
    formcheck.analyze(clip, SLDL, out=fresh, video=False)
    batch = out / row["output"]
    assert (batch / "measures.csv").read_bytes() == (fresh / "measures.csv").read_bytes()
    mine, theirs = (json.loads((f / "report.json").read_text()) for f in (batch, fresh))
    mine.pop("outputs"), theirs.pop("outputs")
    assert mine == theirs

    code, stdout = run_quietly(*command)
    rows = read_summary(out)
    assert code == 3
    assert rows[str(clip)]["status"] == "skipped" and rows[str(clip)]["reps"] == 1
    assert rows[str(broken)]["status"] == "failed"


def test_unreachable_scheduler(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT_S", 1.0)
    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clip = not_a_video(tmp_path / "a.mp4")
    address = f"tcp://127.0.0.1:{port}"
    command = ["batch", str(clip), "--out", str(tmp_path / "out"), "--scheduler", address]
    code, err = run_cli(capsys, *command)
    assert_one_line_error(code, err, "cannot reach the Dask scheduler", address)


def test_malformed_scheduler_address(capsys, tmp_path):
    clip = not_a_video(tmp_path / "a.mp4")
    command = ["batch", str(clip), "--out", str(tmp_path / "out"), "--scheduler", "no::pe::"]
    code, err = run_cli(capsys, *command)
    assert_one_line_error(code, err, "cannot reach the Dask scheduler", "no::pe::")
