"""Soak test of `formcheck live`: a long file played at camera pace, with --record, through the
command line as a user runs it; the process's memory sampled all along.

    python benchmarks/soak_live.py [--hours 2] [--clip sample_videos/sldl_side_demo.mp4]

The long file is the clip repeated (packets copied, timestamps shifted: no re-encoding) until
it lasts ``--hours``. Prints the session's figures (frames offered and analysed, reps, the
latency the command reports), what was saved (reps in report.json, rows in measures.csv,
frames in the video) and the resident memory (RSS) of the formcheck process: after the first
5 minutes, at each quarter, and the growth from the end of the first quarter to the end. A
session that kept every frame's landmarks grew by ~50 MB an hour at 30 fps.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import rss_mb  # noqa: E402

DEFAULT_CLIP = ROOT / "sample_videos" / "sldl_side_demo.mp4"
SAMPLE_EVERY_S = 5.0


def repeat_clip(clip: Path, dest: Path, seconds: float) -> int:
    """``clip`` copied back to back (packets, not frames) until ``dest`` lasts ``seconds``;
    returns the number of copies."""
    import av

    with av.open(str(clip)) as src:
        stream = src.streams.video[0]
        packets = [p for p in src.demux(stream) if p.dts is not None]
        times = sorted(p.pts for p in packets)  # in presentation order (B-frames)
        step = sorted(b - a for a, b in zip(times, times[1:]))[len(times) // 2]
        # Decoding times start before presentation times (B-frames): the next copy starts
        # that much later, so decoding times keep rising (a 2-frame pause at each join).
        lead = times[0] - min(p.dts for p in packets)
        span = times[-1] - times[0] + step + lead
        copies = max(1, int(seconds / float(span * stream.time_base)) + 1)
        stamps = [(p.pts, p.dts) for p in packets]  # muxing changes the packets in place
        with av.open(str(dest), "w") as out:
            out_stream = out.add_stream_from_template(stream)
            for k in range(copies):
                for packet, (pts, dts) in zip(packets, stamps):
                    packet.pts, packet.dts = pts + k * span, dts + k * span
                    packet.time_base, packet.stream = stream.time_base, out_stream
                    out.mux(packet)
    return copies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--exercise", default="kb_single_leg_deadlift")
    parser.add_argument("--keep", type=Path, help="keep the recording here (default: removed)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        long_clip = Path(tmp) / "long.mp4"
        copies = repeat_clip(args.clip, long_clip, args.hours * 3600)
        record = args.keep or Path(tmp) / "sessions"
        command = [
            sys.executable,
            "-m",
            "formcheck",
            "live",
            "--exercise",
            args.exercise,
            "--camera",
            str(long_clip),
            "--no-window",
            "--record",
            str(record),
        ]
        print(f"{args.clip.name} x {copies} = {args.hours:g} h; {' '.join(command[1:])}")
        began = time.monotonic()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        samples: list[tuple[float, float]] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_EVERY_S):
                mb = rss_mb(proc.pid)
                if mb is not None:
                    samples.append((time.monotonic() - began, mb))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = proc.communicate()
        done.set()
        wall = time.monotonic() - began

        print(f"exit status {proc.returncode} after {wall / 3600:.2f} h")
        for line in stdout.splitlines():
            if line.startswith(("session over", "saved in")):
                print(line)
        errors = [line for line in stderr.splitlines() if "formcheck:" in line]
        print(f"stderr lines from formcheck: {len(errors)}; Traceback: {'Traceback' in stderr}")
        for line in errors[:5]:
            print("  " + line)

        (session,) = Path(record).iterdir()
        report = json.loads((session / "report.json").read_text())
        with (session / "measures.csv").open(newline="") as handle:
            frames = [int(row["frame"]) for row in csv.DictReader(handle)]
        from formcheck.io.video_reader import probe

        video = probe(session / "session_annotated.mp4")
        leftovers = [p.name for p in session.iterdir() if p.name.startswith(".")]
        print(
            f"saved: {len(report['reps'])} reps in report.json; measures.csv {len(frames)} rows "
            f"(frames {frames[0]}-{frames[-1]}, in order: {frames == list(range(len(frames)))})"
            f"; report frames_total {report['frames_total']}; video {video.frame_count} frames,"
            f" {video.duration_s:.0f} s; temporary files left: {len(leftovers)}"
        )

        def rss_at(t: float) -> float:
            return min(samples, key=lambda s: abs(s[0] - t))[1]

        quarter = wall / 4
        marks = [300.0, quarter, 2 * quarter, 3 * quarter, samples[-1][0]]
        print("RSS MB: " + ", ".join(f"{t / 60:.0f} min {rss_at(t):.0f}" for t in marks))
        growth = rss_at(samples[-1][0]) - rss_at(quarter)
        peak = max(mb for _, mb in samples)
        since = f"{quarter / 60:.0f} min"
        print(f"RSS growth from {since} to the end: {growth:+.1f} MB; peak {peak:.0f} MB")
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
