"""The bad inputs and odd machines formcheck must survive, as data: each case makes its input,
runs the command line in a process of its own as a user would, and says what must come out.
tests/test_reliability.py asserts every case; tools/reliability_table.py prints the table in
docs/reliability.md from a run.

Every case is also checked for what must never happen: a traceback, a message on more than
one line, the input changed, a temporary file or an empty output folder left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
SLDL = "kb_single_leg_deadlift"
TIMEOUT_S = 600


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    folder: Path  # where the case's files are

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


@dataclass
class Case:
    name: str  # as in the docs table
    make: Callable[[Path, Clips], list[str]]  # -> the command's arguments
    code: int  # the exit status the README documents for it
    says: tuple[str, ...] = ()  # the one stderr line (code != 0), or stdout (0), holds these
    check: Callable[[Result], None] | None = None  # what else must be true
    env: dict[str, str] = field(default_factory=dict)
    needs: Callable[[Path], str | None] | None = None  # why it cannot run here, or None


# --- inputs ----------------------------------------------------------------------------


def encode(path: Path, images, times=None, fps: float = 30, rotation_ccw: int | None = None):
    """RGB images to H.264 at ``times`` (seconds; default i / fps)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = images[0].shape[:2]
    base = Fraction(1, 1000)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        stream.codec_context.time_base = base
        if rotation_ccw is not None:
            stream.set_display_rotation(rotation_ccw)
        for i, image in enumerate(images):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            t = times[i] if times is not None else i / fps
            frame.pts, frame.time_base = round(t * 1000), base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def decode(path: Path, seconds: float) -> tuple[list[np.ndarray], list[float]]:
    with av.open(str(path)) as container:
        images, times = [], []
        for frame in container.decode(video=0):
            t = float(frame.pts * frame.time_base)
            if t >= seconds:
                break
            images.append(frame.to_ndarray(format="rgb24"))
            times.append(t)
    return images, times


