"""Analyse a recorded clip end to end.

Pass 1 decodes the clip and runs the pose model, keeping only landmarks (a few hundred numbers
a frame, not the frames), so memory grows with the clip's length only by those and the
measures made from them (docs/performance.md, memory). The analysis then sees the whole
set at once (zero-phase smoothing, rep boundaries, faults). Pass 2 decodes the clip again and
draws the verdicts on it: re-decoding costs far less than keeping every frame in memory.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np

from formcheck.analysis import Analysis, analyze_sequence, low_confidence_rules
from formcheck.errors import (
    ClipNotFoundError,
    ClipTooShortError,
    ExerciseNotRecognisedError,
    NoPersonError,
    OutputError,
)
from formcheck.exercises.registry import Exercise, available, get_exercise
from formcheck.interrupts import shielded
from formcheck.io.atomic import commit_temp, discard_temp, temp_name
from formcheck.io.output_folder import other_clip_in, prepare_folder, remove_if_empty
from formcheck.io.shot_cuts import ShotCutDetector
from formcheck.io.video_reader import VideoReader
from formcheck.native_memory import give_back_freed_memory
from formcheck.pose.finder import PeopleFinder, read_shot_again
from formcheck.pose.models import DEFAULT_MODEL
from formcheck.pose.second_half import (
    FrameResult,
    SecondHalf,
    join_index,
    overlap_frames,
    split_point,
)
from formcheck.pose.sequence_builder import SequenceBuilder
from formcheck.pose.tracking import Checkpoint, LifterTracker, trunk_colour
from formcheck.preload import preload
from formcheck.recognize import Recognition, describe, recognize
from formcheck.render.back_line import back_line
from formcheck.render.lagged import LaggedAnnotator, OverlaySnapshot
from formcheck.render.timeline import build_timeline, overlay_anchor
from formcheck.report.csv_report import write_measures_csv
from formcheck.report.curves import Curves
from formcheck.report.html_report import HTML_NAME, write_report_html
from formcheck.report.json_report import write_report_json
from formcheck.timing import StageClock, maybe_stage
from formcheck.types import Frame, PoseSequence, Report, VideoInfo

# Analysis frames are scaled so the longest side is at most this: the pose model works at
# 256 px anyway, and drawing/encoding 4K phone video would cost more than the inference.
MAX_SIDE = 1280
# The annotated video is drawn at most this size: it is for watching on a phone or laptop,
# and decoding, drawing and encoding full-HD frames would cost as much as the pose model.
VIDEO_MAX_SIDE = 960
# A clip's pose pass also reads the lifter's outline from the pose model's person mask: the
# back rules judge the spine's curve from it (pose.outline; about a tenth more pose time).
OUTLINES = True
# Fewer frames with a person than this fraction, and the clip cannot be judged.
MIN_POSE_FRACTION = 0.2
# The shortest rep any exercise counts (a kettlebell swing, 0.5 s): a clip shorter than this,
# or of fewer frames than three, cannot hold one, whoever is in it.
MIN_CLIP_S = 0.5
MIN_CLIP_FRAMES = 3


def too_short_message(clip: Path, seq: PoseSequence) -> str | None:
    """Why the clip is too short to judge (a still image, a few frames), or None."""
    n = len(seq)
    seconds = float(seq.t[-1] - seq.t[0]) if n > 1 else 0.0
    if n >= MIN_CLIP_FRAMES and seconds >= MIN_CLIP_S:
        return None
    what = "1 frame: a still image, not a video" if n == 1 else f"{n} frames, {seconds:.2f} s"
    return (
        f"{clip} is too short to judge ({what}); a rep takes at least {MIN_CLIP_S:g} s: "
        "film the whole set as a video"
    )


def too_few_poses(seq: PoseSequence) -> bool:
    """Too few frames show a person for the clip to be judged (``formcheck analyze`` refuses
    such a clip)."""
    return len(seq) == 0 or int(seq.has_pose.sum()) < max(3, MIN_POSE_FRACTION * len(seq))


# While the pose model runs, the clip so far is re-analysed this often (and at least every
# tenth of the frames seen, so long clips cost O(n log n)) to let the drawing thread go on.
LOOK_EVERY_S = 2.0
# The zero-phase filter's look-ahead: overlays this close to the newest frame may change.
SETTLE_S = 1.0
# Rising this fraction of a rep's minimum amplitude above the top may be the next rep.
MOVING_MARGIN = 0.15
START_LEAD_S = 0.5

ProgressFactory = Callable[[int | None, str], Callable[[int], None]]


@dataclass(frozen=True)
class OutputPaths:
    folder: Path
    video: Path
    report: Path
    measures: Path
    html: Path

    @classmethod
    def for_clip(cls, clip: Path, out: Path | None) -> OutputPaths:
        folder = Path(out) if out is not None else clip.parent / f"{clip.stem}_formcheck"
        paths = cls(
            folder=folder,
            video=folder / f"{clip.stem}_annotated.mp4",
            report=folder / "report.json",
            measures=folder / "measures.csv",
            html=folder / HTML_NAME,
        )
        for path in (paths.video, paths.report, paths.measures, paths.html):
            if path.resolve() == clip.resolve():
                raise OutputError(
                    f"output {path} would overwrite the input clip: choose another --out"
                )
        return paths

    def prepare(self, clip: Path) -> bool:
        """Create the folder and prove it is writable before spending minutes on the clip,
        refusing one that holds another clip's analysis. True when the folder is new."""
        other = other_clip_in(self.folder, clip)
        if other is not None:
            raise OutputError(
                f"output folder {self.folder} already holds the analysis of {other}: its "
                "reports would be replaced; give each clip its own --out"
            )
        return prepare_folder(self.folder)


