"""What the command line and the library print when nothing is wrong: the help says how each
command ends, `formcheck exercises` lines up and says where each rule's numbers are, a
closed pipe is not an error, and the Python API is quiet."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def test_analyze_help_gives_the_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for status in ("0 analysed", "2 a problem with the clip", "130 stopped by Ctrl-C or SIGTERM"):
        assert status in text


def test_analyse_is_accepted_as_analyze(capsys):
    assert main(["analyse", "nope.mp4"]) == 2
    assert capsys.readouterr().err.startswith("formcheck: error: clip nope.mp4 does not exist")


def test_exercises_listing_lines_up_and_names_units_not_file_numbers(capsys):
    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    assert "source 000" not in out and not re.search(r"\b00\d:", out)
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    # Every row's columns start at the same place, however long a rule's name is.
    starts = {tuple(m.start() for m in re.finditer(r"(?<=  )\S", line))[:3] for line in rows}
    assert len(starts) == 1, starts
    assert "  bell_drift " in out and "bell_ahead_of_shin > 0.75 shin lengths" in out


def test_a_closed_pipe_is_not_an_internal_error():
    """`formcheck exercises | head -1`: the reader goes before formcheck has written."""
    with subprocess.Popen(
        [sys.executable, "-m", "formcheck", "exercises"],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait()
    assert code == 0 and "internal error" not in err and "Traceback" not in err, err


def test_the_python_api_prints_no_mediapipe_log_lines(tmp_path):
    clip = ROOT / "sample_videos" / "swing_clean_side.mp4"
    script = (
        "import formcheck, warnings\n"
        f"r = formcheck.analyze({str(clip)!r}, 'kb_swing', out={str(tmp_path)!r}, video=False)\n"
        "print(len(r.reps))\n"
        "warnings.warn('a warning of the caller still shows')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    err = done.stderr.decode().splitlines()
    assert [line for line in err if "warning of the caller" in line]  # Python's own: kept
    assert not [line for line in err if "warning of the caller" not in line and
                not line.startswith("  warnings.warn")], err  # fmt: skip
