"""Throughput of `formcheck batch` with 1 and 2 worker processes, against pose inference alone.

All three are measured in this one run, alternating, best of each kept, so machine load hits
them alike and the ratios hold on a shared machine even when absolute numbers do not. Usage:

    python benchmarks/bench_batch.py [CLIP...] [--clips 8] [--video] [--repeat 2] [--jobs 1 2]

Without CLIPs it takes the first ``--clips`` side-view samples from sample_videos/. Prints
clips per minute and frames per second for each number of jobs, the scaling ratio (2 jobs
over 1), and batch throughput over pose inference alone (the one-person landmarker's detect
calls on every decoded frame, with the segmentation the analysis asks for, decoding
excluded, one process: bench_analyze.inference_alone), also per job, since each job can at
best run inference alone on its own core.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_analyze import inference_alone  # noqa: E402
from common import LoadSampler, load_averages  # noqa: E402

SAMPLES = ROOT / "sample_videos"
EXERCISE = "kb_single_leg_deadlift"  # named, so recognition cannot fail a sample
SCALING_TARGET = 1.8  # 2 jobs over 1 on two free cores


def default_clips(n: int) -> list[Path]:
    return sorted(p for p in SAMPLES.glob("sldl_*_side.mp4"))[:n]


def frame_count(clip: Path) -> int:
    from formcheck.io.video_reader import VideoReader

    with VideoReader(clip) as reader:
        return sum(1 for _ in reader)


def run_batch_once(clips: list[Path], jobs: int, video: bool, out: Path) -> float:
    """Wall seconds for a whole batch, worker start-up included (a user waits for it too)."""
    from formcheck.batch import run_batch

    start = time.perf_counter()
    outcome = run_batch(
        [str(c) for c in clips], out, exercise=EXERCISE, jobs=jobs, video=video, force=True
    )
    seconds = time.perf_counter() - start
    bad = [r for r in outcome.results if r.status != "ok"]
    if bad:
        raise SystemExit(f"benchmark clip failed: {bad[0].clip}: {bad[0].error}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", help="clips (default: side-view samples)")
    parser.add_argument("--clips", dest="count", type=int, default=8, help="how many samples")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--video", action="store_true", help="also write annotated videos")
    parser.add_argument("--model", default="lite")
    parser.add_argument("--repeat", type=int, default=2, help="alternate runs; best of each")
    args = parser.parse_args()
    from formcheck.cli import quiet_native_logs

    quiet_native_logs()  # MediaPipe's C++ chatter on fd 2, as the CLI silences it
    clips = [Path(c) for c in args.clips] or default_clips(args.count)
    frames = sum(frame_count(c) for c in clips)
    load_before = load_averages()
    load = LoadSampler()

    detect_s: list[float] = []
    batch_s: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):  # alternate so machine load hits each alike
            # Inference alone on every clip would double the run; two clips give its rate.
            alone_frames = alone_s = 0.0
            for clip in clips[:2]:
                n, in_detect, _ = inference_alone(clip, args.model)
                alone_frames, alone_s = alone_frames + n, alone_s + in_detect
            detect_s.append(alone_s / alone_frames)
            for jobs in args.jobs:
                out = Path(tmp) / f"run{i}-jobs{jobs}"
                batch_s[jobs].append(run_batch_once(clips, jobs, args.video, out))
    load.stop()

    alone_fps = 1.0 / min(detect_s)
    command = "python " + " ".join(shlex.quote(a) for a in sys.argv)
    print(f"command: {command}")
    print(
        f"clips: {len(clips)}  frames: {frames}  model: {args.model}  "
        f"video: {'yes' if args.video else 'no'}  runs: {args.repeat}  cores: {os.cpu_count()}"
    )
    print(f"load average (1, 5, 15 min) before: {load_before}  after: {load_averages()}")
    print(f"1-min load average during the run (this benchmark adds 1-2): {load.describe()}")
    print(f"  pose inference alone (1 process)   {alone_fps:7.1f} frames/s  (1 pose, as analyze)")
    per_minute = {}
    for jobs, runs in batch_s.items():
        best = min(runs)
        per_minute[jobs] = len(clips) * 60.0 / best
        fps = frames / best
        print(
            f"  batch, {jobs} job{'s' if jobs > 1 else ' '}                    "
            f"{fps:7.1f} frames/s  {per_minute[jobs]:6.1f} clips/min  "
            f"ratio to inference alone {fps / alone_fps:.2f} ({fps / alone_fps / jobs:.2f} per job)"
        )
    if 1 in per_minute and 2 in per_minute:
        scaling = per_minute[2] / per_minute[1]
        verdict = "met" if scaling >= SCALING_TARGET else "MISSED"
        print(f"  scaling ratio, 2 jobs / 1 job: {scaling:.2f}  (>= {SCALING_TARGET} {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
