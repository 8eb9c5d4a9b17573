"""Wiring a live session together from the user's choices (the CLI is a thin layer over this)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from formcheck.exercises.registry import get_exercise
from formcheck.io.atomic import remove_stale_temps
from formcheck.live.display import NoDisplay, WindowDisplay
from formcheck.live.engine import LiveAnalyzer, LiveEvent
from formcheck.live.recorder import SessionOutputs, SessionRecorder
from formcheck.live.session import LiveSession, SessionResult, record_folder
from formcheck.live.sources import DEFAULT_MAX_SIDE, open_source
from formcheck.live.voice import open_voice
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.models import LIVE_MODEL

# One person in front of their own camera: asking MediaPipe for two poses made a frame's work
# 1.2 camera intervals on a 2-core machine (lite; docs/live.md), so frames were dropped.
LIVE_NUM_POSES = 1
# The person mask, for the traced back line and the back rules (pose.outline): about a tenth
# more pose time per frame (docs/live.md has the latency measured with it).
LIVE_OUTLINES = True


def run_live(
    exercise: str,
    *,
    camera: str | int = 0,
    model: str = LIVE_MODEL,
    config: str | os.PathLike[str] | None = None,
    voice: bool = False,
    record: str | os.PathLike[str] | None = None,
    window: bool = True,
    on_event: Callable[[LiveEvent], None] = lambda event: None,
    warn: Callable[[str], None] = lambda message: None,
    max_side: int = DEFAULT_MAX_SIDE,
) -> SessionResult:
    """Run a live session until the user quits, the source ends, Ctrl-C or the camera is
    lost. Everything that can be checked before the camera starts is checked first (the
    exercise and config, the window, the model), so a mistake costs no set."""
    ex = get_exercise(exercise, Path(config) if config is not None else None)
    folder = None
    if record is not None:
        # A session killed earlier (SIGKILL, power cut) left its unfinished video behind; its
        # report.json, rewritten after every rep, is kept.
        for earlier in Path(record).glob("session-*"):
            remove_stale_temps(earlier)
        folder = SessionOutputs.in_folder(record_folder(Path(record))).folder
    display = WindowDisplay(f"formcheck: {ex.title}") if window else NoDisplay()
    try:
        with (
            PoseEstimator(model, num_poses=LIVE_NUM_POSES, segmentation=LIVE_OUTLINES) as estimator,
            open_source(camera, max_side=max_side) as source,
        ):
            analyzer = LiveAnalyzer(ex, source.frame_size, fps=source.fps)
            recorder = None
            if folder is not None:
                recorder = SessionRecorder(folder, source.frame_size, source.fps)
            session = LiveSession(
                source,
                estimator,
                analyzer,
                display=display,
                recorder=recorder,
                voice=open_voice(voice, warn),
                on_event=on_event,
            )
            return session.run()
    finally:
        display.close()
