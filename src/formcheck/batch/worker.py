"""Check one clip: the function every engine runs, in a local worker process or on a Dask
worker. It never raises for a bad clip: the reason goes into its :class:`ClipResult`.

Each clip's folder gets ``batch.json`` last, after everything ``analyze`` writes; it says
the clip is done and with which settings, so a rerun can skip it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from formcheck.batch.jobs import (
    FAILED,
    INTERRUPTED,
    OK,
    SKIPPED,
    BatchSettings,
    ClipJob,
    ClipResult,
)
from formcheck.errors import FormcheckError, OutputError
from formcheck.io.atomic import atomic_write_text

RECORD = "batch.json"
RECORD_SCHEMA = 1


class StopRequested(Exception):
    """Raised between frames when the batch is being stopped (Ctrl-C)."""


class Hooks:
    """How a worker talks back while it checks a clip; this default says nothing. The local
    engine installs one that reports frames to the progress bar and carries Ctrl-C."""

    def started(self, job: ClipJob) -> None:
        pass

    def frames(self, n: int) -> None:
        pass

    def finished(self, job: ClipJob) -> None:
        pass

    def stop_requested(self) -> bool:
        return False


_hooks = Hooks()


def install_hooks(hooks: Hooks) -> None:
    global _hooks
    _hooks = hooks


def current_hooks() -> Hooks:
    return _hooks


def check_clip(job: ClipJob, settings: BatchSettings) -> ClipResult:
    """Analyse ``job.clip`` into ``job.folder`` as ``formcheck analyze`` would, unless an
    earlier run already did with the same clip and settings (then: status ``skipped``)."""
    hooks = current_hooks()
    hooks.started(job)
    try:
        return _check(job, settings, hooks)
    finally:
        hooks.finished(job)


def _check(job: ClipJob, settings: BatchSettings, hooks: Hooks) -> ClipResult:
    fingerprint = _fingerprint(job, settings)
    if not settings.force and fingerprint is not None:
        done = finished_result(Path(job.folder), fingerprint)
        if done is not None:
            this_run = bool(settings.run) and _record_run(Path(job.folder)) == settings.run
            done.status = OK if this_run else SKIPPED  # SKIPPED: done in an earlier run
            done.clip, done.output = job.shown, job.folder
            return done
    if hooks.stop_requested():
        return _result(job, INTERRUPTED, error="not checked: the batch was stopped")

    from formcheck.batch.models import reused_estimator
    from formcheck.pipeline import analyze

    folder = Path(job.folder)
    _clear_previous(folder, Path(job.clip), settings.video)
    start = time.perf_counter()
    details = None
    try:
        report = analyze(
            job.clip,
            exercise=job.exercise,
            out=folder,
            model=settings.model,
            config=settings.config,
            video=settings.video,
            progress=_progress(hooks),
            estimator_factory=reused_estimator,
            jobs=1,  # a batch already gives each core a clip of its own
        )
    except StopRequested:
        return _result(job, INTERRUPTED, error="stopped while being checked: the batch was stopped")
    except FormcheckError as error:
        result = _result(job, FAILED, error=_one_line(str(error)))
    except Exception as error:  # a bug or a library failing on odd input: keep the batch going
        details = traceback.format_exc()
        result = _result(
            job, FAILED, error=_one_line(f"internal error: {type(error).__name__}: {error}")
        )
    else:
        result = _from_report(job, report)
    result.seconds = round(time.perf_counter() - start, 2)
    _write_record(folder, fingerprint, result, details, run=settings.run)
    return result


def _progress(hooks: Hooks) -> Callable[[int | None, str], Callable[[int], None]]:
    def factory(total: int | None, label: str) -> Callable[[int], None]:
        def tick(n: int) -> None:
            if label == "pose":
                hooks.frames(n)
            if hooks.stop_requested():
                raise StopRequested

        return tick

    return factory


def _result(job: ClipJob, status: str, *, error: str = "") -> ClipResult:
    return ClipResult(
        clip=job.shown,
        output=job.folder,
        status=status,
        exercise=job.exercise,
        expected_standing_leg=job.standing_leg,
        error=error,
    )


def _from_report(job: ClipJob, report) -> ClipResult:
    warnings = list(report.warnings)
    leg = report.standing_leg
    if job.standing_leg and leg and leg != job.standing_leg:
        warnings.append(
            f"the manifest says standing leg {job.standing_leg}, the video shows {leg}: "
            "check the clip and the manifest"
        )
    return ClipResult(
        clip=job.shown,
        output=job.folder,
        status=OK,
        exercise=report.exercise,
        view=report.view,
        standing_leg=leg,
        expected_standing_leg=job.standing_leg,
        reps=len(report.reps),
        faults_per_rep=[[fault.rule_id for fault in rep.faults] for rep in report.reps],
        warnings=[_one_line(w) for w in warnings],
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fingerprint(job: ClipJob, settings: BatchSettings) -> dict[str, Any] | None:
    """What the outputs depend on; None if the clip cannot be looked at (it is then
    checked, and fails with the reason)."""
    try:
        stat = Path(job.clip).stat()
        config = (
            hashlib.sha256(Path(settings.config).read_bytes()).hexdigest()
            if settings.config
            else None
        )
    except OSError:
        return None
    return {
        "clip_size": stat.st_size,
        "clip_mtime_ns": stat.st_mtime_ns,
        "exercise": job.exercise,
        "standing_leg": job.standing_leg,
        "model": settings.model,
        "config_sha256": config,
        "video": settings.video,
    }


def finished_result(folder: Path, fingerprint: dict[str, Any]) -> ClipResult | None:
    """The stored result if this clip was checked successfully with these settings."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        if record.get("fingerprint") != fingerprint or record["result"]["status"] != OK:
            return None
        return ClipResult.from_dict(record["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record, or one from an older or interrupted run: check again


def _record_run(folder: Path) -> str | None:
    """The batch run that wrote the folder's record, if it says."""
    try:
        return json.loads((folder / RECORD).read_text(encoding="utf-8")).get("run")
    except (OSError, ValueError, AttributeError):
        return None


def _write_record(
    folder: Path,
    fingerprint: dict[str, Any] | None,
    result: ClipResult,
    details: str | None,
    *,
    run: str = "",
) -> None:
    from formcheck import __version__

    record = {
        "schema": RECORD_SCHEMA,
        "formcheck_version": __version__,
        "fingerprint": fingerprint,
        "run": run,
        "result": result.to_dict(),
        "traceback": details,
    }
    # Unwritable: the result still reaches the summary; without a record a rerun checks again.
    with contextlib.suppress(OutputError):
        atomic_write_text(folder / RECORD, json.dumps(record, indent=2, ensure_ascii=False) + "\n")


def _clear_previous(folder: Path, clip: Path, video: bool) -> None:
    """Before checking again: drop the old record first (so an interrupted redo is not taken
    as done), a stale video when this run makes none, and temp files of a killed run."""
    if not folder.is_dir():
        return
    stale = [folder / RECORD]
    if not video:
        stale.append(folder / f"{clip.stem}_annotated.mp4")
    stale += [p for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name]
    for path in stale:
        with contextlib.suppress(OSError):  # analyze reports an unwritable folder clearly
            path.unlink()