def _no_progress(total: int | None, label: str) -> Callable[[int], None]:
    return lambda n: None


def track_poses(
    reader: VideoReader | Iterable[Frame],
    finder: PeopleFinder,
    tracker: LifterTracker,
    into: SequenceBuilder,
    helper: SecondHalf | None = None,
    reread: set[int] | None = None,
    rewind: Callable[[int], Iterator[Frame]] | None = None,
) -> Iterator[int]:
    """Pass 1: the lifter's landmarks, frame by frame, appended to ``into`` (shots of an
    edited clip marked at their cuts); yields the number of frames read so far so a caller
    can report progress or look at the prefix. The lifter is the tracker's choice frame by
    frame; call :func:`revise_lifter` after the last frame for its choice on the whole clip.

    A shot found crowded part-way through is read again from its start (pose.finder) when
    the frames can be read again: ``rewind(index)`` gives them from ``index`` on (by default
    ``reader.frames`` for a :class:`VideoReader`); the frames whose landmarks that rewrote
    are added to ``reread``.

    With a started ``helper`` (pose.second_half), this process stops about half way where
    the helper's frames take over."""
    cuts = ShotCutDetector()
    info = getattr(reader, "info", None)
    if rewind is None and isinstance(reader, VideoReader):
        rewind = reader.frames
    if not finder.can_reread:
        rewind = None
    overlap = overlap_frames(info.fps) if helper is not None else 0
    # The helper's frames read here too: split - overlap .. split.
    split = helper.start_frame + overlap if helper is not None else None
    held: list[FrameResult] = []  # this process's frames in the overlap, fed at the join
    shot: tuple[int, int, Checkpoint] | None = None  # this shot's first frame, row, checkpoint

    def read(frame: Frame) -> tuple[bool, list]:
        new_shot = cuts.is_cut(frame.image)
        return new_shot, finder.detect(frame.image, int(round(frame.t * 1000)), new_shot=new_shot)

    frames = iter(reader)
    frame = None
    for frame in frames:
        if split is not None and frame.index >= split:
            break
        new_shot, people = read(frame)
        if split is not None and frame.index >= split - overlap:
            colours = [trunk_colour(frame.image, person) for person in people]
            held.append(FrameResult(frame.index, frame.t, new_shot, people, colours))
            yield into.n + len(held)
            continue
        if new_shot or shot is None:
            shot = (frame.index, into.n, tracker.checkpoint())
        elif finder.became_crowded and rewind is not None:
            people = _read_shot_again(rewind, finder, tracker, into, shot, frame, reread)
        _feed(into, tracker, frame.t, people, new_shot, image=frame.image)
        yield into.n
    else:
        frame = None  # the clip ended here
    if split is None:
        return
    while not helper.wait(timeout=0.2):
        yield into.n + len(held) + len(helper.frames)
    if helper.failed is None and frame is not None:
        join = join_index([(r.index, r.people) for r in held], helper.frames)
        taken = [r for r in held if r.index < join] + [r for r in helper.frames if r.index >= join]
        for r in taken:
            _feed(into, tracker, r.t, r.people, r.new_shot, colours=r.colours)
        yield into.n
        return
    # The helper failed (or the clip was shorter than it said): this process reads on.
    for r in held:
        _feed(into, tracker, r.t, r.people, r.new_shot, colours=r.colours)
    yield into.n
    rest = itertools.chain([frame], frames) if frame is not None else ()
    for frame in rest:
        new_shot, people = read(frame)
        _feed(into, tracker, frame.t, people, new_shot, image=frame.image)
        yield into.n


