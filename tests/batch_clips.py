"""Helpers for the batch tests: short clips cut from the rendered samples, broken files, and
stand-in per-clip functions. Worker processes import this module by name, so it lives
beside the tests rather than inside a test file."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import av

from formcheck.batch.jobs import OK, BatchSettings, ClipJob, ClipResult
from formcheck.batch.worker import current_hooks
from formcheck.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


def cut_clip(source: Path, dest: Path, seconds: float) -> Path:
    """The first ``seconds`` of ``source``, re-encoded (H.264), so tests stay short."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(source)) as src, av.open(str(dest), "w") as out:
        in_stream = src.streams.video[0]
        rate = in_stream.average_rate or 30
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height = in_stream.width, in_stream.height
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i, frame in enumerate(src.decode(in_stream)):
            if i >= int(seconds * float(rate)):
                break
            image = frame.to_ndarray(format="rgb24")
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dest


def not_a_video(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("this is not a video\n" * 50)
    return path


def truncated(source: Path, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 20])
    return path


def read_summary(out: Path) -> dict[str, dict]:
    """summary.json's rows by clip file name (each test uses distinct names or paths)."""
    rows = json.loads((out / "summary.json").read_text())["clips"]
    return {row["clip"]: row for row in rows}


def crashing_check(job: ClipJob, settings: BatchSettings) -> ClipResult:
    """Stands in for check_clip: kills its worker process on clips named crash*, as a native
    crash in a video library would; otherwise a made-up success."""
    current_hooks().started(job)
    if Path(job.clip).name.startswith("crash"):
        os._exit(1)
    return ClipResult(clip=job.shown, output=job.folder, status=OK, exercise=job.exercise)


def run_quietly(*argv: str) -> tuple[int, str]:
    """Run the command line in this process: (exit status, what it printed on stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()
