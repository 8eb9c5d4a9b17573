"""Saving a live session like a clip analysis: the annotated video as it was shown, report.json
and measures.csv.

The report is rewritten (atomically) after every judged rep, so even a session that is killed
keeps its reps; the video is finished on every normal exit, Ctrl-C included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.analysis import analyze_smoothed, low_confidence_rules, not_assessable_from
from formcheck.errors import OutputError
from formcheck.io.video_writer import VideoWriter
from formcheck.live.engine import LiveAnalyzer
from formcheck.report.csv_report import write_measures_csv
from formcheck.report.json_report import write_report_json
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
        frames_with_pose=seq.frames_with_pose,
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


class SessionRecorder:
    """Writes what the window shows, frame by frame, and the report as reps are judged."""

    def __init__(self, folder: Path, frame_size: tuple[int, int], fps: float) -> None:
        self.outputs = SessionOutputs.in_folder(Path(folder))
        width, height = frame_size
        # Threaded: the session loop waits for the camera between frames, which is when the
        # encoder thread gets the CPU.
        self._writer = VideoWriter(
            self.outputs.video, width=width, height=height, fps=fps, threaded=True
        )
        self.frames = 0

    def write(self, image_rgb: np.ndarray, t: float) -> None:
        self._writer.write(image_rgb, t)
        self.frames += 1

    def save_report(self, report: Report) -> None:
        report.outputs["report"] = str(self.outputs.report)
        write_report_json(report, self.outputs.report)

    def finish(self, report: Report, analyzer: LiveAnalyzer) -> Report:
        """Close the video and write report.json and measures.csv; returns the report."""
        self._writer.close()
        if self.frames:
            report.outputs["video"] = str(self.outputs.video)
        if analyzer.buffer.n and analyzer.view is not None:
            final = analyze_smoothed(
                analyzer.buffer.sequence(),
                analyzer.exercise,
                view=analyzer.view,
                windows=list(analyzer.windows),
            )
            write_measures_csv(
                self.outputs.measures,
                final.smoothed.t,
                final.measures,
                rep_index=final.rep_index,
                phase=final.phase,
            )
            report.outputs["measures"] = str(self.outputs.measures)
        self.save_report(report)
        return report

    def abort(self) -> None:
        self._writer.abort()
