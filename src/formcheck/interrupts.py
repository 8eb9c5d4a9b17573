"""Stopping cleanly: Ctrl-C (SIGINT) and SIGTERM (`kill PID`, a batch system's time limit, a
container being stopped) end every command the same way, keeping what is finished.

The first stop signal raises KeyboardInterrupt in the main thread, wherever it is; the code
on the way out deletes its temporary files, keeps finished work and writes true summaries.
From then on the process is *stopping*: further stop signals are ignored, so a second Ctrl-C
or a scheduler's repeated SIGTERM cannot cut that clean-up short and leave half-written files
or a lost summary. Stopping is bounded (a few seconds), so nothing waits for a second signal.
SIGKILL cannot be caught: what a killed run leaves behind is removed by the next run
(``io.atomic.remove_stale_temps``).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)
)


class _State:
    stopping = False  # a stop signal has arrived; the command is winding down
    signum: int | None = None
    noted = False  # "already stopping" was said once
    deferring = 0  # inside deferred(): the first signal is raised at its end
    pending = False  # a signal arrived inside deferred() and is still to be raised


_state = _State()


def stopping() -> bool:
    """A stop signal has arrived (the command is winding down)."""
    return _state.stopping


def stop_signal_name() -> str:
    """The signal that stopped the command, for messages ("SIGTERM"), or ""."""
    return signal.Signals(_state.signum).name if _state.signum is not None else ""


def _on_stop_signal(signum, frame) -> None:
    if _state.stopping:
        if not _state.noted:
            _state.noted = True
            with contextlib.suppress(Exception):  # never let a message break the clean-up
                print("formcheck: already stopping: saving what is finished", file=sys.stderr)
        return
    _state.stopping, _state.signum = True, signum
    if _state.deferring:
        _state.pending = True
        return
    raise KeyboardInterrupt


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A short section a stop must not cut in half (reading one message from a pipe): a
    signal arriving inside it raises KeyboardInterrupt when the section ends. Signals are
    handled in the main thread only, so elsewhere (the page server's analysis thread) this
    does nothing: the main thread must stop at once."""
    if not _in_main_thread():
        yield
        return
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
        if not _state.deferring and _state.pending:
            _state.pending = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Inside this block the first SIGINT or SIGTERM raises KeyboardInterrupt and later ones
    are ignored. A signal the process was started with ignored (``nohup``, a background job
    of a script) stays ignored. Outside the main thread (an embedding program) signals are
    left alone."""
    if not _in_main_thread() or any(
        signal.getsignal(signum) is _on_stop_signal for signum in STOP_SIGNALS
    ):  # an embedding program's thread, or already inside such a block
        yield
        return
    previous = {}
    for signum in STOP_SIGNALS:
        handler = signal.getsignal(signum)
        if handler is signal.SIG_IGN:
            continue
        previous[signum] = handler
        signal.signal(signum, _on_stop_signal)
    _reset()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        _reset()


def _reset() -> None:
    _state.stopping, _state.signum, _state.noted = False, None, False
    _state.deferring, _state.pending = 0, False


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """The last instants of a command (renaming its finished outputs into place): a stop
    signal arriving now lets it complete, as if it had come a moment later; the command
    then ends normally, every output written. ``stopping()`` says one came. Outside the
    main thread, which alone receives signals, this does nothing."""
    if not _in_main_thread():
        yield
        return
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
        if not _state.deferring:
            _state.pending = False


# The old name: batch and live used to install it themselves.
stop_on_sigterm = stop_on_signals


@contextlib.contextmanager
def blocked_in_children() -> Iterator[None]:
    """Start worker processes inside this block: the stop signals are blocked in this thread
    meanwhile, and a child inherits the blocked mask, so a Ctrl-C to the process group that
    arrives while a worker is still starting up cannot hit it before it sets its own
    handling (:func:`ignore_stop_signals`). Signals to this process stay pending, not lost."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no process groups to worry about
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def ignore_stop_signals() -> None:
    """For worker processes: the main process owns stopping (it tells workers through a
    shared flag), so a signal sent to the whole process group must not kill a worker
    half-way through a file."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
