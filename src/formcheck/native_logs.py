"""MediaPipe's C++ layers write start-up chatter (some fifty lines: XNNPACK, LiteRT, sparsity
warnings) straight to file descriptor 2, which no Python logging setting reaches. The command
line hides it for its whole run (``cli.quiet_native_logs``); :func:`hidden` hides it for the
duration of one library call, then puts everything back."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def hidden() -> Iterator[None]:
    """Inside the block fd 2 goes to /dev/null; Python's own ``sys.stderr`` (warnings, a
    caller's prints) keeps writing to the real stream. Does nothing where fd 2 cannot be
    redirected."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    python_stderr = sys.stderr
    replaced = None
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        if python_stderr is sys.__stderr__:  # it writes to fd 2: give it the real stream
            replaced = os.fdopen(
                os.dup(saved), "w", buffering=1, encoding=python_stderr.encoding, errors="replace"
            )
            sys.stderr = replaced
        yield
    finally:
        if replaced is not None:
            with contextlib.suppress(Exception):
                replaced.flush()
            sys.stderr = python_stderr
            with contextlib.suppress(Exception):
                replaced.close()
        os.dup2(saved, 2)
        os.close(saved)
