"""The local engine: one worker process per job slot (one per core by default), each keeping
its own pose model, fed clips by a process pool and streaming results back as they finish.

Workers ignore Ctrl-C: the main process owns it. It sets a shared stop flag, each worker
stops at its next frame (analyze cleans up its temp files) and reports the clip as
interrupted; clips that finished are kept.

A worker that dies (a native crash on a broken file, the out-of-memory killer) breaks the
pool. The clips that were being checked then are run again one at a time, so the one that
kills its worker is found, recorded as failed, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from formcheck.batch.jobs import FAILED, BatchSettings, ClipJob, ClipResult
from formcheck.batch.worker import Hooks, check_clip, install_hooks

# How often the main process looks for frame counts while waiting for clips.
POLL_S = 0.2
# Frames a worker counts before telling the main process: a message per frame would cost
# more than it shows.
FRAMES_PER_MESSAGE = 10

CheckFn = Callable[[ClipJob, BatchSettings], ClipResult]


class Sink(Protocol):
    def frames(self, n: int) -> None: ...

    def finished(self, job: ClipJob, result: ClipResult) -> None: ...


class QueueHooks(Hooks):
    """Worker side: reports to the main process through a pipe-backed queue. SimpleQueue
    writes synchronously, so a "started" message is out before a crash can lose it."""

    def __init__(self, channel, stop) -> None:
        self._channel = channel
        self._stop = stop
        self._unsent = 0

    def started(self, job: ClipJob) -> None:
        self._flush()
        self._channel.put(("started", job.folder))

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
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
    pool = ProcessPoolExecutor(
        max_workers=size, mp_context=context, initializer=_init_worker, initargs=(channel, stop)
    )
    futures: dict[Future, ClipJob] = {pool.submit(check, job, settings): job for job in jobs}
    started: set[str] = set()
    crashed: list[ClipJob] = []
    unstarted: list[ClipJob] = []
    reported: set[Future] = set()
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
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
        pool.shutdown(wait=False, cancel_futures=True)
        # Workers stop at their next frame; what finishes meanwhile is kept. The channel is
        # still read meanwhile, so no worker blocks on a full pipe.
        left = set(futures) - reported
        while left:
            _, left = wait(left, timeout=POLL_S)
            with contextlib.suppress(Exception):  # a message cut by Ctrl-C: only counts lost
                _drain(channel, sink, started)
        for future in set(futures) - reported:
            if not future.cancelled() and future.exception() is None:
                sink.finished(futures[future], future.result())
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return crashed, unstarted


def _drain(channel, sink: Sink, started: set[str]) -> None:
    while not channel.empty():
        kind, value = channel.get()
        if kind == "frames":
            sink.frames(value)
        elif kind == "started":
            started.add(value)


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
