"""How long each long-running command takes to end after one SIGTERM, at its busiest moment:
`analyze` writing its video, `batch` with clips queued and one being checked, `live`
recording, `eval` finding poses, `serve` analysing an upload.

    python benchmarks/stop_latency.py [--repeat 3]

Prints, per command, the seconds from the signal to the process's exit (median and worst of
the repeats) and its exit status. The moments are reached as tests/test_interrupts.py
reaches them (watching the files each command writes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from batch_clips import SAMPLES, cut_clip, not_a_video  # noqa: E402
from test_interrupts import (  # noqa: E402
    Run,
    clip_folder,
    free_port,
    growing_video,
    job_state,
    temp_files,
    upload,
)

SLDL = "kb_single_leg_deadlift"


def stop(run: Run) -> tuple[float, int]:
    began = time.monotonic()
    run.proc.send_signal(signal.SIGTERM)
    code = run.proc.wait(timeout=300)
    return time.monotonic() - began, code


def analyze(tmp: Path, clip: Path) -> tuple[float, int]:
    out = tmp / "out"
    run = Run(tmp, "analyze", str(clip), "--out", str(out), "--exercise", SLDL)
    run.wait_until(lambda: out.is_dir() and growing_video(out), "the video being written")
    return stop(run)


def batch(tmp: Path, clips: Path) -> tuple[float, int]:
    out = tmp / "out"
    run = Run(tmp, "batch", str(clips), "--out", str(out), "--exercise", SLDL, "--jobs", "1")
    run.wait_until(
        lambda: (f := clip_folder(out, "b1.mp4")) is not None and growing_video(f),
        "the second clip's video being written, five queued",
    )
    return stop(run)


def live(tmp: Path, clip: Path) -> tuple[float, int]:
    record = tmp / "sessions"
    argv = ["live", "--exercise", SLDL, "--camera", str(clip), "--no-window"]
    run = Run(tmp, *argv, "--record", str(record))
    run.wait_until(lambda: list(record.glob("*/report.json")), "the first rep judged")
    return stop(run)


def evaluate(tmp: Path, _clip: Path) -> tuple[float, int]:
    clips = tmp / "clips"
    clips.mkdir()
    for name in ("swing_clean_side", "sldl_side_clean", "kbdl_clean_side"):
        for suffix in (".mp4", ".labels.json"):
            shutil.copy(SAMPLES / f"{name}{suffix}", clips / f"{name}{suffix}")
    cache = tmp / "cache"
    run = Run(tmp, "eval", str(clips), "--cache", str(cache))
    run.wait_until(
        lambda: cache.is_dir() and [p for p in cache.glob("*.npz") if ".tmp" not in p.name],
        "a clip's landmarks cached",
    )
    return stop(run)


def serve(tmp: Path, clip: Path) -> tuple[float, int]:
    port = free_port()
    run = Run(tmp, "serve", str(tmp / "served"), "--port", str(port))
    run.wait_until(lambda: "open http" in run.stdout, "the server listening")
    job = upload(port, clip)
    run.wait_until(lambda: job_state(port, job["id"]) == "running", "the analysis running")
    time.sleep(1.0)
    return stop(run)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        clip = cut_clip(SAMPLES / "sldl_side_demo.mp4", tmp / "set.mp4", 6)
        clips = tmp / "batch_clips"
        not_a_video(clips / "a_notes.mp4")
        first = cut_clip(SAMPLES / "sldl_side_clean.mp4", clips / "b0.mp4", 1.5)
        for i in range(1, 6):
            shutil.copy(first, clips / f"b{i}.mp4")
        commands = {
            "analyze": (analyze, clip),
            "batch": (batch, clips),
            "live": (live, SAMPLES / "sldl_side_demo.mp4"),
            "eval": (evaluate, None),
            "serve": (serve, clip),
        }
        for name, (measure, arg) in commands.items():
            seconds, codes, leftovers = [], set(), 0
            for k in range(args.repeat):
                folder = tmp / f"{name}{k}"
                folder.mkdir()
                took, code = measure(folder, arg)
                seconds.append(took)
                codes.add(code)
                leftovers += len(temp_files(folder))
            print(
                json.dumps(
                    {
                        "command": name,
                        "stop_s_median": round(statistics.median(seconds), 2),
                        "stop_s_worst": round(max(seconds), 2),
                        "exit": sorted(codes),
                        "temporary_files_left": leftovers,
                    }
                ),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
