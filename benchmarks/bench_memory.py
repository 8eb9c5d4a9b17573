"""Does `formcheck analyze` use the same memory on a 10-minute clip as on a 1-minute one?

The clips are the sample clip looped to each length (H.264, its size and frame rate),
written once with PyAV into a cache folder and reused. Each analysis is a fresh process:

    python -m formcheck analyze CLIP --quiet --out TMP --jobs N [--no-video]

(while the CLI lacks --jobs, ``python -c`` calling ``pipeline.analyze(..., jobs=N)`` stands
in, and the output says so). Usage:

    python benchmarks/bench_memory.py [--minutes 1 10] [--jobs 1 2] [--clip CLIP]

Per run it prints the peak resident memory (RSS) of:

- the analysing process (its VmHWM, the kernel's own high-water mark, read while it runs);
- the --jobs 2 helper process (a grandchild: its VmHWM too);
- wait4: the kernel's max RSS over the analysing process and every process it waited for
  (the helper included), exact, but it cannot tell which of them it was;
- the sum of the processes' RSS sampled together (shared pages counted once per process).

and the ratio of each between the longest and the shortest clip (target <= 1.10). Peaks are
read from /proc (Linux); the process tree is found with psutil. Expect about the clips'
length in minutes of analysis per run at 30 fps, twice for video and no video.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    DEFAULT_CLIP,
    ROOT,
    analyze_command,
    cli_has_jobs,
    describe_command,
    load_averages,
)

TARGET = 1.10  # peak memory of the longest clip over the shortest
CACHE = Path(tempfile.gettempdir()) / "formcheck-bench-clips"
POLL_S = 0.05


def looped_clip(sample: Path, minutes: float, folder: Path) -> Path:
    """``sample`` looped to ``minutes``: written once (H.264, same size and frame rate)."""
    import av

    path = folder / f"{sample.stem}_{minutes:g}min.mp4"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    with av.open(str(sample)) as source:
        stream = source.streams.video[0]
        rate = stream.average_rate or Fraction(30)
        width, height = stream.codec_context.width, stream.codec_context.height
    total = int(round(minutes * 60 * rate))
    partial = path.with_name(f".{path.name}.part.mp4")  # renamed when whole: no half clips
    with av.open(str(partial), "w") as out:
        video = out.add_stream("libx264", rate=rate)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "veryfast", "crf": "23"}
        written = 0
        while written < total:
            with av.open(str(sample)) as source:
                for frame in source.decode(video=0):
                    if written >= total:
                        break
                    # A fresh frame: the source's timestamps would repeat at every loop.
                    copy = av.VideoFrame.from_ndarray(frame.to_ndarray(format="rgb24"), "rgb24")
                    copy.pts = written
                    out.mux(video.encode(copy))
                    written += 1
        out.mux(video.encode(None))
    partial.rename(path)
    return path


@dataclass
class Peaks:
    wall_s: float = 0.0
    exact_kb: int = 0  # wait4's ru_maxrss: the analysing process or the helper, whichever
    by_role: dict[str, int] = field(default_factory=dict)  # role -> peak kB
    sum_kb: int = 0  # the most the processes held at one moment, summed


def role_of(process) -> str | None:
    """What a process of the tree is; None for a fork that has not exec'd yet (its pages are
    its parent's, copy-on-write: counting them would count the parent twice)."""
    import psutil

    try:
        cmdline = " ".join(process.cmdline())
        if process.parent() is not None and cmdline == " ".join(process.parent().cmdline()):
            return None
        name = process.name()
    except psutil.Error:  # gone already
        return None
    if "resource_tracker" in cmdline:
        return "resource tracker"
    if "spawn_main" in cmdline:
        return "helper"
    return name  # e.g. gcc, which ctypes.util.find_library runs


