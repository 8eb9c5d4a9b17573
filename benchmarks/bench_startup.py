"""What starting formcheck costs: the wall time of the commands that should answer at once
(the help, the exercise list, a missing clip) beside a bare interpreter, and what loading the
pose model costs (the imports those commands now avoid), in one run.

    python benchmarks/bench_startup.py [--repeat 5]

Each command is a fresh process; runs alternate (every command once, then again) so the
machine's load falls on all alike, and the best of each is shown, in seconds and as a multiple
of `python -c pass`. `formcheck` is the installed script beside this Python when there is one,
else `python -m formcheck`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = "python -c pass"
LOAD_MODEL = "from formcheck.pose.estimator import PoseEstimator; PoseEstimator('lite').close()"


def formcheck_command() -> list[str]:
    script = Path(sys.executable).with_name("formcheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "formcheck"]


def commands() -> dict[str, tuple[list[str], int]]:
    """Label -> (command, the exit status it must end with)."""
    formcheck = formcheck_command()
    return {
        BASELINE: ([sys.executable, "-c", "pass"], 0),
        "formcheck --help": ([*formcheck, "--help"], 0),
        "formcheck exercises": ([*formcheck, "exercises"], 0),
        "formcheck analyze missing.mp4": ([*formcheck, "analyze", "missing.mp4"], 2),
        'python -c "import mediapipe"': ([sys.executable, "-c", "import mediapipe"], 0),
        "load the lite pose model": ([sys.executable, "-c", LOAD_MODEL], 0),
    }


def wall_time(command: list[str], status: int, cwd: str) -> float:
    """Seconds from start to exit; a wrong exit status would time the wrong thing."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != status:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-500:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (best is shown)")
    args = parser.parse_args()
    todo = commands()
    runs: dict[str, list[float]] = {label: [] for label in todo}
    with tempfile.TemporaryDirectory() as tmp:  # where missing.mp4 surely is missing
        for _ in range(args.repeat):
            for label, (command, status) in todo.items():
                runs[label].append(wall_time(command, status, tmp))
    best = {label: min(seconds) for label, seconds in runs.items()}
    print(f"python: {sys.executable}  runs: {args.repeat} (best of each)")
    print(f"  {'command':<32} {'seconds':>8} {'x ' + BASELINE:>18}")
    for label, seconds in best.items():
        print(f"  {label:<32} {seconds:8.3f} {seconds / best[BASELINE]:17.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
