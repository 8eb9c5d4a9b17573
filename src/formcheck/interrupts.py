"""Stopping cleanly: a SIGTERM (a batch system's time limit, `kill PID`) is handled like Ctrl-C,
so what is finished is kept."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Inside this block SIGTERM raises KeyboardInterrupt, so it ends a batch or a live
    session as Ctrl-C does: finished clips, the summary, the recorded session are kept."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
