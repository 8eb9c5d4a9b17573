"""Memory and time of report.html for a long session with thousands of faults.

A two-hour live session recorded 3,256 faults; writing its report.html took a still of every
one and held them all at once (3.3 GB, docs/reliability.md). Stills are now read one frame at
a time and kept for the first ``MAX_STILLS`` faults. This builds such a session without
playing it: the demo clip repeated (packets copied) to ``--minutes``, and the demo's report
repeated with it, then writes report.html in a fresh process and prints that process's peak
resident memory before and after, for the capped stills and (``--uncapped``) for a still of
every fault. Usage:

    python benchmarks/bench_report_stills.py [--minutes 120] [--uncapped]
"""

from __future__ import annotations

import argparse
import copy
import pickle
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
DEMO = ROOT / "sample_videos" / "sldl_side_demo.mp4"

WRITE = """
import pickle, resource, sys, time
from formcheck.report import html_report
report, video, page, cap = pickle.load(open(sys.argv[1], "rb"))
if cap:
    html_report.MAX_STILLS = cap
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
html_report.write_report_html(report, page, stills_from=video)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{before:.0f} {after:.0f} {seconds:.1f}")
"""


def long_report(report, copies: int, span_s: float, fps: float):
    """``report`` with its reps repeated ``copies`` times, each copy ``span_s`` later."""
    reps = []
    for k in range(copies):
        ds, df = k * span_s, int(round(k * span_s * fps))
        for rep in report.reps:
            moved = copy.deepcopy(rep)
            moved.index = len(reps) + 1
            moved.start_s += ds
            moved.end_s += ds
            moved.start_frame += df
            moved.end_frame += df
            moved.faults = [
                replace(f, time_s=f.time_s + ds, onset_s=f.onset_s + ds, frame=f.frame + df)
                for f in rep.faults
            ]
            reps.append(moved)
    long = copy.deepcopy(report)
    long.reps = reps
    return long


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=120.0)
    parser.add_argument("--uncapped", action="store_true", help="also a still of every fault")
    args = parser.parse_args(argv)

    from soak_live import repeat_clip

    from formcheck.io.video_reader import probe
    from formcheck.pipeline import analyze
    from formcheck.report.html_report import MAX_STILLS

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        demo = analyze(DEMO, out=tmp / "demo", video=False, jobs=1)
        video = tmp / "long.mp4"
        copies = repeat_clip(DEMO, video, args.minutes * 60)
        # The copies are spaced by the file's own span (repeat_clip): read it back.
        span_s = probe(video).duration_s / copies
        report = long_report(demo, copies, span_s, demo.clip.fps)
        faults = sum(len(rep.faults) for rep in report.reps)
        print(
            f"{copies} copies of {DEMO.name}: {probe(video).duration_s / 60:.0f} min, "
            f"{len(report.reps)} reps, {faults} faults"
        )
        for label, cap in [(f"stills for the first {MAX_STILLS}", None)] + (
            [("a still of every fault", 10**9)] if args.uncapped else []
        ):
            job = tmp / "job.pickle"
            page = tmp / "report.html"
            job.write_bytes(pickle.dumps((report, video, page, cap)))
            out = subprocess.run(
                [sys.executable, "-c", WRITE, str(job)], capture_output=True, text=True
            )
            if out.returncode:
                print(f"  {label}: failed: {out.stderr.strip().splitlines()[-1]}")
                continue
            before, after, seconds = out.stdout.split()
            print(
                f"  {label}: peak RSS {before} MB before, {after} MB after writing "
                f"({float(after) - float(before):+.0f} MB), {seconds} s, page "
                f"{page.stat().st_size / 1e6:.1f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