def _read_shot_again(
    rewind: Callable[[int], Iterator[Frame]],
    finder: PeopleFinder,
    tracker: LifterTracker,
    into: SequenceBuilder,
    shot: tuple[int, int, Checkpoint],
    frame: Frame,
    reread: set[int] | None,
) -> list:
    """A look found someone else in ``frame``, part-way through a shot read as a lone one:
    read the shot again from its start with everyone in view, feed the tracker afresh and
    rewrite the lifter's landmarks so far (one frame at a time: the shot may be long).
    Returns everyone in ``frame``."""
    first, row, checkpoint = shot
    tracker.restore(checkpoint)
    with contextlib.closing(rewind(first)) as frames:
        for k, (earlier, found) in enumerate(read_shot_again(finder, frames, frame.index)):
            if earlier.index >= frame.index:
                break
            lifter = tracker.update(found, new_shot=k == 0 and first > 0, image=earlier.image)
            into.set(row + k, lifter)
            if lifter is not None:
                tracker.kept_elsewhere(lifter, into.row(row + k))
            if reread is not None:
                reread.add(row + k)
    return found


def _capacity(info: VideoInfo) -> int:
    """Room for the clip's frames as its container counts them (a few more if it miscounts:
    the builder then grows), instead of doubling up to nearly twice what a long clip needs."""
    return max(256, (info.frame_count or 0) + 16)


def _feed(
    into: SequenceBuilder,
    tracker: LifterTracker,
    t: float,
    people: list,
    new_shot: bool,
    *,
    image: np.ndarray | None = None,
    colours: list[np.ndarray] | None = None,
) -> None:
    if new_shot:
        into.start_shot()
    lifter = tracker.update(people, new_shot=new_shot, image=image, colours=colours)
    into.append(t, lifter)
    if lifter is not None:
        tracker.kept_elsewhere(lifter, into.row(into.n - 1))


def revise_lifter(tracker: LifterTracker, into: SequenceBuilder) -> set[int]:
    """Once every frame is read: the tracker's choice of lifter made on the whole clip,
    written into ``into``. Returns the frames whose landmarks changed."""
    changes = tracker.revise()
    for index, person in changes.items():
        into.set(index, person)
    return set(changes)


def extract_poses(
    clip: Path, model: str = DEFAULT_MODEL, crop: tuple[int, int, int, int] | None = None
) -> tuple[PoseSequence, VideoInfo, str]:
    """Just pass 1, for evaluation tools: (landmarks, clip facts, which person). ``crop``
    (x0, y0, x1, y1 in the clip's own pixels) keeps one panel of a split-screen clip."""
    with (
        VideoReader(clip, max_side=MAX_SIDE) as reader,
        PeopleFinder.create(model, segmentation=OUTLINES) as finder,
    ):
        tracker = LifterTracker()
        frames, rewind = reader, None
        size = (reader.info.width, reader.info.height)
        if crop is not None:
            box = crop_box(reader, crop)

            def rewind(start: int) -> Iterator[Frame]:
                for f in reader.frames(start):
                    yield replace(
                        f, image=np.ascontiguousarray(f.image[box[1] : box[3], box[0] : box[2]])
                    )

            frames = rewind(0)
            size = (box[2] - box[0], box[3] - box[1])
        builder = SequenceBuilder(size, capacity=_capacity(reader.info), outlines=OUTLINES)
        for _ in track_poses(frames, finder, tracker, builder, rewind=rewind):
            pass
        revise_lifter(tracker, builder)
        person = tracker.describe()  # before the builder's rows, which it may read, go
        return builder.finish(), reader.info, person


