"""Throughput of the whole `analyze` path against MediaPipe pose inference alone, on one clip.

Both are measured in this one run on the same clip, so the ratio holds on a noisy shared
machine even when absolute seconds do not. Usage:

    python benchmarks/bench_analyze.py [CLIP] [--model lite|full] [--repeat 2]

Prints frames per second of (a) pose inference alone (the landmarker's detect calls on every
decoded frame, decoding excluded), (b) decode + inference, (c) the full analysis with video,
report and CSV, the ratios, and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "sample_videos" / "sldl_side_demo.mp4"


def inference_alone(clip: Path, model: str) -> tuple[int, float, float]:
    """(frames, seconds inside detect, seconds for decode + detect)."""
    from formcheck.io.video_reader import VideoReader
    from formcheck.pipeline import MAX_SIDE
    from formcheck.pose.estimator import PoseEstimator

    frames, in_detect = 0, 0.0
    wall = time.perf_counter()
    with VideoReader(clip, max_side=MAX_SIDE) as reader, PoseEstimator(model) as estimator:
        for frame in reader:
            start = time.perf_counter()
            estimator.detect(frame.image, int(round(frame.t * 1000)))
            in_detect += time.perf_counter() - start
            frames += 1
    return frames, in_detect, time.perf_counter() - wall


def full_analysis(clip: Path, model: str, out: Path) -> float:
    from formcheck.pipeline import analyze

    start = time.perf_counter()
    analyze(clip, out=out, model=model)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", default=str(DEFAULT_CLIP))
    parser.add_argument("--model", default="lite")
    parser.add_argument("--repeat", type=int, default=2, help="alternate runs; best of each")
    args = parser.parse_args()
    clip = Path(args.clip)

    detect_s, decode_detect_s, analyze_s = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):  # alternate so machine load hits both alike
            frames, in_detect, wall = inference_alone(clip, args.model)
            detect_s.append(in_detect)
            decode_detect_s.append(wall)
            analyze_s.append(full_analysis(clip, args.model, Path(tmp) / f"run{i}"))

    fps = {
        "pose inference alone": frames / min(detect_s),
        "decode + pose inference": frames / min(decode_detect_s),
        "full analyze (video, report, CSV)": frames / min(analyze_s),
    }
    print(f"clip: {clip.name}  frames: {frames}  model: {args.model}  runs: {args.repeat}")
    for name, value in fps.items():
        print(f"  {name:<36} {value:7.1f} frames/s")
    full = fps["full analyze (video, report, CSV)"]
    ratio_alone = full / fps["pose inference alone"]
    ratio_decode = full / fps["decode + pose inference"]
    print(f"  ratio full analyze / inference alone:        {ratio_alone:.2f}")
    print(f"  ratio full analyze / decode + inference:     {ratio_decode:.2f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory (max RSS of this process): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
