"""The analyses `formcheck serve` keeps: one folder each under the user's folder, and a queue
that runs them one at a time.

Each analysis folder holds the uploaded clip (in ``upload/``), ``job.json`` (what was asked
and how it went, rewritten atomically at every change of state) and ``report/`` with what
``formcheck analyze`` writes. Everything the page lists is read back from these folders
when the server starts, so stopping the server loses nothing finished; an analysis that was
waiting is queued again, and one that was running is marked as stopped, to be run again from
the page.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Queue

from formcheck.errors import FormcheckError, OutputError
from formcheck.io.atomic import atomic_write_text
from formcheck.types import Report

QUEUED, RUNNING, DONE, FAILED, STOPPED = "queued", "running", "done", "failed", "stopped"
JOB_FILE = "job.json"
REPORT_FOLDER = "report"
UPLOAD_FOLDER = "upload"
JOB_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")


@dataclass
class Job:
    id: str
    clip_name: str  # as the user's file was called: shown on the page (escaped), never a path
    file: str  # the saved clip's name inside the job's folder
    exercise: str  # an exercise name or "auto"
    state: str = QUEUED
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    error: str = ""
    # From the report, for the list of earlier analyses.
    exercise_found: str | None = None
    reps: int | None = None
    faulty_reps: int | None = None
    faults: int | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Job:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)


class StopRequested(Exception):
    """Raised between frames when the server is stopping."""


class JobStore:
    """The analyses under ``root``, on disk and in memory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"cannot use the folder {self.root}: {exc.strerror or exc}; name a folder you "
                "can write to"
            ) from None
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        for path in sorted(self.root.glob(f"*/{JOB_FILE}")):
            try:
                job = Job.from_dict(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue  # a half-made or foreign folder: not ours to list
            if job.id == path.parent.name and JOB_ID.match(job.id):
                self._jobs[job.id] = job

    def folder(self, job: Job) -> Path:
        return self.root / job.id

    def clip_path(self, job: Job) -> Path:
        """Under its own subfolder, so no clip name can clash with job.json or report/."""
        return self.folder(job) / UPLOAD_FOLDER / job.file

    def report_folder(self, job: Job) -> Path:
        return self.folder(job) / REPORT_FOLDER

    def new(self, clip_name: str, file: str, exercise: str) -> Job:
        """A new analysis with its own folder (not saved until :meth:`save`)."""
        while True:
            job_id = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)
            try:
                (self.root / job_id).mkdir()
                break
            except FileExistsError:
                continue
        return Job(id=job_id, clip_name=clip_name, file=file, exercise=exercise)

    def save(self, job: Job) -> None:
        atomic_write_text(
            self.folder(job) / JOB_FILE, json.dumps(asdict(job), indent=2, ensure_ascii=False)
        )
        with self._lock:
            self._jobs[job.id] = job

    def discard(self, job: Job) -> None:
        """Remove an upload that was refused (not a video): its folder and all."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(self.folder(job), ignore_errors=True)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        """Newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda job: job.created, reverse=True)

    def unfinished(self) -> list[Job]:
        """Oldest first: analyses a previous server left queued or running."""
        return sorted(
            (job for job in self.all() if job.state in (QUEUED, RUNNING)), key=lambda j: j.created
        )


Analyse = Callable[[Job, Path, Path, Callable[[int | None, str], Callable[[int], None]]], Report]


class Runner:
    """Runs analyses one at a time in a background thread, in the order they came: a second
    upload waits instead of sharing the machine's cores with the first."""

    def __init__(self, store: JobStore, analyse: Analyse) -> None:
        self.store = store
        self._analyse = analyse
        self._queue: Queue[str | None] = Queue()
        self._waiting: list[str] = []
        self._lock = threading.Lock()
        self._progress: dict[str, tuple[int, int | None]] = {}  # id -> (frames, total)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="formcheck-serve", daemon=True)
        for job in store.unfinished():
            if job.state == RUNNING:  # the server stopped while it ran
                job.state, job.error = STOPPED, "the server was stopped while this ran"
                job.finished = time.time()
                store.save(job)
            else:
                self._enqueue(job.id)

    def start(self) -> None:
        self._thread.start()

    def submit(self, job: Job) -> None:
        job.state, job.error = QUEUED, ""
        job.started = job.finished = None
        self.store.save(job)
        self._enqueue(job.id)

    def _enqueue(self, job_id: str) -> None:
        with self._lock:
            self._waiting.append(job_id)
        self._queue.put(job_id)

    def position(self, job_id: str) -> int | None:
        """1 for the next to run, 2 after it...; None if not waiting."""
        with self._lock:
            return self._waiting.index(job_id) + 1 if job_id in self._waiting else None

    def progress(self, job_id: str) -> tuple[int, int | None]:
        with self._lock:
            return self._progress.get(job_id, (0, None))

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current frame: the running analysis is marked stopped (its clip
        kept, to run again), the waiting ones stay queued for the next start."""
        self._stop.set()
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            job_id = self._queue.get()
            if job_id is None or self._stop.is_set():
                break
            with self._lock:
                if job_id in self._waiting:
                    self._waiting.remove(job_id)
            job = self.store.get(job_id)
            if job is not None and job.state == QUEUED:
                self._run_one(job)

    def _run_one(self, job: Job) -> None:
        job.state, job.started = RUNNING, time.time()
        self.store.save(job)
        try:
            report = self._analyse(
                job, self.store.clip_path(job), self.store.report_folder(job), self._ticker(job)
            )
        except StopRequested:
            job.state, job.error = STOPPED, "the server was stopped while this ran"
        except FormcheckError as error:
            job.state, job.error = FAILED, " ".join(str(error).split())
        except Exception as error:  # a bug: say so on the page, keep serving
            traceback.print_exc()
            job.state = FAILED
            job.error = f"internal error: {type(error).__name__}: {error} (please report it)"
        else:
            job.state = DONE
            job.exercise_found = report.exercise
            job.reps = len(report.reps)
            job.faulty_reps = sum(1 for rep in report.reps if rep.faults)
            job.faults = report.fault_count
        job.finished = time.time()
        with self._lock:
            self._progress.pop(job.id, None)
        self.store.save(job)

    def _ticker(self, job: Job) -> Callable[[int | None, str], Callable[[int], None]]:
        def factory(total: int | None, label: str) -> Callable[[int], None]:
            def tick(n: int) -> None:
                if self._stop.is_set():
                    raise StopRequested
                with self._lock:
                    done, _ = self._progress.get(job.id, (0, None))
                    self._progress[job.id] = (done + n, total)

            return tick

        return factory
