"""Can `formcheck live` keep up with a 30 fps camera? A clip stands in for the camera, played at
its real pace through the same frame source, pose model, analysis and drawing as a live
session (headless: no window), and the run prints, per model:

- frames processed / frames offered (1.00 = every frame analysed; below, the newest frame was
  taken and older ones dropped);
- latency from capture (the frame's scheduled instant) to its drawn overlay: median and 95th
  percentile in ms, and whether it grew over the session (last third vs first third);
- work per processed frame (pose + analysis + drawing) as a fraction of the frame interval.

Usage:

    python benchmarks/bench_live.py [CLIP] [--exercise NAME] [--models lite full] [--record]
        [--repeat N] [--seconds S] [--num-poses N]

Targets (issue 5): lite processes every frame at 30 fps with p95 latency under 50 ms. The
machine is shared, so the load average is printed beside each run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "sample_videos" / "sldl_side_demo.mp4"


class StopAfter:
    """A headless display that quits after ``seconds`` (to run a looped clip that long)."""

    def __init__(self, seconds: float | None) -> None:
        import time

        self.clock = time.perf_counter
        self.until = None if seconds is None else self.clock() + seconds

    def show(self, image) -> str | None:
        return "quit" if self.until is not None and self.clock() >= self.until else None

    def close(self) -> None:
        pass


def run_once(
    clip: Path,
    exercise: str,
    model: str,
    record: bool,
    seconds: float | None = None,
    num_poses: int | None = None,
    outlines: bool | None = None,
) -> dict:
    from formcheck.exercises.registry import get_exercise
    from formcheck.live.app import LIVE_NUM_POSES, LIVE_OUTLINES
    from formcheck.live.engine import LiveAnalyzer
    from formcheck.live.recorder import SessionRecorder
    from formcheck.live.session import LiveSession
    from formcheck.live.sources import FileSource
    from formcheck.pose.estimator import PoseEstimator

    ex = get_exercise(exercise)
    with (
        tempfile.TemporaryDirectory() as tmp,
        PoseEstimator(
            model,
            num_poses=num_poses or LIVE_NUM_POSES,
            segmentation=LIVE_OUTLINES if outlines is None else outlines,
        ) as estimator,
    ):
        # The model is loaded and warmed up before the "camera" starts, as in a session.
        estimator.detect(np.zeros((480, 640, 3), np.uint8), 0)
        with FileSource(clip, loop=seconds is not None) as source:
            recorder = SessionRecorder(Path(tmp), source.frame_size, source.fps) if record else None
            session = LiveSession(
                source,
                estimator,
                LiveAnalyzer(ex, source.frame_size, fps=source.fps),
                recorder=recorder,
                display=StopAfter(seconds),
            )
            session.stats.latency_ms = _KeepAll()  # in order: does latency grow?
            result = session.run()
            fps = source.fps
    stats = result.stats
    summary = stats.summary()
    lat = np.asarray(stats.latency_ms.values)
    third = max(1, len(lat) // 3)
    summary.update(
        model=model + ("" if outlines is None else (" +outline" if outlines else " -outline")),
        fps=fps,
        reps=len(result.report.reps),
        latency_first_third_p50_ms=float(np.median(lat[:third])),
        latency_last_third_p50_ms=float(np.median(lat[-third:])),
        work_fraction_of_interval=summary["work_p50_ms"] / (1000.0 / fps),
        load_average=os.getloadavg()[0],
    )
    return summary


class _KeepAll:
    """The session's latency histogram, also keeping every value in order (a benchmark
    compares the first third of a run with the last)."""

    def __init__(self) -> None:
        from formcheck.live.session import Timings

        self._histogram, self.values = Timings(), []

    def append(self, ms: float) -> None:
        self._histogram.append(ms)
        self.values.append(ms)

    def __len__(self) -> int:
        return len(self.values)

    def percentile(self, q: float) -> float:
        return self._histogram.percentile(q)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--exercise", help="default: from the clip's .labels.json")
    parser.add_argument("--models", nargs="+", default=["lite", "full"])
    parser.add_argument("--record", action="store_true", help="also encode the annotated video")
    parser.add_argument("--repeat", type=int, default=1, help="runs per model (alternating)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument(
        "--seconds", type=float, help="loop the clip for this long (does latency grow?)"
    )
    parser.add_argument(
        "--num-poses", type=int, help="people MediaPipe looks for (live uses 1; try 2)"
    )
    parser.add_argument(
        "--outlines",
        choices=("on", "off", "both"),
        default="on",
        help="read the trunk outline from the person mask (live does); both: alternate",
    )
    args = parser.parse_args()

    exercise = args.exercise
    if exercise is None:
        labels = args.clip.with_suffix(".labels.json")
        if not labels.exists():
            parser.error("--exercise is needed for a clip without a .labels.json beside it")
        exercise = json.loads(labels.read_text())["exercise"]

    modes = {"on": [None], "off": [False], "both": [True, False]}[args.outlines]
    results = []
    for _ in range(args.repeat):
        for model in args.models:
            for outlines in modes:
                results.append(
                    run_once(
                        args.clip,
                        exercise,
                        model,
                        args.record,
                        args.seconds,
                        args.num_poses,
                        outlines,
                    )
                )

    looped = f", looped for {args.seconds:.0f} s" if args.seconds else ""
    print(f"clip {args.clip.name} ({exercise}), record={args.record}{looped}")
    header = (
        f"{'model':14} {'processed/offered':>18} {'lat p50':>8} {'lat p95':>8} "
        f"{'first/last third p50':>21} {'work p50':>9} {'work/interval':>14} {'load':>5} reps"
    )
    print(header)
    for r in results:
        print(
            f"{r['model']:14} {r['frames_processed']:>8}/{r['frames_offered']:<5} "
            f"({r['processed_fraction']:.2f}) {r['latency_p50_ms']:>6.1f}ms "
            f"{r['latency_p95_ms']:>6.1f}ms {r['latency_first_third_p50_ms']:>9.1f}/"
            f"{r['latency_last_third_p50_ms']:<6.1f}ms {r['work_p50_ms']:>7.1f}ms "
            f"{r['work_fraction_of_interval']:>13.2f} {r['load_average']:>5.1f} {r['reps']}"
        )
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
