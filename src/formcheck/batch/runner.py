"""Run a batch: plan the jobs, check the set-up, hand the jobs to an engine, and keep the
summary up to date as results stream in, also when the run is interrupted."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from formcheck.batch.errors import BatchInputError
from formcheck.batch.inputs import plan_jobs
from formcheck.batch.jobs import FAILED, INTERRUPTED, BatchSettings, ClipJob, ClipResult
from formcheck.batch.options import AUTO, ENGINES
from formcheck.batch.progress import BatchDisplay
from formcheck.batch.summary import SummaryWriter, counts
from formcheck.io.atomic import create_temp_beside, discard_temp, remove_stale_temps
from formcheck.pose.models import DEFAULT_MODEL

INTERRUPTED_ERROR = "not checked: the batch was interrupted"


@dataclass
class BatchOutcome:
    results: list[ClipResult]
    interrupted: bool
    summary_csv: Path
    summary_json: Path

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.results)

    @property
    def failed(self) -> int:
        return self.counts.get(FAILED, 0)


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def run_batch(
    inputs: list[str],
    out: str | os.PathLike[str],
    *,
    exercise: str = AUTO,
    manifest: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    model: str = DEFAULT_MODEL,
    config: str | os.PathLike[str] | None = None,
    video: bool = True,
    force: bool = False,
    bars: bool = False,
    lines: bool = False,
) -> BatchOutcome:
    """Check every clip ``inputs`` and ``manifest`` name into ``out``; see docs/batch.md.

    Raises a FormcheckError before any clip is checked if the set-up is wrong. A clip that
    cannot be checked never raises: it is a ``failed`` row of the summary. ``bars`` shows
    progress bars on stderr, ``lines`` a line per finished clip on stdout.
    """
    if engine not in ENGINES:
        raise BatchInputError(f"unknown engine {engine!r}: use local or dask")
    if engine == "dask" and not scheduler:
        raise BatchInputError("--engine dask needs --scheduler ADDRESS (e.g. tcp://HOST:8786)")
    if jobs is not None and jobs < 1:
        raise BatchInputError(f"--jobs must be at least 1, got {jobs}")
    out_dir = Path(os.path.abspath(out))
    planned = plan_jobs(list(inputs), Path(manifest) if manifest else None, exercise, out_dir)
    if not planned:
        raise BatchInputError("no clips to check: name files, folders or globs, or a --manifest")
    settings = BatchSettings(
        out=str(out_dir),
        model=model,
        config=str(Path(config).resolve()) if config else None,
        video=video,
        force=force,
        run=uuid.uuid4().hex,
    )
    _check_setup(planned, settings, local=engine == "local")

    remove_stale_temps(out_dir)  # summary files half-written by a killed earlier run
    summary = SummaryWriter(out_dir, planned)
    display = BatchDisplay(len(planned), bars=bars, lines=lines, frames=engine == "local")
    sink = _Sink(summary, display)
    interrupted = False
    try:
        if engine == "local":
            from formcheck.batch.local import run_local

            run_local(planned, settings, sink, min(jobs or default_jobs(), len(planned)))
        else:
            from formcheck.batch.dask_engine import run_dask

            run_dask(planned, settings, sink, scheduler)
    except KeyboardInterrupt:
        interrupted = True
        summary.mark_pending(INTERRUPTED, INTERRUPTED_ERROR)
    finally:
        display.close()
    summary.write()
    return BatchOutcome(summary.results, interrupted, summary.csv_path, summary.json_path)


class _Sink:
    def __init__(self, summary: SummaryWriter, display: BatchDisplay) -> None:
        self._summary = summary
        self._display = display

    def frames(self, n: int) -> None:
        self._display.frames(n)

    def finished(self, job: ClipJob, result: ClipResult) -> None:
        self._summary.add(job, result)
        self._display.finished(result)

    def interrupted(self) -> None:
        """A stop signal: the summary is written now, before the workers are waited for, so
        a SIGKILL that follows a scheduler's SIGTERM still finds it. Clips that finish while
        the workers stop replace their rows."""
        self._summary.mark_pending(INTERRUPTED, INTERRUPTED_ERROR)
        self._summary.write()


def _check_setup(jobs: list[ClipJob], settings: BatchSettings, *, local: bool) -> None:
    """Mistakes that would fail every clip are reported once, before any work."""
    from formcheck.exercises.registry import available, get_exercise
    from formcheck.pose.models import resolve_model

    config = Path(settings.config) if settings.config else None
    names = {job.exercise for job in jobs}
    if AUTO in names and config is not None:
        names |= set(available())  # any exercise may be recognised: its overrides must parse
    for name in sorted(names - {AUTO}):
        get_exercise(name, config)  # an unknown name or a bad config file: one line
    if local:  # Dask workers look for the model themselves (see dask_engine)
        resolve_model(settings.model)
    discard_temp(create_temp_beside(Path(settings.out) / "summary.csv"))  # writable?