class Clips:
    """Inputs made once per run (under ``folder``), from the rendered samples."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        # One clean single-leg deadlift rep (4.3 s), the base of most cases.
        self.images, self.times = decode(SAMPLES / "sldl_side_clean.mp4", 4.3)
        self.rep = encode(folder / "rep.mp4", self.images, self.times)

    def make(self, name: str, build: Callable[[Path], object]) -> Path:
        path = self.folder / name
        if not path.exists():
            build(path)
        return path


def _vfr(clips: Clips, path: Path) -> None:
    """A phone under load: a third of the frames dropped, gaps of up to a third of a second."""
    rng = np.random.default_rng(2)
    n = len(clips.images)
    keep = np.ones(n, bool)
    while (~keep).sum() < n // 3:
        start, run = int(rng.integers(2, n - 12)), int(rng.integers(1, 10))
        if keep[start - 1 : start + run + 1].all():
            keep[start : start + run] = False
    kept = np.flatnonzero(keep)
    encode(path, [clips.images[i] for i in kept], [clips.times[i] for i in kept])


def _audio_only(path: Path) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=44100)
        samples = (0.2 * np.sin(np.arange(44100) / 10)).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = 44100
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)


def _truncated(source: Path, path: Path, keep: float) -> None:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _faststart(clips: Clips, path: Path) -> None:
    """The rep with its index first (as phones and browsers write), cut at 60%."""
    whole = clips.folder / "faststart.mp4"
    with (
        av.open(str(clips.rep)) as src,
        av.open(str(whole), "w", options={"movflags": "+faststart"}) as out,
    ):
        stream = out.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    _truncated(whole, path, 0.6)


def _portrait(clips: Clips, path: Path) -> None:
    """Filmed holding the phone upright: the scene in a 9:16 frame."""
    pad = np.zeros((368, 640, 3), np.uint8)
    encode(path, [np.vstack([pad, image, pad]) for image in clips.images], clips.times)


def _rotated(clips: Clips, path: Path) -> None:
    """Stored sideways with a display matrix, as phones store portrait video."""
    # Stored turned a quarter to the left; shown turned back a quarter to the right.
    encode(path, [np.rot90(image) for image in clips.images], clips.times, rotation_ccw=-90)


def _two_people(clips: Clips, path: Path) -> None:
    other, _ = decode(SAMPLES / "sldl_bell_drift_side.mp4", 4.3)  # a second lifter
    encode(path, [np.hstack([a, b]) for a, b in zip(clips.images, other)], clips.times)


def _4k(clips: Clips, path: Path) -> None:
    import cv2

    images = [cv2.resize(image, (3840, 2160)) for image in clips.images[:45]]
    encode(path, images, clips.times[:45])


def _rate(clips: Clips, path: Path, fps: float) -> None:
    step = 1.0 / fps
    times = np.arange(0.0, clips.times[-1], step)
    index = np.searchsorted(clips.times, times, side="right") - 1
    encode(path, [clips.images[i] for i in index], list(times), fps=fps)


def _blank(path: Path) -> None:
    encode(path, [np.full((240, 320, 3), 128, np.uint8)] * 30)


def _still(clips: Clips, path: Path) -> None:
    import cv2

    cv2.imwrite(str(path), cv2.cvtColor(clips.images[60], cv2.COLOR_RGB2BGR))


def _copy(source: Path, dest: Path) -> str:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, dest)
    return str(dest)


def _config(tmp: Path, text: str) -> str:
    path = tmp / "my.toml"
    path.write_text(text)
    return str(path)


# --- what must come out ----------------------------------------------------------------


def report_of(result: Result) -> dict:
    (path,) = [p for p in result.folder.rglob("report.json")]
    return json.loads(path.read_text())


def reps_found(n: int) -> Callable[[Result], None]:
    def check(result: Result) -> None:
        assert len(report_of(result)["reps"]) == n, report_of(result)["warnings"]

    return check


def _is_4k(result: Result) -> None:
    clip = report_of(result)["clip"]
    assert (clip["width"], clip["height"]) == (3840, 2160)


def _upright(result: Result) -> None:
    report = report_of(result)
    assert report["clip"]["rotation_deg"] == 90 and len(report["reps"]) == 1


def _no_false_balance_loss(result: Result) -> None:
    report = report_of(result)
    assert len(report["reps"]) == 1
    assert not [f for rep in report["reps"] for f in rep["faults"]], report["reps"]


def _crowd(result: Result) -> None:
    report = report_of(result)
    assert report["person"] and len(report["reps"]) >= 1


def both_seen(result: Result) -> None:
    """The report says there were two people (tests/test_reliability.py, a known failure)."""
    assert "up to 2 people" in report_of(result)["person"], report_of(result)["person"]


def _cp1252(result: Result) -> None:
    assert "OK clean" in result.stdout or "X " in result.stdout  # the marks, in ASCII
    assert (result.folder / "out" / "report.json").exists()


def _same_out_twice(tmp: Path, clips: Clips) -> list[str]:
    other = clips.make("other_rep.mp4", lambda p: shutil.copy(clips.rep, p))
    first = _run(["analyze", str(other), "--out", str(tmp / "out"), "--exercise", SLDL,
                  "--no-video"], tmp, {})  # fmt: skip
    assert first.code == 0, first.stderr
    return ["analyze", str(clips.rep), "--out", str(tmp / "out"), "--exercise", SLDL]


def _kept_the_first(result: Result) -> None:
    report = report_of(result)
    assert Path(report["clip"]["path"]).name == "other_rep.mp4"


def _mount(tmp: Path, options: str) -> Path | None:
    """A tiny file system of our own (needs root); None where it cannot be made."""
    target = tmp / "mnt"
    target.mkdir(exist_ok=True)
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
        capture_output=True,
    )
    return target if made.returncode == 0 else None


def _needs_mount(tmp: Path) -> str | None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return "mounting a small file system needs root"
    target = _mount(tmp, "size=64k")
    if target is None:
        return "this machine does not allow mounting a tmpfs"
    subprocess.run(["umount", str(target)], check=False)
    return None


def _full_disk(tmp: Path, clips: Clips) -> list[str]:
    target = _mount(tmp, "size=96k")
    return ["analyze", str(clips.rep), "--out", str(target / "out"), "--exercise", SLDL]


def _read_only(tmp: Path, clips: Clips) -> list[str]:
    target = _mount(tmp, "ro,size=64k")
    return ["analyze", str(clips.rep), "--out", str(target / "out"), "--exercise", SLDL]


def _busy_camera(tmp: Path, clips: Clips) -> list[str]:
    """A camera another program holds: it opens, then never sends a frame. OpenCV is given
    a stand-in that behaves so (no test machine has a webcam to hold)."""
    fake = tmp / "sitecustomize.py"
    fake.write_text(
        "import cv2\n"
        "class Busy:\n"
        "    def __init__(self, *a): pass\n"
        "    def isOpened(self): return True\n"
        "    def read(self):\n"
        "        import time; time.sleep(0.01); return False, None\n"
        "    def set(self, *a): return False\n"
        "    def get(self, *a): return 0\n"
        "    def release(self): pass\n"
        "cv2.VideoCapture = Busy\n"
    )
    return ["live", "--exercise", SLDL, "--camera", "0", "--no-window"]


CASES = [
    Case("missing clip", lambda t, c: ["analyze", str(t / "nope.mp4")], 2, ("nope.mp4", "path")),
    Case(
        "empty file",
        lambda t, c: ["analyze", str(c.make("empty.mp4", lambda p: p.write_bytes(b"")))],
        2,
        ("empty.mp4", "not a readable video", "re-export"),
    ),
    Case(
        "text file named .mp4",
        lambda t, c: ["analyze", str(c.make("notes.mp4", lambda p: p.write_text("hi\n" * 99)))],
        2,
        ("notes.mp4", "not a readable video"),
    ),
    Case(
        "truncated, index at the end",
        lambda t, c: ["analyze", str(c.make("cut.mp4", lambda p: _truncated(c.rep, p, 0.6)))],
        2,
        ("cut.mp4", "not a readable video"),
    ),
    Case(
        "truncated, index first",
        lambda t, c: [
            "analyze",
            str(c.make("cut_fast.mp4", lambda p: _faststart(c, p))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
            "--no-video",
        ],  # fmt: skip
        0,
        ("decoding stopped at", "looks truncated"),
    ),
    Case(
        "audio only",
        lambda t, c: ["analyze", str(c.make("voice.m4a", _audio_only))],
        2,
        ("voice.m4a", "no video stream"),
    ),
    Case(
        "still image",
        lambda t, c: ["analyze", str(c.make("photo.png", lambda p: _still(c, p)))],
        2,
        ("photo.png", "too short to judge", "still image"),
    ),
    Case(
        "2-frame clip",
        lambda t, c: ["analyze", str(c.make("two.mp4", lambda p: encode(p, c.images[:2])))],
        2,
        ("two.mp4", "too short to judge", "2 frames"),
    ),
    Case(
        "no person",
        lambda t, c: ["analyze", str(c.make("empty_room.mp4", _blank))],
        2,
        ("empty_room.mp4", "no person found", "film the whole body"),
    ),
    Case(
        "two people (side by side)",
        lambda t, c: [
            "analyze",
            str(c.make("two_people.mp4", lambda p: _two_people(c, p))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
            "--no-video",
        ],  # fmt: skip
        0,
        ("person:",),
        _crowd,
    ),
    Case(
        "rotated (phone display matrix)",
        lambda t, c: [
            "analyze",
            str(c.make("rotated.mp4", lambda p: _rotated(c, p))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
            "--no-video",
        ],  # fmt: skip
        0,
        ("Rep 1",),
        _upright,
    ),
    Case(
        "portrait 9:16",
        lambda t, c: [
            "analyze",
            str(c.make("portrait.mp4", lambda p: _portrait(c, p))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
            "--no-video",
        ],  # fmt: skip
        0,
        ("Rep 1",),
        reps_found(1),
    ),
    Case(
        "4K (3840x2160)",
        lambda t, c: [
            "analyze",
            str(c.make("uhd.mp4", lambda p: _4k(c, p))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
        ],  # fmt: skip
        0,
        ("no complete rep found",),
        _is_4k,
    ),
    Case(
        "variable frame rate (a third dropped)",
        lambda t, c: [
            "analyze",
            str(c.make("vfr.mp4", lambda p: _vfr(c, p))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
            "--no-video",
        ],  # fmt: skip
        0,
        ("Rep 1",),
        _no_false_balance_loss,
    ),
    Case(
        "10 fps",
        lambda t, c: [
            "analyze",
            str(c.make("fps10.mp4", lambda p: _rate(c, p, 10))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
            "--no-video",
        ],  # fmt: skip
        0,
        ("Rep 1",),
        reps_found(1),
    ),
    Case(
        "60 fps",
        lambda t, c: [
            "analyze",
            str(c.make("fps60.mp4", lambda p: _rate(c, p, 60))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
            "--no-video",
        ],  # fmt: skip
        0,
        ("Rep 1",),
        reps_found(1),
    ),
    Case(
        "path with spaces and non-ASCII",
        lambda t, c: [
            "analyze",
            _copy(c.rep, t / "clips \u00fc" / "my set \u2013 \u00dcbung 1.mp4"),
            "--exercise",
            SLDL,
            "--no-video",
        ],  # fmt: skip
        0,
        ("my set \u2013 \u00dcbung 1_formcheck",),  # the default output folder, beside it
    ),
    Case(
        "output that is not UTF-8 (cp1252)",
        lambda t, c: [
            "analyze",
            str(c.make("set_\u2713.mp4", lambda p: shutil.copy(c.rep, p))),
            "--exercise",
            SLDL,
            "--out",
            str(t / "out"),
            "--no-video",
        ],  # fmt: skip
        0,
        ("set_?.mp4",),
        _cp1252,
        env={"PYTHONIOENCODING": "cp1252"},
    ),
    Case(
        "unknown exercise",
        lambda t, c: ["analyze", str(c.rep), "--exercise", "bench_press"],
        2,
        ("bench_press", "choose one of", SLDL),
    ),
    Case(
        "config: unknown key",
        lambda t, c: [
            "analyze",
            str(c.rep),
            "--config",
            _config(t, f"[{SLDL}.rules.bell_drift]\nthreshhold = 0.9\n"),
        ],  # fmt: skip
        2,
        ("'threshhold'", "valid keys"),
    ),
    Case(
        "config: wrong type",
        lambda t, c: [
            "analyze",
            str(c.rep),
            "--config",
            _config(t, f"[{SLDL}.rules.bell_drift]\nthreshold = 'far'\n"),
        ],  # fmt: skip
        2,
        ("threshold in [", "bell_drift] of", "my.toml must be a number"),
    ),
    Case(
        "config: degrees for a length",
        lambda t, c: [
            "analyze",
            str(c.rep),
            "--config",
            _config(t, f"[{SLDL}.rules.bell_drift]\nthreshold = 20.0\n"),
        ],  # fmt: skip
        2,
        ("threshold = 20", "shin lengths", "default 0.75"),
    ),
    Case(
        "config: nan",
        lambda t, c: [
            "analyze",
            str(c.rep),
            "--config",
            _config(t, f"[{SLDL}.rules.bell_drift]\nthreshold = nan\n"),
        ],  # fmt: skip
        2,
        ("must be a finite number",),
    ),
    Case(
        "config: not TOML",
        lambda t, c: ["analyze", str(c.rep), "--config", _config(t, "[[[ nope")],
        2,
        ("not valid TOML",),
    ),
    Case(
        "--out is a file",
        lambda t, c: [
            "analyze",
            str(c.rep),
            "--out",
            str(c.make("a_file.txt", lambda p: p.write_text("x"))),
        ],
        2,
        ("a_file.txt is a file, not a folder",),
    ),
    Case(
        "--out inside a file",
        lambda t, c: [
            "analyze",
            str(c.rep),
            "--out",
            str(c.make("b_file.txt", lambda p: p.write_text("x")) / "out"),
        ],  # fmt: skip
        2,
        ("b_file.txt is a file, not a folder",),
    ),
    Case(
        "--out already holds another clip's analysis",
        _same_out_twice,
        2,
        ("already holds the analysis of", "other_rep.mp4", "its own --out"),
        _kept_the_first,
    ),
    Case(
        "read-only output folder",
        _read_only,
        2,
        ("Read-only file system", "choose a writable folder"),
        needs=_needs_mount,
    ),
    Case(
        "disk full while writing",
        _full_disk,
        2,
        ("No space left on device", "rep_annotated.mp4: "),  # its own name, not a temporary
        needs=_needs_mount,
    ),
    Case(
        "corrupt model file",
        lambda t, c: [
            "analyze",
            str(c.rep),
            "--exercise",
            SLDL,
            "--model",
            str(c.make("broken.task", lambda p: p.write_bytes(b"\0" * 4096))),
        ],  # fmt: skip
        2,
        ("cannot load the pose model", "broken.task: Unable to open zip archive. Use"),
    ),
    Case(
        "missing camera",
        lambda t, c: ["live", "--exercise", SLDL, "--camera", "7", "--no-window"],
        2,
        ("could not open camera 7", "--camera"),
    ),
    Case(
        "busy camera",
        _busy_camera,
        2,
        ("camera 0 opened but sends no frames", "in use by another program"),
    ),
    Case(
        "`analyse` (British spelling)",
        lambda t, c: ["analyse", str(t / "nope.mp4")],
        2,
        ("nope.mp4",),
    ),
]


# --- running a case ----------------------------------------------------------------------


def _run(argv: list[str], folder: Path, env: dict[str, str]) -> Result:
    path = os.pathsep.join(
        p for p in (str(folder), str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p
    )  # the case folder first: a case may bring a sitecustomize.py
    full_env = {**os.environ, "PYTHONPATH": path, **env}
    done = subprocess.run(
        [sys.executable, "-m", "formcheck", *argv],
        cwd=folder,
        env=full_env,
        capture_output=True,
        timeout=TIMEOUT_S,
    )
    encoding = env.get("PYTHONIOENCODING", "utf-8")
    return Result(
        done.returncode,
        done.stdout.decode(encoding, errors="replace"),
        done.stderr.decode("utf-8", errors="replace"),
        folder,
    )


def _fingerprints(folder: Path) -> dict[Path, str]:
    return {
        p: hashlib.sha1(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and "mnt" not in p.parts
    }


def run(case: Case, folder: Path, clips: Clips) -> Result:
    """Make the case's input in ``folder``, run it, and check what every case must hold;
    raises AssertionError naming what went wrong."""
    folder.mkdir(parents=True, exist_ok=True)
    argv = case.make(folder, clips)
    inputs = _fingerprints(clips.folder)
    beside_inputs = set(clips.folder.rglob("*"))
    before = set(folder.rglob("*"))
    try:
        result = _run(argv, folder, case.env)
    finally:
        mount = folder / "mnt"
        if mount.is_dir():
            leftovers = [p for p in mount.rglob(".*") if ".tmp" in p.name]
            subprocess.run(["umount", str(mount)], check=False, capture_output=True)
        else:
            leftovers = []
    assert "Traceback" not in result.stderr, result.stderr
    assert result.code == case.code, (result.code, result.stderr)
    lines = result.error_lines
    if case.code:
        assert len(lines) == 1 and lines[0].startswith("formcheck: error: "), lines
        text = lines[0]
    else:
        assert not [line for line in lines if line.startswith("formcheck:")], lines
        text = result.stdout
    for needle in case.says:
        assert needle in text, (needle, text)
    assert _fingerprints(clips.folder) == inputs  # the inputs are untouched
    assert set(clips.folder.rglob("*")) == beside_inputs  # nothing left beside them
    made = set(folder.rglob("*")) - before
    temps = [p for p in made if p.name.startswith(".") and ".tmp" in p.name] + leftovers
    assert not temps, temps
    if case.code:  # nothing written: no report, no empty folder made for it
        assert not [p for p in made if p.is_dir() and not any(p.iterdir())], made
        assert not [p for p in made if p.name in ("report.json", "measures.csv")], made
    if case.check is not None:
        case.check(result)
    return result
