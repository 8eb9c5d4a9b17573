"""Soak test of `formcheck batch`: 500 short clips through the command line, one worker process
killed (SIGKILL, as the out-of-memory killer does) half-way, memory sampled all along.

    python benchmarks/soak_batch.py [--clips 500] [--seconds 2] [--jobs 2] [--video]

The clips are cut cheaply from the rendered samples: a few seconds of each side-view sample
re-encoded once, then copied under distinct names until there are ``--clips``; two of them
are broken on purpose (a text file, a truncated file). Prints how every clip ended (each
``ok`` or ``failed`` with a reason, none lost), whether the summary lists every clip, the
throughput, and the resident memory (RSS) of the main process and of the workers, early and
late in the run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import rss_mb  # noqa: E402

SAMPLES = ROOT / "sample_videos"
EXERCISE = "kb_single_leg_deadlift"
SAMPLE_EVERY_S = 2.0


def cut(source: Path, dest: Path, seconds: float) -> None:
    """The first ``seconds`` of ``source``, re-encoded (H.264, ultrafast)."""
    import av

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


def make_clips(folder: Path, n: int, seconds: float) -> list[Path]:
    sources = sorted(SAMPLES.glob("sldl_*_side.mp4"))
    bases = []
    for source in sources:
        base = folder / "base" / f"{source.stem}.mp4"
        base.parent.mkdir(parents=True, exist_ok=True)
        cut(source, base, seconds)
        bases.append(base)
    clips = folder / "clips"
    clips.mkdir()
    made = []
    for k in range(n - 2):
        base = bases[k % len(bases)]
        made.append(clips / f"c{k:04d}_{base.stem}.mp4")
        shutil.copy(base, made[-1])
    (clips / "c9998_notes.mp4").write_text("this is not a video\n" * 50)
    data = bases[0].read_bytes()
    (clips / "c9999_truncated.mp4").write_bytes(data[: len(data) // 20])
    return made


def workers_of(pid: int) -> list[int]:
    """The batch's worker processes: its children (whichever of its threads started them),
    without multiprocessing's resource tracker."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        parent = re.search(r"PPid:\s+(\d+)", text)
        if parent and int(parent.group(1)) == pid and b"resource_tracker" not in cmdline:
            found.append(int(status.parent.name))
    return sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each clip")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--video", action="store_true", help="also draw the annotated videos")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        made = time.monotonic()
        make_clips(Path(tmp), args.clips, args.seconds)
        out = Path(tmp) / "out"
        command = [sys.executable, "-m", "formcheck", "batch", str(Path(tmp) / "clips")]
        command += ["--out", str(out), "--exercise", EXERCISE, "--jobs", str(args.jobs)]
        command += [] if args.video else ["--no-video"]
        print(f"{args.clips} clips of {args.seconds:g} s made in {time.monotonic() - made:.0f} s")
        print(" ".join(["formcheck", *command[3:]]))

        began = time.monotonic()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        main_rss: list[tuple[float, float]] = []
        worker_rss: list[tuple[float, float]] = []
        killed: list[str] = []
        done = threading.Event()

        def watch() -> None:
            while not done.wait(SAMPLE_EVERY_S):
                now = time.monotonic() - began
                if (mb := rss_mb(proc.pid)) is not None:
                    main_rss.append((now, mb))
                workers = workers_of(proc.pid)
                worker_rss.extend((now, mb) for w in workers if (mb := rss_mb(w)) is not None)
                finished = len(list(out.glob("*/batch.json"))) if out.is_dir() else 0
                if not killed and finished >= args.clips // 2 and workers:
                    os.kill(workers[0], signal.SIGKILL)
                    killed.append(f"worker {workers[0]} killed after {finished} clips")

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        stdout, stderr = proc.communicate()
        done.set()
        wall = time.monotonic() - began

        rows = json.loads((out / "summary.json").read_text())["clips"]
        statuses = Counter(row["status"] for row in rows)
        failed = [row for row in rows if row["status"] == "failed"]
        unexplained = [row for row in failed if not row["error"]]
        print(f"exit status {proc.returncode} after {wall / 60:.1f} min; {'; '.join(killed)}")
        print(f"last line: {stdout.strip().splitlines()[-1]}")
        print(f"Traceback on stderr: {'Traceback' in stderr}")
        print(
            f"summary: {len(rows)} rows for {args.clips} clips; {dict(statuses)}; "
            f"failed without a reason: {len(unexplained)}"
        )
        reasons = Counter(row["error"].split(":")[0][:70] for row in failed)
        for reason, n in reasons.most_common():
            print(f"  failed x{n}: {reason}")
        leftovers = [p for p in out.rglob(".*") if ".tmp" in p.name]
        rate = args.clips / wall * 60
        print(f"throughput {rate:.0f} clips/min; temporary files left: {len(leftovers)}")

        def spread(samples: list[tuple[float, float]], lo: float, hi: float) -> str:
            values = [mb for t, mb in samples if lo * wall <= t <= hi * wall]
            return f"{min(values):.0f}-{max(values):.0f}" if values else "-"

        for name, samples in (("main process", main_rss), ("workers", worker_rss)):
            print(
                f"RSS MB {name}: first tenth {spread(samples, 0.0, 0.1)}, middle "
                f"{spread(samples, 0.45, 0.55)}, last tenth {spread(samples, 0.9, 1.0)}"
            )
    return 0 if proc.returncode in (0, 3) and not unexplained else 1


if __name__ == "__main__":
    sys.exit(main())
