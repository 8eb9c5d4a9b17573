"""Start-up (issue 18): the commands that answer at once, the help, the exercise list and the
mistakes found before any work, must not load the pose model's libraries. Each runs in a fresh
interpreter, which then says which heavy libraries it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
HEAVY = ("mediapipe", "cv2", "av", "scipy", "numpy")

# Runs the command line as `formcheck` does, then prints (last line of stdout) the heavy
# top-level packages imported: a fresh process, so nothing an earlier test loaded counts.
PROBE = f"""\
import json, sys
from formcheck.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help
    code = exc.code
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
print(json.dumps(loaded), flush=True)
sys.exit(code)
"""


def run(tmp_path: Path, *argv: str) -> tuple[int, str, str, set[str]]:
    """Exit code, stdout (without the probe's line), stderr and the heavy packages loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    out, _, last = done.stdout.rstrip("\n").rpartition("\n")
    return done.returncode, out, done.stderr, set(json.loads(last))


def test_help_loads_no_heavy_library(tmp_path):
    code, out, err, loaded = run(tmp_path, "--help")
    assert code == 0, err
    for command in ("analyze", "exercises", "batch", "eval", "live", "serve"):
        assert command in out
    assert not loaded, f"--help imported {sorted(loaded)}"


@pytest.mark.parametrize("command", ["batch", "eval", "live", "serve"])
def test_a_commands_help_loads_no_heavy_library(tmp_path, command):
    code, out, err, loaded = run(tmp_path, command, "--help")
    assert code == 0, err
    assert "usage: formcheck " + command in out
    assert not loaded, f"{command} --help imported {sorted(loaded)}"


def test_exercises_lists_every_exercise_without_the_pose_libraries(tmp_path):
    code, out, err, loaded = run(tmp_path, "exercises")
    assert code == 0, err
    names = sorted(p.stem for p in (SRC / "formcheck" / "exercises").glob("*.toml"))
    listed = [line.split(":")[0] for line in out.splitlines() if line and line[0] != " "]
    assert listed == names
    # NumPy is what the rules are made of; the rest belongs to the analysis.
    assert not loaded & {"mediapipe", "cv2", "av", "scipy"}, sorted(loaded)


def test_missing_clip_is_reported_before_loading_anything(tmp_path):
    code, out, err, loaded = run(tmp_path, "analyze", "missing.mp4")
    assert code == 2
    assert err == "formcheck: error: clip missing.mp4 does not exist: check the path\n"
    assert not loaded, sorted(loaded)


def test_unknown_exercise_is_reported_before_loading_anything(tmp_path):
    (tmp_path / "clip.mp4").write_bytes(b"not read: the name is wrong first")
    code, out, err, loaded = run(tmp_path, "analyze", "clip.mp4", "--exercise", "nosuch")
    assert code == 2
    names = sorted(p.stem for p in (SRC / "formcheck" / "exercises").glob("*.toml"))
    assert err == (
        f"formcheck: error: unknown exercise 'nosuch'; choose one of: {', '.join(names)}\n"
    )
    assert not loaded, sorted(loaded)
    assert not list(tmp_path.glob("*_formcheck")), "no output folder for a mistake"


def test_a_missing_clip_is_named_before_an_unknown_exercise(tmp_path):
    """The order the analysis itself checks in: the clip, then the exercise."""
    code, _, err, _ = run(tmp_path, "analyze", "missing.mp4", "--exercise", "nosuch")
    assert code == 2 and "missing.mp4 does not exist" in err


def test_the_analysis_libraries_are_imported_beside_the_pose_model_not_before_it():
    """scipy takes a second or more to import and only the analysis after the pose pass needs
    it: importing the pipeline leaves it out, and `analyze` imports it in the background."""
    probe = (
        "import sys\n"
        "import formcheck.pipeline\n"
        "before = sorted(m for m in ('scipy.signal', 'scipy.ndimage', 'scipy.stats') "
        "if m in sys.modules)\n"
        "from formcheck.preload import preload\n"
        "preload().join()\n"
        "print(before, 'scipy.signal' in sys.modules, 'scipy.ndimage' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "True", "True"], done.stdout
