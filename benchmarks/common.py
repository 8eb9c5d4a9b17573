"""Helpers shared by the benchmarks: the machine's load while they run, and commands timed
as a user would run them (a fresh process each, start-up included)."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "sample_videos" / "sldl_side_demo.mp4"


def formcheck_command() -> list[str]:
    """``python -m formcheck`` with this interpreter: the venv's formcheck, whatever is on PATH."""
    return [sys.executable, "-m", "formcheck"]


def cli_has_jobs() -> bool:
    """Whether ``formcheck analyze`` takes ``--jobs`` yet (it is being added alongside)."""
    done = subprocess.run(
        [*formcheck_command(), "analyze", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    return done.returncode == 0 and "--jobs" in done.stdout


# Stands in for `formcheck analyze ... --jobs N` while the CLI lacks --jobs: a fresh process
# that imports and runs the same analysis, so start-up is still paid and timed.
ANALYZE_SNIPPET = (
    "import sys; from formcheck.pipeline import analyze; "
    "analyze(sys.argv[1], out=sys.argv[2], video=sys.argv[3] == 'video', "
    "jobs=None if sys.argv[4] == 'auto' else int(sys.argv[4]))"
)


def analyze_command(
    clip: Path, out: Path, *, video: bool, jobs: int | None, cli: bool
) -> list[str]:
    """The analysis of ``clip`` as a command: the real CLI when ``cli``, else the snippet.
    ``jobs`` None: the default choice (no --jobs)."""
    if cli:
        flags = ([] if video else ["--no-video"]) + ([] if jobs is None else ["--jobs", str(jobs)])
        return [*formcheck_command(), "analyze", str(clip), "--quiet", "--out", str(out), *flags]
    video_arg = "video" if video else "no-video"
    jobs_arg = "auto" if jobs is None else str(jobs)
    return [sys.executable, "-c", ANALYZE_SNIPPET, str(clip), str(out), video_arg, jobs_arg]


def describe_command(command: list[str]) -> str:
    shown = ["python" if part == sys.executable else part for part in command]
    return " ".join(f'"{part}"' if " " in part else part for part in shown)


def timed_run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a command run to its end; CPU counts every process it
    waited for (the --jobs 2 helper), so CPU / wall says how many cores it kept busy."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:  # a failed run would time the wrong thing
        raise SystemExit(
            f"{describe_command(command)} exited {done.returncode}: {done.stderr[-800:]}"
        )
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def load_averages() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


class LoadSampler:
    """The 1-minute load average every few seconds while the benchmark runs: on a shared
    machine it says how much of the cores other work took."""

    def __init__(self, every_s: float = 5.0) -> None:
        self.samples = [os.getloadavg()[0]]
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every_s,), daemon=True)
        self._thread.start()

    def _run(self, every_s: float) -> None:
        while not self._done.wait(every_s):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def describe(self) -> str:
        mean = sum(self.samples) / len(self.samples)
        return f"min {min(self.samples):.1f}, mean {mean:.1f}, max {max(self.samples):.1f}"


def rss_mb(pid: int) -> float | None:
    """A process's resident memory now, in MB (None once it has gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else None
