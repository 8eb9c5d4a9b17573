"""Analyse a recorded clip end to end.

Pass 1 decodes the clip and runs the pose model, keeping only landmarks (a few hundred numbers
a frame), so memory does not grow with the clip's length. The analysis then sees the whole
set at once (zero-phase smoothing, rep boundaries, faults). Pass 2 decodes the clip again and
draws the verdicts on it: re-decoding costs far less than keeping every frame in memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.analysis import Analysis, analyze_sequence
from formcheck.errors import ClipNotFoundError, NoPersonError, OutputError
from formcheck.exercises.registry import Exercise, get_exercise
from formcheck.io.video_reader import VideoReader
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.tracking import LifterTracker
from formcheck.types import PoseSequence, Report, VideoInfo

# Analysis frames are scaled so the longest side is at most this: the pose model works at
# 256 px anyway, and drawing/encoding 4K phone video would cost more than the inference.
MAX_SIDE = 1280
# Fewer frames with a person than this fraction, and the clip cannot be judged.
MIN_POSE_FRACTION = 0.2

ProgressFactory = Callable[[int | None, str], Callable[[int], None]]


@dataclass(frozen=True)
class OutputPaths:
    folder: Path
    video: Path
    report: Path
    measures: Path

    @classmethod
    def for_clip(cls, clip: Path, out: Path | None) -> OutputPaths:
        folder = Path(out) if out is not None else clip.parent / f"{clip.stem}_formcheck"
        paths = cls(
            folder=folder,
            video=folder / f"{clip.stem}_annotated.mp4",
            report=folder / "report.json",
            measures=folder / "measures.csv",
        )
        for path in (paths.video, paths.report, paths.measures):
            if path.resolve() == clip.resolve():
                raise OutputError(f"output {path} would overwrite the input clip: choose another --out")
        return paths

    def prepare(self) -> None:
        """Create the folder and prove it is writable before spending minutes on the clip."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            probe = self.folder / f".formcheck-write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise OutputError(
                f"cannot write to output folder {self.folder}: {exc.strerror or exc}; "
                "choose a writable folder with --out"
            ) from None


def _no_progress(total: int | None, label: str) -> Callable[[int], None]:
    return lambda n: None


def estimate_poses(
    reader: VideoReader, estimator: PoseEstimator, tracker: LifterTracker, progress: Callable
) -> PoseSequence:
    """Pass 1: landmarks of the lifter in every frame (NaN where not found)."""
    t, image_xy, world_xyz, visibility = [], [], [], []
    for frame in reader:
        person = tracker.update(estimator.detect(frame.image, int(round(frame.t * 1000))))
        t.append(frame.t)
        if person is None:
            image_xy.append(np.full((NUM_LANDMARKS, 2), np.nan))
            world_xyz.append(np.full((NUM_LANDMARKS, 3), np.nan))
            visibility.append(np.zeros(NUM_LANDMARKS))
        else:
            image_xy.append(person.image_xy)
            world_xyz.append(person.world_xyz)
            visibility.append(person.visibility)
        progress(1)
    if not t:
        return PoseSequence.empty(0, (reader.info.width, reader.info.height))
    return PoseSequence(
        t=np.asarray(t),
        image_xy=np.asarray(image_xy),
        world_xyz=np.asarray(world_xyz),
        visibility=np.asarray(visibility),
        frame_size=(reader.info.width, reader.info.height),
    )


def analyze(
    path: str | os.PathLike[str],
    exercise: str = "kb_single_leg_deadlift",
    *,
    out: str | os.PathLike[str] | None = None,
    model: str = "lite",
    config: str | os.PathLike[str] | None = None,
    video: bool = True,
    progress: ProgressFactory | None = None,
) -> Report:
    """Analyse the clip at ``path``; write the annotated video, report.json and measures.csv
    into ``out`` (default: a folder beside the clip) and return the :class:`Report`."""
    clip = Path(path)
    if not clip.exists():
        raise ClipNotFoundError(f"clip {clip} does not exist: check the path")
    ex = get_exercise(exercise, Path(config) if config is not None else None)
    outputs = OutputPaths.for_clip(clip, Path(out) if out is not None else None)
    outputs.prepare()
    progress = progress or _no_progress

    with VideoReader(clip, max_side=MAX_SIDE) as reader, PoseEstimator(model) as estimator:
        tracker = LifterTracker()
        seq = estimate_poses(
            reader, estimator, tracker, progress(reader.info.frame_count, "pose")
        )
        info, decode_warnings = reader.info, list(reader.warnings)
        model_name = estimator.model_name

    found = int(seq.has_pose.sum())
    if len(seq) == 0 or found < max(3, MIN_POSE_FRACTION * len(seq)):
        raise NoPersonError(
            f"no person found in {clip} ({found} of {len(seq)} frames): film the whole body, "
            "well lit, with the lifter filling a good part of the frame"
        )
    analysis = analyze_sequence(seq, ex)
    report = build_report(ex, info, model_name, tracker.describe(), seq, analysis)
    report.warnings[:0] = decode_warnings
    write_outputs(report, analysis, ex, clip, outputs, video=video, progress=progress)
    return report


def build_report(
    ex: Exercise,
    info: VideoInfo,
    model_name: str,
    person: str,
    seq: PoseSequence,
    analysis: Analysis,
) -> Report:
    warnings = list(analysis.warnings)
    if not analysis.reps:
        warnings.append(
            "no complete rep found: film the whole set from the side, starting and ending "
            "standing tall"
        )
    return Report(
        exercise=ex.name,
        clip=info,
        model=model_name,
        view=analysis.view.view,
        view_confidence=analysis.view.confidence,
        standing_leg=analysis.standing_leg,
        person=person,
        frames_total=len(seq),
        frames_with_pose=int(seq.has_pose.sum()),
        reps=analysis.reps,
        not_assessable=analysis.not_assessable,
        warnings=warnings,
    )


def overlay_angle_series(
    ex: Exercise, analysis: Analysis
) -> dict[str, tuple[np.ndarray, int]]:
    """label -> (degrees per frame, landmark to write the value beside)."""
    stand = analysis.standing_leg or "left"
    free = "right" if stand == "left" else "left"
    side_of = {"standing": stand, "free": free, "mid": "left", "bell": stand}
    series: dict[str, tuple[np.ndarray, int]] = {}
    for label, measure, anchor in ex.overlay_angles:
        role, part = anchor.split("_", 1)
        series[label] = (analysis.measures[measure], int(L[f"{side_of[role]}_{part}".upper()]))
    return series


def write_outputs(
    report: Report,
    analysis: Analysis,
    ex: Exercise,
    clip: Path,
    outputs: OutputPaths,
    *,
    video: bool,
    progress: ProgressFactory,
) -> None:
    from formcheck.report.csv_report import write_measures_csv
    from formcheck.report.json_report import write_report_json

    if video:
        from formcheck.render.annotate import write_annotated_video

        write_annotated_video(
            clip,
            outputs.video,
            report,
            analysis,
            overlay_angle_series(ex, analysis),
            max_side=MAX_SIDE,
            progress=progress(len(analysis.smoothed), "video"),
        )
        report.outputs["video"] = str(outputs.video)
    write_measures_csv(
        outputs.measures,
        analysis.smoothed.t,
        analysis.measures,
        rep_index=analysis.rep_index,
        phase=analysis.phase,
    )
    report.outputs["measures"] = str(outputs.measures)
    report.outputs["report"] = str(outputs.report)
    write_report_json(report, outputs.report)