def status_kb(pid: int, key: str) -> int | None:
    """A ``VmHWM``/``VmRSS`` line of /proc/PID/status in kB (None where there is no /proc)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def measure(command: list[str]) -> Peaks:
    """Run ``command`` to its end, watching the memory of it and its children."""
    import psutil

    peaks = Peaks()
    roles: dict[int, str] = {}
    done = threading.Event()
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
        root = psutil.Process(child.pid)

        def watch() -> None:
            while not done.is_set():
                try:
                    tree = [root, *root.children(recursive=True)]
                except psutil.Error:  # exited: wait4 has the last word
                    break
                total = 0
                for process in tree:
                    if roles.get(process.pid) is None:  # known once it has exec'd
                        roles[process.pid] = "analyze" if process is root else role_of(process)
                    if roles[process.pid] is None:
                        continue
                    rss = status_kb(process.pid, "VmRSS")
                    hwm = status_kb(process.pid, "VmHWM")
                    if rss is None:  # no /proc: sampled RSS is all there is
                        try:
                            rss = hwm = process.memory_info().rss // 1024
                        except psutil.Error:
                            continue
                    total += rss
                    role = roles[process.pid]
                    peaks.by_role[role] = max(peaks.by_role.get(role, 0), hwm or rss)
                peaks.sum_kb = max(peaks.sum_kb, total)
                done.wait(POLL_S)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        # wait4 rather than wait: its rusage holds the exact peak of the child's process tree.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        peaks.wall_s = time.perf_counter() - start
        done.set()
        watcher.join()
        if child.returncode != 0:
            errors.seek(0)
            tail = errors.read()[-800:].decode(errors="replace")
            raise SystemExit(f"{describe_command(command)} exited {child.returncode}: {tail}")
    # ru_maxrss is in kB on Linux, bytes on macOS.
    peaks.exact_kb = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    return peaks


def mb(kb: int | None) -> str:
    return "-" if not kb else f"{kb / 1024:.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 10])
    parser.add_argument(
        "--jobs", nargs="+", default=["1", "2"], help="1, 2 or auto (no --jobs: the default)"
    )
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP, help="the clip to loop")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where looped clips are kept")
    args = parser.parse_args()
    if len(args.minutes) < 2:
        parser.error("--minutes needs at least two lengths to compare")
    if any(j not in ("1", "2", "auto") for j in args.jobs):
        parser.error("--jobs takes 1, 2 or auto")
    try:
        import psutil  # noqa: F401
    except ImportError:
        parser.error("psutil is needed to find the helper process: pip install psutil")

    minutes = sorted(args.minutes)
    clips = {m: looped_clip(args.clip.resolve(), m, args.cache) for m in minutes}
    use_cli = cli_has_jobs()
    configs = [(video, jobs) for video in (False, True) for jobs in args.jobs]
    load_before = load_averages()
    results: dict[tuple, Peaks] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for m in minutes:
            for video, jobs in configs:
                out = Path(tmp) / f"{m:g}min-{'video' if video else 'novideo'}-{jobs}"
                n = None if jobs == "auto" else int(jobs)
                command = analyze_command(clips[m], out, video=video, jobs=n, cli=use_cli)
                results[(m, video, jobs)] = measure(command)

    print(
        f"clips: {args.clip.name} looped to {', '.join(f'{m:g}' for m in minutes)} min "
        f"(cached in {args.cache})  cores usable: {len(os.sched_getaffinity(0))}"
    )
    print(f"load average (1, 5, 15 min) before: {load_before}  after: {load_averages()}")
    example = analyze_command(clips[minutes[0]], Path("TMP"), video=False, jobs=2, cli=use_cli)
    if not use_cli:
        print(
            "NOTE: `formcheck analyze --help` shows no --jobs yet, so each command below is "
            "`python -c` calling pipeline.analyze(..., jobs=N):"
        )
    print(f"command: {describe_command(example)}")
    print()
    columns = ("analyze", "helper", "wait4 max", "sum of RSS")
    print(f"  {'run':<30} {'wall s':>7}" + "".join(f"{c:>12}" for c in columns))
    for (m, video, jobs), p in results.items():
        name = f"{m:g} min, {'video' if video else '--no-video'}, --jobs {jobs}"
        values = (p.by_role.get("analyze"), p.by_role.get("helper"), p.exact_kb, p.sum_kb)
        others = ", ".join(
            f"{role} {mb(kb)}"
            for role, kb in p.by_role.items()
            if role not in ("analyze", "helper")
        )  # multiprocessing's resource tracker and the like: counted in the sum
        print(
            f"  {name:<30} {p.wall_s:7.0f}"
            + "".join(f"{mb(v):>12}" for v in values)
            + (f"  (also {others})" if others else "")
        )
    short, long = minutes[0], minutes[-1]
    print()
    print(f"  ratio {long:g} min / {short:g} min (target <= {TARGET:.2f}):")
    for video, jobs in configs:
        a, b = results[(short, video, jobs)], results[(long, video, jobs)]
        ratios = []
        for label, x, y in (
            ("analyze", a.by_role.get("analyze"), b.by_role.get("analyze")),
            ("helper", a.by_role.get("helper"), b.by_role.get("helper")),
            ("wait4 max", a.exact_kb, b.exact_kb),
            ("sum", a.sum_kb, b.sum_kb),
        ):
            if x and y:
                verdict = "" if y / x <= TARGET else " MISSED"
                ratios.append(f"{label} {y / x:.2f}{verdict}")
        name = f"{'video' if video else '--no-video'}, --jobs {jobs}"
        print(f"  {name:<30} " + "  ".join(ratios))
    print(
        "  analyze / helper: each process's VmHWM; wait4 max: the kernel's peak over the "
        "analysing process and the processes it waited for; sum: their RSS at one moment"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
