"""Saving a live session like a clip analysis: the annotated video as it was shown, report.json
and measures.csv.

The report is rewritten (atomically) after every judged rep, so even a session that is killed
keeps its reps; the video is finished on every normal exit, Ctrl-C and SIGTERM included.
measures.csv is written a stretch at a time, as frames leave the session's history (which is
what keeps a long session's memory flat), under a temporary name until the session ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.analysis import analyze_smoothed, low_confidence_rules, not_assessable_from
from formcheck.errors import OutputError
from formcheck.io.atomic import commit_temp, create_temp_beside, discard_temp
from formcheck.io.video_writer import VideoWriter
from formcheck.live.engine import LiveAnalyzer, shifted
from formcheck.report.csv_report import measures_csv
from formcheck.report.curves import Curves
from formcheck.report.html_report import HTML_NAME, write_report_html
from formcheck.report.json_report import write_report_json
from formcheck.signals.view import ViewEstimate
from formcheck.types import Report, VideoInfo

VIDEO_NAME = "session_annotated.mp4"


@dataclass(frozen=True)
class SessionOutputs:
    folder: Path
    video: Path
    report: Path
    measures: Path

    @classmethod
    def in_folder(cls, folder: Path) -> SessionOutputs:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"cannot create the recording folder {folder}: {exc.strerror or exc}; "
                "choose a writable folder with --record"
            ) from None
        return cls(folder, folder / VIDEO_NAME, folder / "report.json", folder / "measures.csv")


def session_report(
    analyzer: LiveAnalyzer,
    info: VideoInfo,
    model: str,
    *,
    warnings: list[str] = (),
) -> Report:
    """The session so far as a :class:`Report`: the reps as they were judged live."""
    ex = analyzer.exercise
    seq = analyzer.buffer
    view = analyzer.view
    view_name = view.view if view is not None else "side"
    return Report(
        exercise=ex.name,
        clip=info,
        model=model,
        view=view_name,
        view_confidence=view.confidence if view is not None else 0.0,
        standing_leg=analyzer.standing_leg(),
        person="the person in front of the camera",
        frames_total=seq.n,
        frames_with_pose=seq.frames_with_pose,  # both over the whole session
        reps=list(analyzer.reps),
        not_assessable=not_assessable_from(ex, view_name),
        low_confidence=low_confidence_rules(ex, view_name),
        warnings=[*analyzer.warnings, *_set_notes(analyzer), *warnings],
        leg_role=ex.leg_role if ex.single_leg else None,
        reps_per_leg=analyzer.reps_per_leg(),
    )


def _set_notes(analyzer: LiveAnalyzer) -> list[str]:
    starts = analyzer.set_starts
    if len(starts) < 2:
        return []
    ends = [*(s - 1 for s in starts[1:]), len(analyzer.windows)]
    sizes = ", ".join(str(end - start + 1) for start, end in zip(starts, ends))
    return [
        f"the count was reset {len(starts) - 1} time(s): sets of {sizes} reps (reps are "
        "numbered through the whole session)"
    ]


class MeasuresLog:
    """measures.csv of a live session, one stretch of frames at a time: the measures of the
    frames before ``upto`` are computed (with the frames after them as context) and
    appended to a temporary file, which becomes measures.csv when the session ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._temp: Path | None = None
        self._written = 0  # session index of the first frame not yet written

    def write_before(self, analyzer: LiveAnalyzer, upto: int) -> None:
        """Write the rows of the frames before session index ``upto``, measured with every
        frame still held (the analyzer holds a rep and its context before them)."""
        buffer = analyzer.buffer
        start = self._written
        upto = min(upto, buffer.n)
        if upto <= start:
            return
        if start < buffer.first:
            raise RuntimeError(f"frames {start} to {buffer.first - 1} were forgotten unwritten")
        seq = buffer.sequence()
        held = buffer.first
        windows = [w for w in analyzer.windows if w.start >= held]
        before = len(analyzer.windows) - len(windows)  # reps numbered through the session
        view = analyzer.view or ViewEstimate("side", 0.0, float("nan"), 0)
        final = analyze_smoothed(
            seq, analyzer.exercise, view=view, windows=[shifted(w, -held) for w in windows]
        )
        rows = slice(start - held, upto - held)
        rep_index = np.where(final.rep_index > 0, final.rep_index + before, 0)[rows]
        phase = final.phase[rows]
        if before:  # "setup" is only before the session's first rep
            phase = np.where(phase == "setup", "top", phase)
        text = measures_csv(
            final.smoothed.t[rows],
            {name: values[rows] for name, values in final.measures.items()},
            rep_index=rep_index,
            phase=phase,
            first_frame=start,
            header=self._temp is None,
        )
        if self._temp is None:
            self._temp = create_temp_beside(self.path)
        try:
            with self._temp.open("a", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as error:
            raise OutputError(
                f"Could not write {self.path}: {error.strerror or error}. Check there is free "
                "disk space and the folder is writable."
            ) from error
        self._written = upto

    def finish(self, analyzer: LiveAnalyzer) -> bool:
        """Write the rest and put measures.csv in place; False when there was nothing."""
        self.write_before(analyzer, analyzer.buffer.n)
        if self._temp is None:
            return False
        commit_temp(self._temp, self.path)
        self._temp = None
        return True

    def abort(self) -> None:
        if self._temp is not None:
            discard_temp(self._temp)
            self._temp = None


class SessionRecorder:
    """Writes what the window shows, frame by frame, the report as reps are judged, and
    measures.csv as frames leave the analyzer's history (:meth:`follow`)."""

    def __init__(self, folder: Path, frame_size: tuple[int, int], fps: float) -> None:
        self.outputs = SessionOutputs.in_folder(Path(folder))
        width, height = frame_size
        # Threaded: the session loop waits for the camera between frames, which is when the
        # encoder thread gets the CPU.
        self._writer = VideoWriter(
            self.outputs.video, width=width, height=height, fps=fps, threaded=True
        )
        self._measures = MeasuresLog(self.outputs.measures)
        self.frames = 0
        self.first_t = 0.0  # where the video starts on the session's clock (for stills)
        # The landmarks at each fault's worst frame, kept while the history still holds them,
        # to mark the joints on report.html's stills: frame -> (image_xy, visibility).
        self.fault_poses: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._followed: LiveAnalyzer | None = None

    def follow(self, analyzer: LiveAnalyzer) -> None:
        """Write the measures of frames as ``analyzer`` forgets them."""
        analyzer.on_forget = lambda upto: self._measures.write_before(analyzer, upto)
        self._followed = analyzer

    def write(self, image_rgb: np.ndarray, t: float) -> None:
        if not self.frames:
            self.first_t = t
        self._writer.write(image_rgb, t)
        self.frames += 1

    def save_report(self, report: Report) -> None:
        self._keep_fault_poses(report)
        report.outputs["report"] = str(self.outputs.report)
        write_report_json(report, self.outputs.report)

    def finish(self, report: Report, analyzer: LiveAnalyzer) -> Report:
        """Close the video and write report.json, measures.csv and report.html; returns the
        report."""
        self._writer.close()
        if self.frames:
            report.outputs["video"] = str(self.outputs.video)
        if analyzer.view is not None and self._measures.finish(analyzer):
            report.outputs["measures"] = str(self.outputs.measures)
        else:
            self._measures.abort()
        html = self.outputs.folder / HTML_NAME
        report.outputs["html"] = str(html)
        self.save_report(report)
        write_report_html(
            report,
            html,
            exercise=analyzer.exercise,
            curves=Curves.from_measures_csv(self.outputs.measures)
            if "measures" in report.outputs
            else None,
            stills_from=self.outputs.video if self.frames else None,
            stills_show_skeleton=True,  # the video shows what the window showed
            poses=self.fault_poses,
            stills_offset_s=self.first_t,
        )
        return report

    def _keep_fault_poses(self, report: Report) -> None:
        history = self._followed.buffer if self._followed is not None else None
        for fault in (f for rep in report.reps for f in rep.faults):
            if history is not None and history.first <= fault.frame < history.n:
                held = history.tail(fault.frame)
                self.fault_poses.setdefault(fault.frame, (held.image_xy[0], held.visibility[0]))

    def abort(self) -> None:
        self._writer.abort()
        self._measures.abort()
