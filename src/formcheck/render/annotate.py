"""Pass 2 of a clip analysis: decode the clip again and draw the verdicts on every frame."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from formcheck.analysis import Analysis
from formcheck.io.video_reader import VideoReader
from formcheck.io.video_writer import VideoWriter
from formcheck.render.overlay import draw_overlay
from formcheck.render.timeline import build_timeline
from formcheck.types import Report


def write_annotated_video(
    clip: Path,
    target: Path,
    report: Report,
    analysis: Analysis,
    angle_series: dict[str, tuple[np.ndarray, int]],
    *,
    max_side: int,
    progress: Callable[[int], None],
) -> None:
    seq = analysis.smoothed
    state_at = build_timeline(report, seq.t, angle_series)
    pixels = seq.pixel_xy
    with (
        VideoReader(clip, max_side=max_side) as reader,
        VideoWriter(
            target, width=reader.info.width, height=reader.info.height, fps=reader.info.fps
        ) as writer,
    ):
        for frame in reader:
            i = min(frame.index, len(seq) - 1)
            found = seq.has_pose[i]
            image = draw_overlay(
                frame.image,
                pixels[i] if found else None,
                seq.visibility[i] if found else None,
                state_at(i),
            )
            writer.write(image, frame.t)
            progress(1)