def crop_box(reader: VideoReader, crop: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A crop given in the clip's own pixels (x0, y0, x1, y1), in the frames ``reader``
    delivers (scaled to the analysis size)."""
    scale = reader.info.width / reader.source_info.width
    x0, y0, x1, y1 = (int(round(v * scale)) for v in crop)
    return x0, y0, x1, y1


def settled_frontier(ex: Exercise, analysis: Analysis, fps: float) -> int:
    """Frames before the returned index will not change their overlay as the clip goes on:
    the reps before them have ended (with their finish), and the lifter has not started
    moving toward the next rep yet. Later frames wait for more of the clip."""
    n = len(analysis.smoothed)
    limit = n - int(round(SETTLE_S * fps))  # the zero-phase filter still looks ahead here
    done = [w for w in analysis.windows if w.lockout_end < limit]
    last = done[-1].lockout_end + 1 if done else 0
    if limit <= last:
        return max(0, min(limit, last))
    signal = analysis.measures[ex.rep_signal][last:limit]
    finite = np.isfinite(signal)
    if not finite.any():
        return last
    top = done[-1].top_level if done else float(np.nanmin(signal))
    rising = signal > top + MOVING_MARGIN * ex.rep_settings.min_amplitude
    moving = np.flatnonzero(~finite | rising)
    if not moving.size:
        return limit
    # A rep starts where it first leaves the top, a little before it clears the margin.
    return max(last, last + int(moving[0]) - int(round(START_LEAD_S * fps)))


def snapshot(ex: Exercise, analysis: Analysis, report: Report, upto: int) -> OverlaySnapshot:
    seq = analysis.smoothed
    line = back_line(seq, analysis.view.facing, analysis.measures, ex)
    return OverlaySnapshot(
        upto=upto,
        state_at=build_timeline(report, seq.t, overlay_angle_series(ex, analysis)),
        image_xy=seq.image_xy,
        visibility=seq.visibility,
        has_pose=seq.has_pose,
        back_xy=line.xy if seq.outline is not None else None,
        back_flag=line.flag,
    )


AUTO = "auto"
# While the clip is read, the exercise is fixed (so drawing can start) once the clip so far
# shows this many reps and recognition is sure; the whole clip has the final word.
AUTO_LOCK_REPS = 2


def choose_exercise(seq: PoseSequence, config: Path | None) -> tuple[Exercise, Recognition]:
    """The exercise ``--exercise auto`` settles on for the whole clip, or a clear error."""
    rec = recognize(seq)
    if not rec.sure:
        raise ExerciseNotRecognisedError(
            f"could not tell which exercise this clip shows: {describe(rec)}. "
            "Name it with --exercise (see `formcheck exercises`)"
        )
    return get_exercise(rec.exercise, config), rec


def analyze(
    path: str | os.PathLike[str],
    exercise: str = AUTO,
    *,
    out: str | os.PathLike[str] | None = None,
    model: str = DEFAULT_MODEL,
    config: str | os.PathLike[str] | None = None,
    video: bool = True,
    progress: ProgressFactory | None = None,
    estimator_factory: Callable[[str], PeopleFinder] | None = None,
    clock: StageClock | None = None,
    jobs: int | None = None,
) -> Report:
    """Analyse the clip at ``path``; write the annotated video, report.json and measures.csv
    into ``out`` (default: a folder beside the clip) and return the :class:`Report`.

    ``estimator_factory(model)`` gives the pose model as a context manager (default: a
    new :class:`PeopleFinder`, closed after the clip); batch workers pass one that keeps a
    loaded model for the next clip. ``clock`` records the seconds each stage took (for
    benchmarks): model, pose (decoding, pose and drawing as it goes), analysis, video
    (finishing the drawing), reports. ``jobs``: processes for the pose pass, 1 or 2
    (default: 2 where this process may use two cores and the clip is long enough)."""
    clip = Path(path)
    if not clip.exists():
        raise ClipNotFoundError(f"clip {clip} does not exist: check the path")
    config_path = Path(config) if config is not None else None
    # "auto": the exercise is recognised from the landmarks, so it is not known yet.
    ex = get_exercise(exercise, config_path) if exercise != AUTO else None
    if ex is None and config_path is not None:
        for name in available():  # a bad key is reported now, not after the pose pass
            get_exercise(name, config_path)
    outputs = OutputPaths.for_clip(clip, Path(out) if out is not None else None)
    created = outputs.prepare(clip)
    progress = progress or _no_progress

    annotator = None
    # The video is finished under a hidden name and renamed with the reports, at the end.
    staged = outputs.folder / temp_name(outputs.video) if video else None
    helper = None
    try:
        make_estimator = estimator_factory or partial(PeopleFinder.create, segmentation=OUTLINES)
        with VideoReader(clip, max_side=MAX_SIDE) as reader, ExitStack() as stack:
            info = reader.info
            split = split_point(info.frame_count, info.fps) if _share_pose_pass(jobs) else None
            if split is not None:  # started first: it loads while we do
                first = split - overlap_frames(info.fps)
                helper = SecondHalf(clip, first, model, max_side=MAX_SIDE, outlines=OUTLINES)
                helper.start()  # after ``helper`` is set, so a stop meanwhile can close it
            with maybe_stage(clock, "model"):
                estimator = stack.enter_context(make_estimator(model))
            tracker = LifterTracker()
            builder = SequenceBuilder(
                (info.width, info.height), capacity=_capacity(info), outlines=OUTLINES
            )
            if video:
                annotator = LaggedAnnotator(clip, staged, max_side=VIDEO_MAX_SIDE)
            tick = progress(info.frame_count, "pose")
            next_look = int(LOOK_EVERY_S * info.fps)
            done = 0
            reread: set[int] = set()  # frames read again once their shot showed two people
            # The analysis's libraries are imported beside the pose model, now in native code
            # (importing them beside MediaPipe's own import would only take turns with it).
            preload()
            with maybe_stage(clock, "pose"):
                for n in track_poses(reader, estimator, tracker, builder, helper, reread):
                    tick(n - done)
                    done = n
                    if annotator is not None and builder.n >= next_look:
                        ex = ex or _early_exercise(builder, config_path)
                        if ex is not None:
                            _advance(annotator, ex, builder, info, model)
                        step = max(int(LOOK_EVERY_S * info.fps), builder.n // 10)
                        next_look = builder.n + step
                moved_skeleton = revise_lifter(tracker, builder) | reread
            person, crowding = tracker.describe(), tracker.crowding_warning()
            # The tracker holds everyone else's landmarks in every frame, and a copy of the
            # builder's would hold the lifter's twice: let go of the one, take over the
            # other, before a long clip's analysis (docs/performance.md, memory).
            del tracker
            seq = builder.finish()
            del builder
            decode_warnings = list(reader.warnings)
            if helper is not None:  # done with (or, for a short clip, never needed)
                decode_warnings += helper.warnings
                helper.close()
                helper = None
            model_name = estimator.model_name
            clip_info = reader.source_info  # the clip's own size, not the analysis size
        give_back_freed_memory()  # the pose model's, before the analysis comes on top

        too_short = too_short_message(clip, seq)
        if too_short:
            raise ClipTooShortError(too_short)
        found = int(seq.has_pose.sum())
        if too_few_poses(seq):
            raise NoPersonError(
                f"no person found in {clip} ({found} of {len(seq)} frames): film the whole "
                "body, well lit, with the lifter filling a good part of the frame"
            )
        rec = None
        with maybe_stage(clock, "analysis"):
            if exercise == AUTO:
                ex, rec = choose_exercise(seq, config_path)
            analysis = analyze_sequence(seq, ex)
            report = build_report(ex, clip_info, model_name, person, seq, analysis)
        report.warnings[:0] = decode_warnings + ([crowding] if crowding else [])
        if rec is not None:
            report.exercise_source = "recognised"
            report.exercise_confidence = rec.confidence
        if annotator is not None:
            with maybe_stage(clock, "video"):
                annotator.finish(
                    snapshot(ex, analysis, report, len(seq)), moved_skeleton=moved_skeleton
                )
            annotator = None
            report.outputs["video"] = str(outputs.video)
        with shielded(), maybe_stage(clock, "reports"):  # outputs appear together
            if staged is not None:
                commit_temp(staged, outputs.video)
            write_reports(report, analysis, outputs, exercise=ex, clip=clip)
    except BaseException as error:  # failed or stopped: no partial output, no empty folder
        if helper is not None:
            helper.close()
            helper = None
        if annotator is not None:
            annotator.cancel()
        if staged is not None:
            discard_temp(staged)
        if created:
            remove_if_empty(outputs.folder)
        if isinstance(error, OutputError) and staged is not None:
            # The video is written under a hidden name until the end: the user knows its own.
            raise OutputError(str(error).replace(str(staged), str(outputs.video))) from error
        raise
    return report


def available_cores() -> int:
    """Cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _share_pose_pass(jobs: int | None) -> bool:
    """Whether a helper process may read the clip's second half (pose.second_half; the clip
    must also be long enough, see its ``split_point``)."""
    if jobs is not None and jobs not in (1, 2):
        raise ValueError(f"jobs must be 1 or 2, got {jobs}")
    return jobs == 2 or (jobs is None and available_cores() >= 2)


def _early_exercise(builder: SequenceBuilder, config: Path | None) -> Exercise | None:
    """The exercise, once the clip so far shows it surely (None until then)."""
    prefix = builder.so_far()
    if prefix.has_pose.sum() < 3:
        return None
    rec = recognize(prefix)
    reps = rec.features.get("hinge_reps", 0) + rec.features.get("kick_reps", 0)
    if rec.sure and reps >= AUTO_LOCK_REPS:
        return get_exercise(rec.exercise, config)
    return None


def _advance(
    annotator: LaggedAnnotator, ex: Exercise, builder: SequenceBuilder, info: VideoInfo, model: str
) -> None:
    """Analyse the clip so far and let the drawing thread draw what has settled. The
    snapshot keeps none of the builder's landmarks (the smoothing makes its own arrays), only
    its frame times, which later frames never change."""
    prefix = builder.so_far()
    if prefix.has_pose.sum() < 3:
        return
    analysis = analyze_sequence(prefix, ex)
    report = build_report(ex, info, model, "", prefix, analysis)
    annotator.update(snapshot(ex, analysis, report, settled_frontier(ex, analysis, info.fps)))
    del analysis, report, prefix
    give_back_freed_memory()  # this look's arrays, before the pose pass grows past them


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
        low_confidence=low_confidence_rules(ex, analysis.view.view),
        warnings=warnings,
        leg_role=ex.leg_role if ex.single_leg else None,
        reps_per_leg=analysis.reps_per_leg,
    )


def overlay_angle_series(ex: Exercise, analysis: Analysis) -> dict[str, tuple[np.ndarray, int]]:
    """label -> (degrees per frame, landmark to write the value beside)."""
    stand = analysis.standing_leg or analysis.near_side
    return {
        label: (analysis.measures[measure], overlay_anchor(anchor, stand))
        for label, measure, anchor in ex.overlay_angles
    }


def write_reports(
    report: Report,
    analysis: Analysis,
    outputs: OutputPaths,
    *,
    exercise: Exercise | None = None,
    clip: Path | None = None,
) -> None:
    """measures.csv, report.json and report.html (stills taken from ``clip``)."""
    write_measures_csv(
        outputs.measures,
        analysis.smoothed.t,
        analysis.measures,
        rep_index=analysis.rep_index,
        phase=analysis.phase,
    )
    report.outputs["measures"] = str(outputs.measures)
    report.outputs["report"] = str(outputs.report)
    report.outputs["html"] = str(outputs.html)
    write_report_json(report, outputs.report)
    write_report_html(
        report,
        outputs.html,
        exercise=exercise,
        curves=Curves.from_analysis(analysis),
        stills_from=clip,
    )
