"""Each user mistake gives one line naming the problem, a non-zero exit, and no traceback."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.cli import main
from formcheck.errors import FormcheckError


def write_blank_clip(path: Path, seconds: float = 1.0, size=(320, 240)) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        image = np.full((size[1], size[0], 3), 128, np.uint8)
        for _ in range(int(seconds * 30)):
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("formcheck: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def test_missing_clip(capsys, tmp_path):
    code, err = run_cli(capsys, "analyze", str(tmp_path / "nope.mp4"))
    assert_one_line_error(code, err, "nope.mp4", "does not exist")


def test_not_a_video(capsys, tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is not a video\n" * 50)
    code, err = run_cli(capsys, "analyze", str(fake), "--out", str(tmp_path / "out"))
    assert_one_line_error(code, err, "notes.mp4")


def test_truncated_to_nothing(capsys, tmp_path):
    clip = write_blank_clip(tmp_path / "cut.mp4")
    data = clip.read_bytes()
    clip.write_bytes(data[: len(data) // 20])
    code, err = run_cli(capsys, "analyze", str(clip), "--out", str(tmp_path / "out"))
    assert_one_line_error(code, err, "cut.mp4")


def test_clip_with_no_person(capsys, tmp_path):
    clip = write_blank_clip(tmp_path / "empty_room.mp4")
    code, err = run_cli(capsys, "analyze", str(clip), "--out", str(tmp_path / "out"))
    assert_one_line_error(code, err, "no person found", "empty_room.mp4")


def test_unknown_exercise(capsys, tmp_path):
    clip = write_blank_clip(tmp_path / "a.mp4")
    code, err = run_cli(capsys, "analyze", str(clip), "--exercise", "bench_press")
    assert_one_line_error(code, err, "bench_press", "kb_single_leg_deadlift")


@pytest.mark.parametrize(
    "toml, needle",
    [
        ("[kb_single_leg_deadlift.rules.hips_open]\nthreshhold = 3\n", "threshhold"),
        ("[kb_single_leg_deadlift.rules.hip_opening]\nthreshold = 3\n", "hip_opening"),
        ("[kb_single_leg_deadlift.rules.hips_open]\nthreshold = 'high'\n", "must be a number"),
        ("[kb_single_leg_deadlift.reps]\nmin_dept = 3\n", "min_dept"),
        ("[squats]\n", "squats"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_bad_config(capsys, tmp_path, toml, needle):
    clip = write_blank_clip(tmp_path / "a.mp4")
    config = tmp_path / "my.toml"
    config.write_text(toml)
    code, err = run_cli(capsys, "analyze", str(clip), "--config", str(config))
    assert_one_line_error(code, err, needle)


def test_missing_config_file(capsys, tmp_path):
    clip = write_blank_clip(tmp_path / "a.mp4")
    code, err = run_cli(capsys, "analyze", str(clip), "--config", str(tmp_path / "x.toml"))
    assert_one_line_error(code, err, "x.toml")


def test_unwritable_output_folder(capsys, tmp_path):
    clip = write_blank_clip(tmp_path / "a.mp4")
    blocker = tmp_path / "a_file"
    blocker.write_text("")  # a folder cannot be made inside a file, even as root
    code, err = run_cli(capsys, "analyze", str(clip), "--out", str(blocker / "out"))
    assert_one_line_error(code, err, "output folder")


def test_unknown_model(capsys, tmp_path):
    clip = write_blank_clip(tmp_path / "a.mp4")
    code, err = run_cli(capsys, "analyze", str(clip), "--model", str(tmp_path / "m.task"))
    assert_one_line_error(code, err, "m.task")


def test_errors_are_builtin_kinds_too():
    from formcheck.errors import ClipNotFoundError, ConfigError

    assert issubclass(ClipNotFoundError, FileNotFoundError)
    assert issubclass(ConfigError, ValueError)
    assert issubclass(ConfigError, FormcheckError)


def test_input_is_never_overwritten(tmp_path):
    from formcheck.errors import OutputError
    from formcheck.pipeline import OutputPaths

    clip = tmp_path / "report.json"
    clip.write_text("{}")
    with pytest.raises(OutputError, match="overwrite"):
        OutputPaths.for_clip(clip, tmp_path)


def test_exercise_not_recognised_asks_for_it(capsys, tmp_path):
    # A band hinge drill: arms hanging free and soft knees look the same as a bar or dumbbell
    # Romanian deadlift to a pose model, so `auto` must ask rather than guess.
    clip = Path(__file__).resolve().parents[1] / "sample_videos" / "bandhinge_clean_side.mp4"
    code, err = run_cli(capsys, "analyze", str(clip), "--out", str(tmp_path), "--no-video")
    assert_one_line_error(code, err, "could not tell", "--exercise", "hip_hinge")
    assert not (tmp_path / "report.json").exists()


def test_internal_error_is_one_line_without_traceback(capsys, monkeypatch):
    """A bug prints one line (the message's first line) and asks for a report."""
    import formcheck.cli as cli

    def broken(args):
        raise RuntimeError("first line of the problem\n  second line with details")

    monkeypatch.setattr(cli, "cmd_exercises", broken)
    code, err = run_cli(capsys, "exercises")
    assert code == 1
    assert err.count("\n") == 1 and "first line of the problem" in err
    assert "second line" not in err and "Traceback" not in err
