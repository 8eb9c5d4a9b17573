"""The local engine: one worker process per job slot (one per core by default), each keeping
its own pose model, fed clips by a process pool and streaming results back as they finish.

Workers ignore Ctrl-C and SIGTERM: the main process owns stopping. On the first stop signal
it writes the summary at once (a scheduler may follow SIGTERM with SIGKILL), cancels the
queued clips, and sets a shared stop flag; each worker stops at its next frame (analyze
cleans up its temp files) and reports the clip as interrupted; clips that finished are kept
as they were. A worker still busy after ``STOP_GRACE_S`` is killed and its clip's temporary
files removed, so stopping never waits on a long clip.

A worker that dies (a native crash on a broken file, the out-of-memory killer) breaks the
pool. The clips that were being checked then are run again one at a time, so the one that
kills its worker is found, recorded as failed, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Protocol

from formcheck.batch.jobs import FAILED, BatchSettings, ClipJob, ClipResult
from formcheck.batch.worker import Hooks, check_clip, install_hooks
from formcheck.interrupts import blocked_in_children, deferred, ignore_stop_signals
from formcheck.io.atomic import remove_stale_temps

# How often the main process looks for frame counts while waiting for clips.
POLL_S = 0.2
# Frames a worker counts before telling the main process: a message per frame would cost
# more than it shows.
FRAMES_PER_MESSAGE = 10
# After a stop, a worker still busy this long (drawing a long clip's video, stuck in a
# library) is killed: well inside the 10 s a container runtime waits between its SIGTERM and
# its SIGKILL, and the summary is written before the wait anyway.
STOP_GRACE_S = 5.0

CheckFn = Callable[[ClipJob, BatchSettings], ClipResult]


class Sink(Protocol):
    def frames(self, n: int) -> None: ...

    def finished(self, job: ClipJob, result: ClipResult) -> None: ...

    # Optional: called once when a stop signal arrives, before the workers are waited for.
    # def interrupted(self) -> None: ...


class QueueHooks(Hooks):
    """Worker side: reports to the main process through a pipe-backed queue. SimpleQueue
    writes synchronously, so a "started" message is out before a crash can lose it."""

    def __init__(self, channel, stop) -> None:
        self._channel = channel
        self._stop = stop
        self._unsent = 0

    def started(self, job: ClipJob) -> None:
        self._flush()
        self._channel.put(("started", job.folder, os.getpid()))

    def frames(self, n: int) -> None:
        self._unsent += n
        if self._unsent >= FRAMES_PER_MESSAGE:
            self._flush()

    def finished(self, job: ClipJob) -> None:
        self._flush()

    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def _flush(self) -> None:
        if self._unsent:
            self._channel.put(("frames", self._unsent))
            self._unsent = 0


def _init_worker(channel, stop) -> None:
    ignore_stop_signals()
    install_hooks(QueueHooks(channel, stop))


def run_local(
    jobs: list[ClipJob],
    settings: BatchSettings,
    sink: Sink,
    workers: int,
    check: CheckFn = check_clip,
) -> None:
    """Check ``jobs`` with ``workers`` processes, giving each result to ``sink`` as it comes.
    Raises KeyboardInterrupt after handing over what finished, if interrupted."""
    # spawn, not fork: the main process may hold threads (progress bars), and a forked copy
    # of a locked lock hangs; spawn also behaves the same on Linux, macOS and Windows.
    context = multiprocessing.get_context("spawn")
    channel, stop = context.SimpleQueue(), context.Event()
    fresh, suspects = list(jobs), []
    # Each round breaks at most once; this many rounds means something else is wrong.
    for _ in range(2 * len(jobs) + 2):
        if suspects:  # alone in the pool, a clip that kills its worker is known for sure
            batch, size, alone, suspects = suspects, 1, True, []
        elif fresh:
            batch, size, alone, fresh = fresh, min(workers, len(fresh)), False, []
        else:
            return
        crashed, unstarted = _round(batch, settings, sink, size, check, context, channel, stop)
        if len(crashed) == 1:  # the only clip being checked when its worker died
            sink.finished(crashed[0], _crashed(crashed[0]))
        else:
            suspects += crashed
        (suspects if alone else fresh).extend(unstarted)
    for job in fresh + suspects:
        sink.finished(job, _crashed(job))


def _round(
    jobs: list[ClipJob],
    settings: BatchSettings,
    sink: Sink,
    size: int,
    check: CheckFn,
    context,
    channel,
    stop,
) -> tuple[list[ClipJob], list[ClipJob]]:
    """One pool over ``jobs``. Returns the clips lost when a worker died: those being
    checked at the time, and those not yet started."""
    with blocked_in_children():  # workers start with the stop signals blocked
        pool = ProcessPoolExecutor(
            max_workers=size,
            mp_context=context,
            initializer=_init_worker,
            initargs=(channel, stop),
        )
        futures: dict[Future, ClipJob] = {pool.submit(check, job, settings): job for job in jobs}
    started: dict[str, int] = {}  # clip folder -> the worker process checking it
    crashed: list[ClipJob] = []
    unstarted: list[ClipJob] = []
    reported: set[Future] = set()
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            with deferred():  # a stop must not cut a message in half
                _drain(channel, sink, started)
            for future in done:
                job = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    (crashed if job.folder in started else unstarted).append(job)
                    reported.add(future)
                    continue
                except Exception as error:  # e.g. a result that would not pickle: a bug
                    result = _failed(job, f"internal error: {type(error).__name__}: {error}")
                sink.finished(job, result)
                reported.add(future)  # after: a Ctrl-C inside finished() hands it over again
    except KeyboardInterrupt:
        stop.set()
        interrupted = getattr(sink, "interrupted", None)
        if interrupted is not None:
            interrupted()
        _wind_down(pool, futures, reported, channel, sink, started)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return crashed, unstarted


def _wind_down(
    pool: ProcessPoolExecutor,
    futures: dict[Future, ClipJob],
    reported: set[Future],
    channel,
    sink: Sink,
    started: dict[str, int],
) -> None:
    """After a stop: queued clips are cancelled (they never start); clips that finish
    meanwhile (done, failed, or stopped at their next frame) are handed over as they are;
    workers still busy after STOP_GRACE_S are killed. Polls ``done()``: ``wait()`` never
    counts a future cancelled by ``shutdown`` as done, which hung the batch."""
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_GRACE_S
    busy: list[Future] = []
    while True:
        # Workers keep writing progress while they stop: read on, so none blocks on a pipe.
        with contextlib.suppress(Exception):
            _drain(channel, sink, started)
        for future, job in futures.items():
            if future in reported or not future.done():
                continue
            reported.add(future)
            if future.cancelled():
                continue  # never started: the summary says interrupted
            try:
                result = future.result()
            except Exception:  # BrokenProcessPool: cut off, so interrupted
                continue
            sink.finished(job, result)
        busy = [f for f in futures if f not in reported and not f.done()]
        if not busy or time.monotonic() >= deadline:
            break
        time.sleep(POLL_S / 4)
    for future in busy:
        folder = futures[future].folder
        pid = started.get(folder)
        if pid is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))  # Windows: no SIGKILL
    if busy:
        time.sleep(POLL_S)  # let the killed workers go before their files are tidied
        for future in busy:
            remove_stale_temps(Path(futures[future].folder), everything=True)


def _drain(channel, sink: Sink, started: dict[str, int]) -> None:
    while not channel.empty():
        kind, *values = channel.get()
        if kind == "frames":
            sink.frames(values[0])
        elif kind == "started":
            started[values[0]] = values[1]


def _failed(job: ClipJob, error: str) -> ClipResult:
    return ClipResult(
        clip=job.shown,
        output=job.folder,
        status=FAILED,
        exercise=job.exercise,
        expected_standing_leg=job.standing_leg,
        error=error,
    )


def _crashed(job: ClipJob) -> ClipResult:
    return _failed(
        job,
        "the worker process died while checking this clip (a crash in the video or pose "
        "library, or out of memory): check the file plays, or re-export it as MP4 (H.264)",
    )
